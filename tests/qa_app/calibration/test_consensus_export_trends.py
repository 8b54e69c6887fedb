"""After the reveal: consensus published once, CSV export, reviewer trends."""

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import func

import scorecards
from qa_app.calibration import consensus, export, services
from qa_app.extensions import db
from qa_app.models import AuditEvent, CalibrationSession, Evaluation, Notification
from qa_app.reviews import evaluations
from tests.qa_app.calibration.support import ALL_YES, CARD, build
from tests.qa_app.helpers import post_form, sign_in


def _client(app, user):
    client = app.test_client()
    assert sign_in(client, user.email).status_code == 302
    return client


@pytest.fixture
def revealed(make, users):
    calib = build(make, users, items=2)
    a, b, c = calib.reviewers
    for n in range(2):
        calib.submit(a, n, ALL_YES)
        calib.submit(b, n, ALL_YES | {"greet": "no", "tone": "2"})
        calib.submit(c, n, ALL_YES, comments={"greet": '=HYPERLINK("http://x")'})
    calib.benchmark(0, ALL_YES)
    services.reveal(calib.facilitator, calib.session)
    return calib


def _opened_on(client, calib, interaction_id: int) -> str:
    """The notes revision the facilitator's form carries, as a browser would send it."""
    page = client.get(f"/calibration/{calib.session.id}").get_data(as_text=True)
    found = re.search(rf'name="i{interaction_id}-revision" type="hidden" value="([0-9a-f]+)"', page)
    return found.group(1) if found else ""


def _notes(client, calib, n, note="Greeting counts only with the company name.",
           opened_on=None, **answers):  # fmt: skip
    interaction = calib.interactions[n]
    prefix = f"i{interaction.id}-"
    data = {f"{prefix}consensus_{k}": v for k, v in answers.items()}
    data[f"{prefix}note_greet"] = note
    if opened_on is None:
        opened_on = _opened_on(client, calib, interaction.id)
    data[f"{prefix}revision"] = opened_on
    url = f"/calibration/{calib.session.id}/interactions/{interaction.id}/notes"
    return post_form(client, url, data, follow_redirects=True)


def test_a_save_from_a_stale_tab_is_refused_keeping_its_text_and_the_saved_notes(
    app, users, revealed
):
    """Two tabs of the facilitator: the second save, from a page opened before
    the first, must not overwrite the first's notes, nor lose its own text."""
    client = _client(app, revealed.facilitator)
    interaction = revealed.interactions[0]
    stale = _opened_on(client, revealed, interaction.id)
    first = _notes(client, revealed, 0, note="Company name required.", greet="yes")
    assert "Notes and consensus saved" in first.get_data(as_text=True)

    refused = _notes(client, revealed, 0, note="Any greeting will do.", opened_on=stale, greet="no")
    text = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "changed in another tab" in text
    assert "Any greeting will do." in text  # the refused text is on the page, in its field
    saved = re.search(r'data-testid="saved-[^"]+-greet">([^<]*)<', text)
    assert saved and "Company name required." in saved.group(1)
    kept = consensus.notes(revealed.session)[(interaction.id, "greet")]
    assert (kept.note, kept.consensus) == ("Company name required.", "yes")


def test_a_save_without_the_revision_is_a_400_that_keeps_the_text(app, users, revealed):
    client = _client(app, revealed.facilitator)
    refused = _notes(client, revealed, 0, note="Typed, not lost.", opened_on="", greet="yes")
    assert refused.status_code == 400
    assert "Typed, not lost." in refused.get_data(as_text=True)
    assert consensus.notes(revealed.session) == {}


def _consensus_count(calib) -> int:
    query = db.select(func.count()).select_from(Evaluation).where(Evaluation.kind == "consensus")
    return db.session.scalar(query)


def test_facilitator_records_and_publishes_the_consensus_once(app, users, revealed):
    client = _client(app, revealed.facilitator)
    interaction = revealed.interactions[0]
    base = f"/calibration/{revealed.session.id}/interactions/{interaction.id}"
    page = _notes(client, revealed, 0, greet="yes", tone="3").get_data(as_text=True)
    assert "Notes and consensus saved" in page

    # Incomplete: verify and outcome have no consensus yet.
    refused = post_form(client, f"{base}/publish", {}, follow_redirects=True)
    text = refused.get_data(as_text=True)
    assert "missing: Verified identity?; Outcome." in text
    assert _consensus_count(revealed) == 0

    _notes(client, revealed, 0, greet="yes", verify="na", tone="3", outcome="partly")
    done = post_form(client, f"{base}/publish", {}, follow_redirects=True)
    assert "the agent has been notified" in done.get_data(as_text=True)
    official = db.session.scalar(db.select(Evaluation).where(Evaluation.kind == "consensus"))
    assert official.status == "submitted" and official.reviewer_id == revealed.facilitator.id
    assert official.calibration_session_id == revealed.session.id
    assert official.agent_id == revealed.agent.id
    answers = {"greet": "yes", "verify": "na", "tone": 3, "outcome": "partly"}
    assert official.answer_map() == answers
    expected = scorecards.score(scorecards.from_dict(CARD), answers).total
    assert official.total == pytest.approx(expected)
    notice = db.session.scalar(db.select(Notification).where(Notification.kind == "evaluation"))
    assert notice.user_id == revealed.agent.id
    assert notice.link == f"/feedback/evaluations/{official.id}"
    event = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "calibration.consensus_published")
    )
    assert event.entity_id == official.id

    again = post_form(client, f"{base}/publish", {}, follow_redirects=True)
    assert "already published" in again.get_data(as_text=True)
    assert _consensus_count(revealed) == 1
    with pytest.raises(consensus.AlreadyPublishedError):
        consensus.publish(revealed.facilitator, revealed.session, interaction.id)
    page = client.get(f"/calibration/{revealed.session.id}").get_data(as_text=True)
    assert f"consensus published as evaluation #{official.id}" in page


def test_only_the_facilitator_records_consensus_and_only_after_the_reveal(app, make, users):
    calib = build(make, users, items=1, reviewers=1)
    with pytest.raises(services.CalibrationError, match="after the reveal"):
        consensus.save(
            calib.facilitator,
            calib.session,
            calib.interactions[0].id,
            {},
            consensus.revision(calib.session, calib.interactions[0].id),
        )
    calib.submit(calib.reviewers[0], 0, ALL_YES)
    services.reveal(calib.facilitator, calib.session)
    page = _notes(_client(app, users["admin"]), calib, 0, greet="yes").get_data(as_text=True)
    assert "Only the facilitator" in page
    assert (
        post_form(
            _client(app, calib.reviewers[0]),
            f"/calibration/{calib.session.id}/interactions/{calib.interactions[0].id}/publish",
            {},
        ).status_code
        == 403
    )
    bad = _notes(_client(app, calib.facilitator), calib, 0, greet="maybe")
    assert "Not saved" in bad.get_data(as_text=True)


def test_csv_export_holds_answers_and_statistics_without_formulas(app, revealed):
    a, b, _ = revealed.reviewers
    response = _client(app, b).get(f"/calibration/{revealed.session.id}/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert list(rows[0]) == export.HEADER
    first = revealed.interactions[0].external_id
    answers = {
        (r["Interaction"], r["Question"], r["Reviewer"]): r["Value"]
        for r in rows
        if r["Record"] == "answer"
    }
    # Answers by the labels the pages show.
    assert answers[(first, "greet", b.name)] == "No"
    assert answers[(first, "tone", a.name)] == "4 (of 1 to 5)"
    assert answers[(first, "greet", "benchmark")] == "Yes"
    assert (revealed.interactions[1].external_id, "greet", "benchmark") not in answers
    commented = [r for r in rows if "HYPERLINK" in r["Value"] + r["Detail"]]
    assert len(commented) == 2  # C's comment on greet, for each interaction
    assert all(r["Detail"] == '\'=HYPERLINK("http://x")' for r in commented)
    stats = {r["Statistic"]: r for r in rows if r["Record"] == "session"}
    alpha = stats["Krippendorff's alpha (nominal)"]
    assert re.fullmatch(r"-?\d\.\d{3}", alpha["Value"]) and float(alpha["Value"]) < 1
    assert alpha["Detail"] in ("reliable", "tentative", "unreliable")
    assert re.fullmatch(r"\d{1,3}%", stats["Percent agreement"]["Value"])
    totals = [r for r in rows if r["Record"] == "total" and r["Reviewer"] == a.name]
    assert len(totals) == 2 and all(re.fullmatch(r"\d+\.\d", r["Value"]) for r in totals)
    dev = {r["Statistic"]: r for r in rows if r["Record"] == "reviewer" and r["Reviewer"] == b.name}
    mean = dev["Mean deviation (points)"]
    assert re.fullmatch(r"-\d+\.\d", mean["Value"])  # rounded as the page, sign kept, no apostrophe
    assert mean["Detail"] == "from the benchmark"
    assert dev["Outlier"]["Detail"].endswith("±5-point target")


def test_csv_shows_undefined_statistics_as_such(app, make, users):
    calib = build(make, users, items=1, reviewers=1)
    calib.submit(calib.reviewers[0], 0, ALL_YES | {"notes": "@evil"})
    services.reveal(calib.facilitator, calib.session)
    body = _client(app, calib.facilitator).get(f"/calibration/{calib.session.id}/export.csv")
    rows = list(csv.DictReader(io.StringIO(body.get_data(as_text=True))))
    alpha = next(r for r in rows if r["Statistic"] == "Krippendorff's alpha (nominal)")
    assert alpha["Value"] == "" and alpha["Detail"].startswith("undefined: no unit was rated")


def test_trends_flag_a_drifting_reviewer(app, make, users):
    steady, drifting = make.user("reviewer", name="Steady"), make.user("reviewer", name="Drifty")
    card = make.scorecard(CARD)
    for week in range(3):
        interaction = make.interaction(users["agent"])
        session = services.create(
            users["executive"],
            title=f"Week {week}",
            version_id=card.versions[0].id,
            interaction_ids=[interaction.id],
            external_ids="",
            reviewer_ids=[steady.id, drifting.id],
            deadline=None,
            blind=True,
        )
        tone = str(4 - week)  # 75, 62.5, 50 on the tone question: further each week
        for user, answers in ((steady, ALL_YES), (drifting, ALL_YES | {"tone": tone})):
            evaluation = services.start(user, session, interaction.id, "calibration")
            evaluations.save(
                user, evaluation, answers, lock_version=evaluation.lock_version, submit=True
            )
        key = services.start(users["executive"], session, interaction.id, "benchmark")
        evaluations.save(
            users["executive"], key, ALL_YES, lock_version=key.lock_version, submit=True
        )
        services.reveal(users["executive"], session)
        session.revealed_at = session.revealed_at + timedelta(days=7 * week)
        db.session.commit()

    response = _client(app, users["executive"]).get("/calibration/trends")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<script>" not in page
    row = re.search(rf'data-testid="trend-{drifting.id}">(.*?)</tr>', page, re.S).group(1)
    assert "drifting" in row
    row = re.search(rf'data-testid="trend-{steady.id}">(.*?)</tr>', page, re.S).group(1)
    assert "drifting" not in row
    charts = re.findall(r"data-chart='([^']*)'", page)
    deviation = json.loads(charts[0].replace("&#39;", "'"))
    assert deviation["labels"][0].startswith("Week 0")
    series = {s["label"]: s["data"] for s in deviation["series"]}
    assert series["Steady"] == [0, 0, 0] and series["Drifty"][2] > series["Drifty"][0]
    assert _client(app, users["reviewer"]).get("/calibration/trends").status_code == 403
    assert (
        db.session.scalar(
            db.select(func.count())
            .select_from(CalibrationSession)
            .where(CalibrationSession.results.is_not(None))
        )
        == 3
    )
