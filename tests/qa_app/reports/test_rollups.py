"""The report roll-ups stay exactly equal to the raw tables after every kind of
write, and the pages read the same figures from them as from the raw answers."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from qa_app.calibration import consensus
from qa_app.calibration import services as calibration
from qa_app.extensions import db
from qa_app.feedback import services as feedback
from qa_app.interactions import importer
from qa_app.models import AgentQuestionDay, Evaluation, QuestionDay
from qa_app.reports import activity, queries, rollups, services
from qa_app.reports.queries import Filters
from qa_app.reviews import evaluations
from tests.qa_app.calibration.support import ALL_YES, build
from tests.qa_app.reports.conftest import CARD, at, evaluate
from tests.qa_app.rollup_check import assert_rollups_equal_rebuild, recomputed, stored

F = Filters(date_from=date(2026, 11, 1), date_to=date(2026, 12, 31))


def assert_exact() -> None:
    assert_rollups_equal_rebuild()


def pareto_both_ways(filters: Filters) -> tuple[list, list]:
    def rows(query):
        frame = queries.frame(query).sort_values("question_key")
        return [(k, int(a), int(f)) for k, a, f in frame.itertuples(index=False)]

    return (
        rows(queries.question_failures_rollup(filters)),
        rows(queries.question_failures_raw(filters)),
    )


def test_the_hand_built_data_set_is_rolled_up_exactly(data):
    assert_exact()
    greet = db.session.scalars(
        sa.select(QuestionDay).where(QuestionDay.question_key == "greet")
    ).all()
    assert sum(r.answered for r in greet) == 6 and sum(r.failed for r in greet) == 2
    a1 = db.session.scalars(
        sa.select(AgentQuestionDay).where(
            AgentQuestionDay.agent_id == data.a1.id, AgentQuestionDay.question_key == "greet"
        )
    ).all()
    assert {(r.day, r.answered, r.passed) for r in a1} == {
        (date(2026, 11, 2), 1, 1),
        (date(2026, 11, 3), 1, 0),
        (date(2026, 12, 1), 1, 0),
    }


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"team": "support"},
        {"team": "sales", "channel": "chat"},
        {"channel": "email", "date_to": date(2026, 11, 5)},
        {"scorecard": "plain"},
        {"date_from": date(2026, 11, 10), "date_to": date(2026, 11, 10)},
    ],
)
def test_the_pareto_reads_the_same_figures_from_the_rollup_as_from_the_answers(data, changes):
    ids = {"support": data.support.id, "sales": data.sales.id, "plain": data.plain.id}
    filters = F.replace(**{k: ids.get(v, v) if k in ("team", "scorecard") else v
                           for k, v in changes.items()})  # fmt: skip
    from_rollup, from_answers = pareto_both_ways(filters)
    assert from_rollup == from_answers


def test_agent_and_reviewer_filters_read_the_raw_answers(data):
    table = services.questions(F.replace(agent=data.a2.id)).set_index("question_key")
    assert (table.loc["greet", "answered"], table.loc["greet", "failed"]) == (3, 0)
    table = services.questions(F.replace(reviewer=data.r2.id)).set_index("question_key")
    assert (table.loc["greet", "answered"], table.loc["greet", "failed"]) == (2, 1)


def test_a_submit_an_edit_and_a_deletion_keep_the_rollups_exact(data, make):
    before = stored()
    draft = evaluations.start(data.r1, make.interaction(data.a1), data.card.versions[0])
    evaluations.save(data.r1, draft, {"greet": "no"}, lock_version=draft.lock_version)  # autosave
    assert stored() == before  # a draft counts nowhere
    ev = evaluate(make, data.r1, data.a1, data.card, {"greet": "yes", "verify": "yes",
                  "resolve": "no"}, when=at("2026-11-20"))  # fmt: skip
    assert_exact()
    assert stored() != before
    evaluations.save(data.r2, ev, {"greet": "no", "verify": "na", "resolve": "yes"},
                     lock_version=ev.lock_version)  # fmt: skip
    assert_exact()
    rollup = rollups.track(db.session, [ev])
    ev.submitted_at = at("2026-12-02")  # moved to another day
    rollup.settle()
    db.session.commit()
    assert_exact()
    rollup = rollups.track(db.session, [ev])
    db.session.delete(ev)
    rollup.settle()
    db.session.commit()
    assert_exact()
    assert stored() == before


def test_a_dispute_overturn_keeps_the_rollups_exact(data, users):
    request = feedback.DisputeRequest(whole=False, reason="", questions={"greet": "I did greet"})
    rollup = rollups.track(db.session, [data.e2])  # within the dispute window
    data.e2.submitted_at = datetime.now(data.e2.submitted_at.tzinfo) - timedelta(hours=1)
    rollup.settle()
    db.session.commit()
    dispute = feedback.open_dispute(data.a1, data.e2, request)
    decision = feedback.Decision("overturned", {"greet": "yes"}, "heard it")
    feedback.resolve(users["executive"], dispute, {dispute.items[0].id: decision}, note="ok",
                     lock_version=dispute.lock_version)  # fmt: skip
    assert data.e2.total == 100
    assert_exact()


def test_a_published_consensus_is_rolled_up(app, make, users):
    calib = build(make, users, items=1)
    for reviewer in calib.reviewers:
        calib.submit(reviewer, 0, ALL_YES)
    calibration.reveal(calib.facilitator, calib.session)
    assert all(not table for table in stored())  # calibration scores never count
    interaction = calib.interactions[0]
    entries = {k: ("", v) for k, v in (ALL_YES | {"greet": "no"}).items()}
    consensus.save(
        calib.facilitator,
        calib.session,
        interaction.id,
        entries,
        consensus.revision(calib.session, interaction.id),
    )
    official = consensus.publish(calib.facilitator, calib.session, interaction.id)
    assert official.kind == "consensus"
    assert_exact()
    rows = {r.question_key: (r.answered, r.failed) for r in db.session.scalars(
        sa.select(QuestionDay))}  # fmt: skip
    assert rows["greet"] == (1, 1) and rows["outcome"] == (1, 0)


def test_a_reimport_that_moves_an_interaction_moves_its_answers(data, tmp_path):
    interaction = data.e1.interaction
    path = tmp_path / "again.csv"
    path.write_text(
        "external_id,channel,agent_email,team,started_at,duration_seconds\n"
        f"{interaction.external_id},chat,{data.a1.email},Sales,2026-11-02T09:00:00+00:00,60\n"
    )
    summary = importer.import_file(path, source=interaction.source)
    assert summary.updated == 1
    assert_exact()
    db.session.refresh(interaction)
    assert interaction.channel == "chat" and interaction.team_id == data.sales.id
    db.session.refresh(data.e1)  # the report figures read the evaluation's own team
    assert (data.e1.team_id, data.e1.channel) == (data.sales.id, "chat")
    sales = services.headline(Filters(team=data.sales.id, channel="chat"))
    assert sales["n"] == 4  # E3, E4, E6 and now E1


def test_a_reimport_moves_a_draft_with_its_interaction(data, make, tmp_path):
    """A draft counts nowhere, yet it follows its interaction too: once
    submitted it counts under its interaction's team and channel. Its source
    has no counted evaluation at all."""
    item = make.interaction(data.a1, source="other")
    draft = evaluations.start(data.r1, item, data.card.versions[0])
    edited = (draft.updated_at, draft.lock_version)
    path = tmp_path / "again.csv"
    path.write_text(
        "external_id,channel,agent_email,team,started_at,duration_seconds\n"
        f"{item.external_id},email,{data.a1.email},Sales,2026-11-02T09:00:00+00:00,60\n"
    )
    assert importer.import_file(path, source="other").updated == 1
    db.session.refresh(draft)
    assert (draft.team_id, draft.channel) == (data.sales.id, "email")
    assert (draft.updated_at, draft.lock_version) == edited  # not an edit: an open page still saves


def test_a_rolled_back_write_leaves_the_rollups_as_they_were(data, make):
    before = stored()
    ev = evaluations.start(data.r1, make.interaction(data.a1), data.card.versions[0])
    rollup = rollups.track(db.session, [ev])
    evaluations.apply_answers(ev, {"greet": "no", "verify": "yes", "resolve": "yes"})
    ev.status, ev.submitted_at = "submitted", at("2026-11-21")
    rollup.settle()
    assert stored() != before
    db.session.rollback()
    assert stored() == before


def test_coaching_reads_the_agent_rollup_like_the_answers(data):
    lo, hi = datetime(2026, 8, 6, tzinfo=at("2026-11-04").tzinfo), at("2027-02-03", 0)
    raw = queries.frame(activity.focus_answers_raw({(data.a1.id, "greet")}, lo, hi))
    rows = db.session.scalars(
        sa.select(AgentQuestionDay).where(
            AgentQuestionDay.agent_id == data.a1.id, AgentQuestionDay.question_key == "greet"
        )
    )
    assert sorted((r.day.isoformat(), r.answered, r.passed) for r in rows) == sorted(
        (d, int(a), int(p)) for d, a, p in zip(raw["day"], raw["answered"], raw["passed"],
                                               strict=True))  # fmt: skip


def test_rebuild_recomputes_from_scratch(data, runner):
    db.session.execute(sa.delete(QuestionDay))
    db.session.execute(sa.update(AgentQuestionDay).values(answered=99))
    db.session.commit()
    result = runner.invoke(args=["reports", "rebuild-rollups"])
    assert result.exit_code == 0, result.output
    assert "Rebuilt report_question_days" in result.output
    assert_exact()
    assert stored() == recomputed() and stored()[0]


def test_rebuild_writes_rows_in_key_order(data):
    """A period's (or an agent's) rows sit together on disk after a rebuild, as
    they do once the write path has appended them day by day. PostgreSQL is
    told to group by hashing, as it does on large tables, so the grouping's own
    order cannot pass for the written one."""
    conn = db.session.connection()
    postgresql = conn.dialect.name == "postgresql"
    if postgresql:
        conn.execute(sa.text("SET LOCAL enable_sort = off"))
    rollups.rebuild(conn)
    position = "ctid" if postgresql else "rowid"
    for table, keys, _ in rollups.SHAPES:
        written = conn.execute(
            sa.select(*(table.c[k] for k in keys)).order_by(sa.literal_column(position))
        ).all()
        assert len(written) > 3 and len({row[0] for row in written}) > 1
        assert written == sorted(written)


def test_the_card_fixture_is_the_one_rolled_up(data):
    assert {q["key"] for s in CARD["sections"] for q in s["questions"]} <= {
        r.question_key for r in db.session.scalars(sa.select(QuestionDay))
    }
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Evaluation)) > 0


def test_a_published_consensus_is_never_the_facilitators_own_review(app, make, users, client_as):
    """The consensus counts for the agent, but the executive who published it
    is no reviewer: not on the Reviewers tab, nor in the periodic review."""
    calib = build(make, users, items=1)
    for reviewer in calib.reviewers:
        calib.submit(reviewer, 0, ALL_YES)
    calibration.reveal(calib.facilitator, calib.session)
    interaction = calib.interactions[0]
    entries = {k: ("", v) for k, v in ALL_YES.items()}
    consensus.save(
        calib.facilitator,
        calib.session,
        interaction.id,
        entries,
        consensus.revision(calib.session, interaction.id),
    )
    official = consensus.publish(calib.facilitator, calib.session, interaction.id)
    assert official.reviewer_id == calib.facilitator.id
    day = official.submitted_at.date()
    window = Filters(date_from=day - timedelta(days=1), date_to=day + timedelta(days=1))
    assert services.reviewers(window).empty
    assert activity.dispute_counts(window).empty
    executive = client_as("executive")
    reviewers_tab = executive.get(
        f"/reports/reviewers?date_from={window.date_from}&date_to={window.date_to}"
    ).get_data(as_text=True)
    review = executive.get(
        f"/reports/review?date_from={window.date_from}&date_to={window.date_to}"
    ).get_data(as_text=True)
    name = calib.facilitator.name  # in the page's bar and filters too: look at the rows
    assert f'data-testid="reviewer-{calib.facilitator.id}"' not in reviewers_tab
    assert f"<tr><td>{name}</td>" not in review
    # ...while the agent's quality figure still counts the official score.
    source, conds = queries.counted(window)
    count = sa.select(sa.func.count()).select_from(source).where(*conds)
    assert db.session.scalar(count) == 1
