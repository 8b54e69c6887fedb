"""Benchmark: what each cache outside the reports would save, against its bar.

Run: ``.venv/bin/python bench/caches.py [--database URL] [--runs N]``. Not part of
the test run. Without ``--database`` it seeds the demo organisation (with its
flagging models) into a temporary SQLite file; with it, it reads an existing
database, such as the load test's (``bench/load.py --database NAME``), where the
team line has the load test's 50,000 evaluations behind it.

The rule (issue 21): a mechanism pays for itself only if it saves at least a
tenth of the budget of what a person waits for: 10 ms on the scoring page
(p95 < 100 ms), 30 ms on the agent's home (a 300 ms page), 30 ms on an API
upsert. Each line prints the cost the cache would save (median of ``--runs``,
wall time) beside that bar; a cost under its bar is built per request.

The team line's cost grows with the team's evaluations: a few ms on the demo's
325, 170-230 ms on the load test's database, so measure it there.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import scorecards
from bench.scoring import build_card
from qa_app import create_app, nav
from qa_app.calibration.forms import notes_form_class
from qa_app.extensions import cache, db
from qa_app.flags import services as flags
from qa_app.interactions import importer
from qa_app.models import Team, User
from qa_app.reviews.forms import radio_choices, scoring_form_class

PASSWORD = "demo-password-2026"  # the demo organisation's documented password


def median_ms(fn, runs: int, before=None) -> float:
    """Median wall time of ``fn`` in ms; ``before`` runs untimed before each call."""
    samples = []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def signed_in(app, email: str):
    client = app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    token = page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
    form = {"email": email, "password": PASSWORD, "csrf_token": token}
    assert client.post("/auth/login", data=form).status_code == 302
    return client


def per_version(app, runs: int) -> list[tuple[str, float, float]]:
    """What the per-version caches kept: the parse, the two form classes, the
    radio choices and the question markup the scoring page renders."""
    rows = []
    cards = {
        "10 questions": scorecards.load_library("inbound_support_call"),
        "30 questions": build_card(),
    }
    with app.test_request_context():
        macros = app.jinja_env.get_template("reviews/_question_parts.html").module
        for size, card in cards.items():
            definition = scorecards.to_dict(card)
            choices = radio_choices(card)

            def markup(card=card, choices=choices) -> None:  # what score.html renders
                for q in card.questions():
                    macros.legend(q), macros.radios(q, choices.get(q.key, ()), None)
                    macros.guidance(q)

            tasks = [
                ("parse a version, twice per scoring request", 2, 10,
                 lambda d=definition: scorecards.from_dict(d)),
                ("scoring form class", 1, 10, lambda c=card: scoring_form_class(c)),
                ("radio choices", 1, 10, lambda c=card: radio_choices(c)),
                ("question markup, scoring page", 1, 10, markup),
                ("calibration notes form class, x20 interactions", 20, 30,
                 lambda c=card: notes_form_class(c)),
            ]  # fmt: skip
            rows += [
                (f"{what} ({size})", n * median_ms(fn, runs), bar) for what, n, bar, fn in tasks
            ]
    return rows


def nav_links(app, runs: int) -> tuple[str, float, float]:
    client = signed_in(app, "reviewer@demo.example")
    with client:
        client.get("/")  # the request context stays open: current_user, endpoint
        cost = median_ms(nav.links_for_current_user, runs)
    return ("navigation links, every page", cost, 10)


def team_line(app, runs: int) -> tuple[str, float, float]:
    client = signed_in(app, "agent@demo.example")

    def home() -> None:
        assert client.get("/feedback/").status_code == 200

    def forget() -> None:
        with app.app_context():
            cache.clear()

    home()
    kept = median_ms(home, runs)
    fresh = median_ms(home, runs, before=forget)
    return ("agent home: the team line (read minus kept)", fresh - kept, 30)


def model_load(app, runs: int) -> tuple[str, float, float]:
    with app.app_context():
        agent = db.session.scalar(db.select(User).where(User.email == "agent@demo.example"))
        team = db.session.get(Team, agent.team_id).name
        if not flags.active_models():
            return ("flagging models: none active", 0.0, 30)
        count = [0]

        def upsert() -> None:  # what an API upsert of 10 contacts runs
            count[0] += 1
            turns = [{"speaker": "agent", "text": "Hello, how can I help?", "start_s": 0}]
            rows = [
                {"external_id": f"bench-{count[0]}-{i}", "channel": "call", "team": team,
                 "agent_email": agent.email, "started_at": "2026-03-02T09:00:00+00:00",
                 "transcript": turns}
                for i in range(10)
            ]  # fmt: skip
            lines = "".join(json.dumps(row) + "\n" for row in rows).encode()
            summary = importer.import_file(io.BytesIO(lines), fmt="jsonl", source="bench-caches")
            assert summary.created == 10 and summary.flagged == 10, summary.problems[:3]

        upsert()
        kept = median_ms(upsert, max(3, runs // 10))
        fresh = median_ms(upsert, max(3, runs // 10), before=flags._LOADED.clear)
    return ("API upsert of 10 contacts: loading the flagging models", fresh - kept, 30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", help="an existing database (default: a seeded demo)")
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    url = args.database or f"sqlite:///{tempfile.mkdtemp(prefix='qa-caches-')}/demo.sqlite"
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "REDIS_URL": None}
        | {"CACHE_TYPE": "SimpleCache", "JOBS_IMMEDIATE": True}
    )
    if not args.database:
        from flask_migrate import upgrade

        from qa_app.demo import seed

        with app.app_context():
            upgrade()
            seed.seed()
    rows = per_version(app, args.runs)
    rows += [nav_links(app, args.runs), team_line(app, max(5, args.runs // 10))]
    rows.append(model_load(app, args.runs))
    print(f"{'what a cache would save':<62} {'ms':>8} {'bar':>5}  verdict")
    for what, cost, bar in rows:
        verdict = "keep a cache" if cost >= bar else "per request"
        print(f"{what:<62} {cost:8.2f} {bar:5.0f}  {verdict}")


if __name__ == "__main__":
    main()
