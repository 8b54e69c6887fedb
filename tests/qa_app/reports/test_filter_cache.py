"""The filter bar's lists are kept between pages, but never past a change this
process committed, nor longer than REPORT_FILTER_LIST_SECONDS after a change
made elsewhere."""

from __future__ import annotations

import html
import re

import sqlalchemy as sa

from qa_app.extensions import db
from qa_app.models import Team
from qa_app.reports import filter_cache


def _teams(executive) -> set[str]:
    """The Team select's options, bar "All teams" and the signed-in users' own team."""
    page = executive.get("/reports/questions").get_data(as_text=True)
    select = re.search(r'<select[^>]*name="team"[^>]*>(.*?)</select>', page, re.S).group(1)
    names = {html.unescape(n) for n in re.findall(r"<option[^>]*>([^<]*)</option>", select)}
    return names - {"All teams", "Support"}


def _clock(monkeypatch, start: float = 1000.0) -> list[float]:
    now = [start]
    monkeypatch.setattr(filter_cache.time, "monotonic", lambda: now[0])
    return now


def test_a_team_added_here_is_listed_on_the_next_page(app, client_as, make, monkeypatch):
    _clock(monkeypatch)
    executive = client_as("executive")
    assert _teams(executive) == set()
    make.team("Billing")
    assert _teams(executive) == {"Billing"}


def test_a_rename_or_bulk_update_here_is_listed_on_the_next_page(app, client_as, make, monkeypatch):
    _clock(monkeypatch)
    team = make.team("Billing")
    executive = client_as("executive")
    assert _teams(executive) == {"Billing"}
    team.name = "Billing & Refunds"
    db.session.commit()
    assert _teams(executive) == {"Billing & Refunds"}
    db.session.execute(sa.update(Team).where(Team.id == team.id).values(name="Refunds"))
    db.session.commit()
    assert _teams(executive) == {"Refunds"}


def test_a_change_made_elsewhere_shows_once_the_interval_has_passed(
    app, client_as, make, monkeypatch
):
    now = _clock(monkeypatch)
    make.team("Billing")
    executive = client_as("executive")
    assert _teams(executive) == {"Billing"}
    with db.engine.begin() as other_worker:  # not through this process's ORM sessions
        other_worker.execute(sa.insert(Team).values(name="Delivery"))
    now[0] += app.config["REPORT_FILTER_LIST_SECONDS"] - 1
    assert _teams(executive) == {"Billing"}
    now[0] += 2
    assert _teams(executive) == {"Billing", "Delivery"}


def test_a_change_rolled_back_keeps_the_lists(app, client_as, make, monkeypatch):
    _clock(monkeypatch)
    make.team("Billing")
    executive = client_as("executive")
    assert _teams(executive) == {"Billing"}
    db.session.add(Team(name="Never"))
    db.session.flush()
    db.session.rollback()
    with db.engine.begin() as other_worker:
        other_worker.execute(sa.insert(Team).values(name="Delivery"))
    assert _teams(executive) == {"Billing"}  # still the kept lists


def test_zero_seconds_builds_the_lists_for_every_page(app, client_as, make, monkeypatch):
    _clock(monkeypatch)
    app.config["REPORT_FILTER_LIST_SECONDS"] = 0
    make.team("Billing")
    executive = client_as("executive")
    assert _teams(executive) == {"Billing"}
    with db.engine.begin() as other_worker:
        other_worker.execute(sa.insert(Team).values(name="Delivery"))
    assert _teams(executive) == {"Billing", "Delivery"}
