"""The seeded site the layout and accessibility sweep browses: the demo
organisation (small), every sample of the role matrix, and the awkward data
the pages must hold: a long e-mail, a long coaching note, a section that
scores exactly 62.5 %."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.serving import make_server

from qa_app import create_app
from qa_app.access import PUBLIC, view_access
from qa_app.demo import generator
from qa_app.demo import seed as demo_seed
from qa_app.extensions import db
from qa_app.models import ROLES, User
from tests.qa_app import test_role_matrix as matrix
from tests.qa_app.helpers import TEST_CONFIG, Factory, sign_in

PASSWORD = generator.DEMO_PASSWORD
ROOT = Path(__file__).resolve().parents[3]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"  # make test installs it (npm ci)
SIZES = {"laptop": (1366, 768), "phone": (390, 844)}
# A note with a link whose long query holds no place to break a line.
TOKEN = "8f14e45fceea167a5a36dedd4bea2543" * 3
LONG_NOTE = (
    "Walk the customer through the refund policy before promising anything; see "
    f"https://intranet.example.test/kb?article={TOKEN} and note the case reference "
    "in the ticket. " * 2
).strip()
# A section whose earned / possible is exactly 62.5 %: half up says 63 %.
TIE_CARD = {
    "name": "Tie check",
    "channel": "any",
    "sections": [
        {
            "key": "tie",
            "title": "Tie section",
            "questions": [
                {"key": "five", "text": "Worth five points?", "kind": "yes_no", "points": 5},
                {"key": "three", "text": "Worth three points?", "kind": "yes_no", "points": 3},
            ],
        }
    ],
}
# Endpoints the sweep never opens: signing in and out is the harness's job.
NOT_PAGES = {"auth.login", "auth.logout", "main.health"}


@dataclass
class Site:
    app: Flask
    url: str
    emails: dict[str, str]  # role -> the demo account signing in
    samples: Callable[[str], dict[str, Any]]
    ids: dict[str, int] = field(default_factory=dict)
    pages: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # role -> (endpoint, url)


@contextmanager
def serve(database: dict[str, Any], folder: Path) -> Iterator[Site]:
    """Build the database once, list each role's pages, serve them on a loopback port."""
    path = folder / "layout.sqlite"
    shutil.copyfile(database["template"], path)
    app = create_app(
        TEST_CONFIG
        | {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "RECORDINGS_FOLDER": str(folder / "recordings"),
            "TRANSCRIBE_ON_UPLOAD": False,
        }
    )
    with app.app_context():  # each request has its own context from here on
        site = _seed(app)
        db.session.remove()
    site.pages = {role: _pages(app, site, role) for role in ROLES}
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    site.url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield site
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with app.app_context():
            db.engine.dispose()


def _seed(app: Flask) -> Site:
    demo_seed.seed(n_interactions=300, now=datetime(2026, 11, 30, 12, tzinfo=UTC))
    users = {
        role: db.session.scalar(db.select(User).where(User.email == email))
        for role, email in demo_seed.FEATURED
    }
    make = Factory()
    samples = matrix._samples(users, make)
    ids = _awkward_data(users, make)
    mine = {
        "interactions.detail": {"interaction_id": ids["long_email"]},
        "reviews.evaluation": {"evaluation_id": ids["long_note"]},
        "feedback.evaluation": {"evaluation_id": ids["long_note"]},
    }
    emails = {role: user.email for role, user in users.items()}
    return Site(app, "", emails, lambda endpoint: samples(endpoint) | mine.get(endpoint, {}), ids)


def _awkward_data(users: dict[str, User], make: Factory) -> dict[str, int]:
    from qa_app.reviews import evaluations

    agent, reviewer = users["agent"], users["reviewer"]
    started = datetime(2026, 11, 20, 9, tzinfo=UTC)
    long_email = make.interaction(
        agent, channel="email", duration_seconds=538_141, started_at=started
    )  # 6 days 5 hours between the first mail and the last answer
    card = make.scorecard()
    version = card.versions[0]
    noted = evaluations.start(reviewer, make.interaction(agent, started_at=started), version)
    answers = {
        q.key: (q.answers()[0] if q.kind != "text" else "ok")
        for q in evaluations.card_for(version).questions()
    }
    first = next(q.key for q in evaluations.card_for(version).questions() if q.kind != "text")
    comments = {first: LONG_NOTE}
    options = {"comments": comments, "comment": LONG_NOTE, "lock_version": noted.lock_version}
    evaluations.save(reviewer, noted, answers, submit=True, **options)
    tie = make.scorecard(TIE_CARD)
    draft = evaluations.start(
        reviewer, make.interaction(agent, started_at=started + timedelta(hours=1)), tie.versions[0]
    )
    return {"long_email": long_email.id, "long_note": noted.id, "tie_draft": draft.id}


def _pages(app: Flask, site: Site, role: str) -> list[tuple[str, str]]:
    """The role's HTML pages: every GET route it may open that answers 200 with
    a whole HTML document (downloads, JSON, fragments and redirects are left out)."""
    client = app.test_client()
    assert sign_in(client, site.emails[role], PASSWORD).status_code == 302
    pages = []
    for rule in matrix._rules(app):
        if "GET" not in rule.methods or rule.endpoint in NOT_PAGES:
            continue
        allowed = view_access(app, rule.endpoint)
        if allowed is not PUBLIC and role not in allowed:
            continue
        if role not in matrix.OWNED.get(rule.endpoint, {role}):
            continue
        url = matrix._url(app, rule, site.samples)
        response = client.get(url)
        if response.mimetype != "text/html":  # a download, JSON, a recording's audio
            response.close()
            continue
        whole = response.get_data(as_text=True).lstrip().lower().startswith("<!doctype html")
        if response.status_code == 200 and whole:
            pages.append((rule.endpoint, url))
    return pages


def browse_as(browser, site, role: str, size: str):
    """A signed-in tab for ``role`` at ``size``; the CSP is bypassed only so
    that the test can inject axe-core into each page."""
    width, height = SIZES[size]
    context = browser.new_context(
        base_url=site.url, viewport={"width": width, "height": height}, bypass_csp=True
    )
    context.set_default_timeout(15_000)
    context.add_init_script(path=str(AXE))  # parsed once per page, before the page's own scripts
    page = context.new_page()
    page.goto("/auth/login")
    page.get_by_label("E-mail").fill(site.emails[role])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    return context, page
