"""The application factory uvicorn calls in each worker process (`govinspect serve`)."""

from __future__ import annotations

import os

from fastapi import FastAPI

from govinspect.settings import Settings
from govinspect.store.db import open_database
from govinspect.web.app import create_app


def app_from_env() -> FastAPI:
    """The console over the database `govinspect serve` named (already migrated by then)."""
    url = os.environ["GOVINSPECT_WEB_DB"]
    settings = Settings().model_copy(update={"db": url})
    db = open_database(url, migrate=False)
    secure = os.environ.get("GOVINSPECT_WEB_SECURE_COOKIES") == "1"
    return create_app(db, settings, secure_cookies=secure)
