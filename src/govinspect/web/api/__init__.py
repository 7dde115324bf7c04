"""The JSON API under /api/ (OpenAPI at /openapi.json): the console's operations for a province's
platform and for scripts. Authentication: ``Authorization: Bearer <token>`` only; the roles and
the unit scoping are those of the pages (web/access.py), other units' objects answer 404."""
