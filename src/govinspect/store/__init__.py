"""Store stage: SQLAlchemy 2 over SQLite (default) or PostgreSQL, schema managed by Alembic."""

from govinspect.store.db import Database, StoreError, open_database

__all__ = ["Database", "StoreError", "open_database"]
