"""Traffic and message statistics: server-log import, visits and page views, citizen-message
import and figures, and the annual report table (政府网站工作年度报表)."""
