"""Fixtures for the application tests: one schema per run, a clean database per
test, clients signed in as each role, and small factories for test data.

``QA_TEST_DB=postgresql`` (set by ``tests/run_suites.py``) runs everything on a
fresh database created on ``TEST_DATABASE_URL``'s server and dropped afterwards.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, g
from flask.testing import FlaskClient
from flask_migrate import upgrade

from qa_app import create_app
from qa_app.extensions import db
from qa_app.models import User
from tests.qa_app.helpers import TEST_CONFIG, Factory, JobQueue, sign_in

BACKEND = os.environ.get("QA_TEST_DB", "sqlite")


def _migrate(url: str) -> None:
    app = create_app(TEST_CONFIG | {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Build the schema once with the real migrations, for the whole run."""
    if BACKEND == "sqlite":
        template = tmp_path_factory.mktemp("db") / "template.sqlite"
        _migrate(f"sqlite:///{template}")
        yield {"backend": "sqlite", "template": template}
        return
    server_url = os.environ.get("TEST_DATABASE_URL")
    if not server_url:
        pytest.exit("QA_TEST_DB=postgresql needs TEST_DATABASE_URL", returncode=2)
    name = f"qa_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(
        server_url.replace("postgresql://", "postgresql+psycopg://", 1),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    try:
        _migrate(url)
        yield {"backend": "postgresql", "url": url}
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _fresh_url(database: dict[str, Any], tmp_path: Path) -> str:
    if database["backend"] == "sqlite":
        path = tmp_path / "test.sqlite"
        shutil.copyfile(database["template"], path)
        return f"sqlite:///{path}"
    engine = sa.create_engine(database["url"])
    with engine.begin() as conn:
        tables = conn.execute(
            sa.text(
                "SELECT string_agg(quote_ident(tablename), ', ') FROM pg_tables "
                "WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
            )
        ).scalar_one()
        conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return database["url"]


class ReadingClient(FlaskClient):
    """A test client that reads each response whole, as a browser does, so a
    file sent by the app (a recording) is closed when the request returns even
    if the test only looks at the status."""

    def open(self, *args: Any, **kwargs: Any):  # type: ignore[override]
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


@pytest.fixture
def app(database: dict[str, Any], tmp_path: Path) -> Iterator[Flask]:
    application = create_app(
        TEST_CONFIG
        | {
            "SQLALCHEMY_DATABASE_URI": _fresh_url(database, tmp_path),
            # Recordings go to the test's own folder; none is transcribed on
            # upload unless a test asks for it.
            "RECORDINGS_FOLDER": str(tmp_path / "recordings"),
            "TRANSCRIBE_ON_UPLOAD": False,
        }
    )

    # The test holds one app context for its whole body (so it can use
    # db.session directly); requests then share its ``g``. Flask-WTF caches
    # the CSRF token and Flask-Login the user in ``g``: drop both per request,
    # or two clients in one test would see each other's token and user.
    def _fresh_request_caches() -> None:
        g.pop("csrf_token", None)
        g.pop("_login_user", None)
        g.pop("style_nonce", None)

    application.before_request_funcs.setdefault(None, []).insert(0, _fresh_request_caches)
    application.test_client_class = ReadingClient

    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def job_queue(app: Flask) -> JobQueue:
    """Jobs queue up instead of running in the request; ``job_queue.work()`` runs them."""
    return JobQueue(app)


@pytest.fixture
def make(app: Flask) -> Factory:
    return Factory()


@pytest.fixture
def users(make: Factory) -> dict[str, User]:
    """One active user per role, all in the same team."""
    team = make.team("Support")
    return {
        role: make.user(role, team=team, email=f"{role}@example.test")
        for role in ("admin", "executive", "reviewer", "agent")
    }


@pytest.fixture
def client_as(app: Flask, users: dict[str, User]):
    """``client_as("reviewer")``: a fresh client signed in with that role."""

    def build(role: str) -> FlaskClient:
        signed = app.test_client()
        response = sign_in(signed, users[role].email)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return signed

    return build
