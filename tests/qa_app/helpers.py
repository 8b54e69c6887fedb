"""Helpers shared by the application tests (imported, not fixtures)."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

import scorecards
from qa_app.extensions import db
from qa_app.models import Interaction, Scorecard, ScorecardVersion, Team, User

PASSWORD = "correct horse battery"
TEST_CONFIG: dict[str, Any] = {
    "TESTING": True,
    "SECRET_KEY": "test-only-secret",
    # Fast hashing: the real method (scrypt) costs ~50 ms per sign-in.
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    # Background jobs run inside the request, in memory (no queue file, no Redis).
    "JOBS_IMMEDIATE": True,
    "REDIS_URL": None,
    "JOB_RETRY_DELAY": 0,
    # Each test's application has a cache of its own, in memory.
    "CACHE_TYPE": "SimpleCache",
    # Report figures and filter lists read fresh, so a test sees what it just
    # wrote (tests/qa_app/reports/test_stored.py turns the storing on).
    "REPORT_MAX_AGE": 0,
    "REPORT_FILTER_LIST_SECONDS": 0,
}


def csrf_token(client: FlaskClient, path: str = "/auth/login") -> str:
    """The session's CSRF token, read from the meta tag every page carries."""
    html = client.get(path, follow_redirects=True).get_data(as_text=True)
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD):
    token = csrf_token(client)
    return client.post(
        "/auth/login", data={"email": email, "password": password, "csrf_token": token}
    )


def post_form(client: FlaskClient, path: str, data: dict[str, Any], **kwargs):
    """POST a form the way a browser would, with the session's CSRF token."""
    token = csrf_token(client, "/")
    return client.post(path, data={"csrf_token": token, **data}, **kwargs)


class Factory:
    """Small builders for test data; each commits so the data is visible to
    a live server thread as well."""

    def __init__(self) -> None:
        self._n = 0

    def _next(self) -> int:
        self._n += 1
        return self._n

    def team(self, name: str | None = None) -> Team:
        team = Team(name=name or f"Team {self._next()}")
        db.session.add(team)
        db.session.commit()
        return team

    def user(
        self,
        role: str = "reviewer",
        *,
        team: Team | None = None,
        email: str | None = None,
        password: str | None = PASSWORD,
        active: bool = True,
        name: str | None = None,
    ) -> User:
        n = self._next()
        user = User(
            email=email or f"{role}{n}@example.test",
            name=name or f"{role.title()} {n}",
            role=role,
            team_id=team.id if team else None,
            active=active,
        )
        if password:
            user.set_password(password, method=TEST_CONFIG["PASSWORD_HASH_METHOD"])
        db.session.add(user)
        db.session.commit()
        return user

    def interaction(self, agent: User, **fields: Any) -> Interaction:
        n = self._next()
        values: dict[str, Any] = {
            "source": "test",
            "external_id": f"ext-{n}",
            "channel": "call",
            "agent_id": agent.id,
            "team_id": agent.team_id,
            "started_at": datetime(2026, 11, 2, 9, 30, tzinfo=UTC),
            "duration_seconds": 300,
            "transcript": [
                {"speaker": "agent", "text": "Hello, how can I help?", "start_s": 0},
                {"speaker": "customer", "text": "My parcel is late.", "start_s": 4},
            ],
        }
        values.update(fields)
        item = Interaction(**values)
        db.session.add(item)
        db.session.commit()
        return item

    def scorecard(
        self,
        definition: dict[str, Any] | None = None,
        *,
        versions: int = 1,
        draft: dict[str, Any] | None = None,
        status: str | None = None,
    ) -> Scorecard:
        """A scorecard with ``versions`` published versions (default: a library card)."""
        definition = definition or scorecards.to_dict(
            scorecards.load_library("inbound_support_call")
        )
        card = Scorecard(
            name=definition["name"],
            channel=definition.get("channel", "any"),
            status=status or ("published" if versions else "draft"),
            draft_definition=draft if versions else (draft or definition),
        )
        db.session.add(card)
        db.session.flush()
        for number in range(1, versions + 1):
            db.session.add(
                ScorecardVersion(scorecard_id=card.id, number=number, definition=definition)
            )
        db.session.commit()
        return card


class JobQueue:
    """Jobs wait in an in-memory queue instead of running inside the request;
    ``work()`` then runs them as the worker process does: in another thread,
    with its own application context and database session."""

    def __init__(self, app: Flask) -> None:
        from qa_app.jobs import queue

        self.huey = queue.install(app, queue.build(app, memory=True, immediate=False))

    def pending(self) -> int:
        return self.huey.pending_count()

    def work(self) -> int:
        """Run every queued task (and retries queued meanwhile); the number run."""
        ran = 0

        def drain() -> None:
            nonlocal ran
            while (task := self.huey.dequeue()) is not None:
                self.huey.execute(task)
                ran += 1

        worker = threading.Thread(target=drain, name="test-job-worker")
        worker.start()
        worker.join(120)
        assert not worker.is_alive(), "the job worker did not finish"
        db.session.expire_all()
        return ran
