"""The web console (`govinspect serve`): server-rendered pages in Chinese (总览, 站点, 问题, 报告, 设置),
the JSON API under /api/, accounts with roles, sessions, CSRF protection and security headers.

Layout: app.py builds the FastAPI application; pages/ and api/ hold the routes; services.py is what
both do (through workflow.actions and the repositories); access.py decides who sees what;
queries.py, scores.py and warmup.py make the pages fast on large databases; templates/ and static/
are the front end (ECharts and htmx are copied into static/vendor/ by web/build.sh, not committed).
"""
