"""The reports' filters: GET forms (no CSRF: they change nothing) turned into
``Filters`` and ``Drill`` values."""

from __future__ import annotations

from datetime import date
from functools import cache

import sqlalchemy as sa
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import Optional, Regexp, ValidationError

from qa_app.extensions import db
from qa_app.models import CHANNELS, Scorecard, ScorecardVersion, Team, User
from qa_app.reports import lookups
from qa_app.reports.queries import FAMILIES, Drill, Filters
from qa_app.request_args import (
    MAX_DATE,
    MIN_DATE,
    ArgumentError,
    DateField,
    IdSelectField,
    check_date,
    to_date,
)


def _int_or_none(value: object) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


KINDS = ("team", "agent", "reviewer", "scorecard")


@cache
def _choices_query() -> sa.CompoundSelect:
    """The (id, name, kind) rows of every filter's options, and the scorecard
    versions' (id, publication time) the question texts are looked up by, in
    one round trip; built once, it never varies."""
    kinds = {
        "team": sa.select(Team.id, Team.name),
        "agent": sa.select(User.id, User.name).where(User.role == "agent"),
        "reviewer": sa.select(User.id, User.name).where(
            User.role.in_(("reviewer", "executive", "admin"))
        ),
        "scorecard": sa.select(Scorecard.id, Scorecard.name).where(Scorecard.status != "draft"),
        "version": sa.select(
            ScorecardVersion.id, sa.cast(ScorecardVersion.published_at, sa.String)
        ),
    }
    return sa.union_all(
        *(q.add_columns(sa.literal(kind, sa.String).label("kind")) for kind, q in kinds.items())
    )


FIRST = {
    "team": "All teams",
    "agent": "All agents",
    "reviewer": "All reviewers",
    "scorecard": "All scorecards",
}


CHANNEL_CHOICES = [SelectChoice("", "All channels"), *(SelectChoice(c, c) for c in CHANNELS)]


def _choices(first: str, rows: list[tuple[int, str]]) -> list[SelectChoice]:
    """``first`` (the empty "all" choice), then ``rows`` (id, name) by name."""
    ordered = sorted(rows, key=lambda row: (row[1].lower(), row[0]))
    return [SelectChoice("", first), *(SelectChoice(id_, name) for id_, name in ordered)]


def _read_lists() -> tuple[dict[str, list[SelectChoice]], list[tuple[int, str]]]:
    """Each select's choices and the scorecard versions, in one round trip."""
    found: dict[str, list] = {kind: [] for kind in (*KINDS, "version")}
    for id_, name, kind in db.session.execute(_choices_query()).all():
        found[kind].append((id_, name))
    options = {kind: _choices(first, found[kind]) for kind, first in FIRST.items()}
    options["channel"] = CHANNEL_CHOICES
    return options, sorted(found["version"])


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("To", validators=[Optional()])
    team = IdSelectField("Team")
    agent = IdSelectField("Agent")
    channel = SelectField(
        "Channel",
        choices=CHANNEL_CHOICES,
        validate_choice=False,  # no channel chosen is "all"; an unknown one is ignored
    )
    scorecard = IdSelectField("Scorecard")
    reviewer = IdSelectField("Reviewer")

    def fill_choices(self) -> None:
        """Teams, agents, reviewers and published scorecards (``lookups.filter_lists``)."""
        options, self.versions = lookups.filter_lists(_read_lists)
        for field in (self.team, self.agent, self.reviewer, self.scorecard, self.channel):
            field.choices = options[field.name]

    def filters(self, default: tuple[date, date] | None) -> Filters:
        """The filters asked for; the default period when no date was given at all."""
        lo, hi = self.date_from.data, self.date_to.data
        if lo is None and hi is None and default is not None:
            lo, hi = default
            self.date_from.data, self.date_to.data = lo, hi
        if lo and hi and lo > hi:
            lo, hi = hi, lo
        return Filters(
            date_from=lo,
            date_to=hi,
            team=self.team.data,
            agent=self.agent.data,
            channel=self.channel.data if self.channel.data in CHANNELS else None,
            scorecard=self.scorecard.data,
            reviewer=self.reviewer.data,
        )


class ReviewForm(FlaskForm):
    """The periodic review: a month (2026-10), or any from/to period."""

    class Meta:
        csrf = False

    team = IdSelectField("Team")
    period = StringField(
        "Month", validators=[Optional(), Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", message="YYYY-MM")]
    )
    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("To", validators=[Optional()])

    def validate_period(self, field: StringField) -> None:
        """A month whose days are dates the reports can count (``request_args``)."""
        if field.data and not field.errors:
            try:
                check_date(date(int(field.data[:4]), int(field.data[5:7]), 1))
            except ValueError:  # ArgumentError, or year 0000
                raise ValidationError(
                    f"must be a month from {MIN_DATE:%Y-%m} to {MAX_DATE:%Y-%m}."
                ) from None


def _drill_day(value: str | None) -> str | None:
    """A drill-down period's first day, as ISO text; None if not a date in range."""
    try:
        day = to_date(value)
    except ArgumentError:
        return None
    return day.isoformat() if day else None


def drill_from(args: MultiDict) -> Drill:
    """The figure's own condition on a drill-down link; unknown values are ignored."""

    def flag(name: str) -> bool:
        return args.get(name) in ("1", "true", "yes")

    grain = args.get("grain") if args.get("grain") in ("week", "month") else "week"
    period = _drill_day(args.get("period"))
    question = args.get("question") or None
    bin_ = _int_or_none(args.get("bin"))
    family = args.get("family") if args.get("family") in FAMILIES else None
    return Drill(
        period=period,
        grain=grain,
        question=question[:80] if question else None,
        bin=bin_ if bin_ is not None and 0 <= bin_ <= 9 else None,
        below=flag("below"),
        auto_failed=flag("auto_failed"),
        family=family,
        undefined=flag("undefined"),
        disputed=flag("disputed"),
        overturned=flag("overturned"),
    )
