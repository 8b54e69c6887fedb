"""The scorecard editor: build a draft, publish immutable versions, archive."""

import io
import re
from pathlib import Path

import yaml
from sqlalchemy import func

import scorecards
from qa_app.extensions import db
from qa_app.models import AuditEvent, Scorecard, ScorecardVersion
from tests.qa_app.helpers import post_form

TEN_MISTAKES = Path(__file__).parents[2] / "scorecards" / "fixtures" / "ten_mistakes.yaml"


def _lock(card_id: int) -> str:
    db.session.expire_all()
    return str(db.session.get(Scorecard, card_id).lock_version)


def _create(client, start="blank", name="Chat QA") -> Scorecard:
    response = post_form(client, "/scorecards/new", {"name": name, "start": start})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return db.session.scalar(db.select(Scorecard).order_by(Scorecard.id.desc()))


def _question(client, card, **fields):
    data = {
        "lock_version": _lock(card.id),
        "section": "section_1",
        "key": "greet",
        "text": "Did the agent greet the customer?",
        "kind": "yes_no",
        "points": "2",
        "required": "y",
        "critical_scope": "",
        "error_family": "",
    }
    data.update(fields)
    return post_form(client, f"/scorecards/{card.id}/questions/new", data)


def _versions(card) -> int:
    return db.session.scalar(
        db.select(func.count())
        .select_from(ScorecardVersion)
        .where(ScorecardVersion.scorecard_id == card.id)
    )


def test_build_publish_and_republish_keeps_version_one_unchanged(client_as, users):
    client = client_as("executive")
    card = _create(client)
    assert _question(client, card).status_code == 302
    assert (
        _question(
            client,
            card,
            key="verify",
            text="Identity verified?",
            allow_na="y",
            critical_scope="scorecard",
            fail_on="no",
            error_family="compliance",
        ).status_code
        == 302
    )
    response = _publish(client, card)
    assert response.status_code == 302
    v1 = db.session.scalar(db.select(ScorecardVersion).where(ScorecardVersion.number == 1))
    card_v1 = scorecards.from_dict(v1.definition)
    assert [q.key for q in card_v1.questions()] == ["greet", "verify"]
    assert card_v1.question("verify").critical.scope == "scorecard"

    # A second round of edits publishes v2; v1 stays exactly as it was.
    assert _question(client, card, key="close", text="Closed properly?").status_code == 302
    _publish(client, card)
    db.session.expire_all()
    assert _versions(card) == 2
    assert db.session.get(ScorecardVersion, v1.id).definition == v1.definition
    diff = client.get(f"/scorecards/{card.id}/diff?old=1&new=2").get_data(as_text=True)
    assert "close" in diff
    actions = db.session.scalars(db.select(AuditEvent.action)).all()
    assert actions.count("scorecard.published") == 2


def _publish(client, card):
    """Publish as a person does: the button, then the confirmation."""
    step = post_form(client, f"/scorecards/{card.id}/publish", {"lock_version": _lock(card.id)})
    assert step.status_code == 200 and "cannot be undone" in step.get_data(as_text=True)
    return post_form(
        client,
        f"/scorecards/{card.id}/publish",
        {"lock_version": _lock(card.id), "confirmed": "yes"},
    )


def test_publishing_asks_for_confirmation_and_shows_the_changes_first(client_as, users):
    client = client_as("executive")
    card = _create(client)
    _question(client, card)
    first = post_form(client, f"/scorecards/{card.id}/publish", {"lock_version": _lock(card.id)})
    html = first.get_data(as_text=True)
    assert first.status_code == 200
    assert "Publish Chat QA as v1?" in html
    assert "cannot be undone" in html and 'name="confirmed" value="yes"' in html
    assert _versions(card) == 0  # the first POST published nothing
    assert _publish(client, card).status_code == 302
    _question(client, card, key="close", text="Closed properly?")
    second = post_form(client, f"/scorecards/{card.id}/publish", {"lock_version": _lock(card.id)})
    assert "Changes from v1" in second.get_data(as_text=True)
    assert "close" in second.get_data(as_text=True)
    assert _versions(card) == 1
    # A confirmation from a page made stale by a later edit publishes nothing.
    stale = _lock(card.id)
    _question(client, card, key="extra", text="Extra?")
    late = post_form(
        client, f"/scorecards/{card.id}/publish", {"lock_version": stale, "confirmed": "yes"}
    )
    assert late.status_code == 302 and _versions(card) == 1


def test_a_question_problem_is_shown_next_to_its_field_and_not_saved(client_as, users):
    client = client_as("executive")
    card = _create(client)
    response = _question(client, card, critical_scope="section", fail_on="maybe")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    feedback = re.search(r'id="fail_on-errors">(.*?)</div>\s*</div>', html, re.S).group(1)
    assert "maybe" in feedback
    db.session.expire_all()
    assert db.session.get(Scorecard, card.id).draft_definition["sections"][0]["questions"] == []


def test_duplicate_question_key_is_refused(client_as, users):
    client = client_as("admin")
    card = _create(client)
    _question(client, card)
    response = _question(client, card, text="Another")
    assert response.status_code == 422
    assert "Another question already uses this key." in response.get_data(as_text=True)


def test_publishing_a_draft_with_problems_is_refused_with_the_list(client_as, users):
    client = client_as("executive")
    card = _create(client)  # a blank card: one empty section
    response = post_form(client, f"/scorecards/{card.id}/publish", {"lock_version": _lock(card.id)})
    assert response.status_code == 422
    assert "Not published" in response.get_data(as_text=True)
    assert _versions(card) == 0


def test_a_stale_editor_page_cannot_overwrite_a_newer_draft(client_as, users):
    client = client_as("executive")
    card = _create(client)
    stale = _lock(card.id)
    _question(client, card)
    response = post_form(
        client,
        f"/scorecards/{card.id}/sections",
        {"lock_version": stale, "title": "Late section"},
        follow_redirects=True,
    )
    assert "Someone else changed this draft" in response.get_data(as_text=True)
    db.session.expire_all()
    draft = db.session.get(Scorecard, card.id).draft_definition
    assert [s["key"] for s in draft["sections"]] == ["section_1"]
    assert draft["sections"][0]["questions"][0]["key"] == "greet"


def test_start_from_the_library_or_a_clone(client_as, users, make):
    client = client_as("executive")
    card = _create(client, start="library:collections_call", name="Collections v2")
    assert card.draft_definition["name"] == "Collections v2"
    assert not scorecards.validate(card.draft_definition)
    clone = _create(client, start=f"clone:{card.id}", name="Collections copy")
    assert clone.draft_definition["sections"] == card.draft_definition["sections"]


def test_import_with_ten_mistakes_lists_all_ten_and_changes_nothing(client_as, users):
    client = client_as("executive")
    card = _create(client)
    before = card.draft_definition
    response = post_form(
        client,
        f"/scorecards/{card.id}/import",
        {
            "lock_version": _lock(card.id),
            "file": (io.BytesIO(TEN_MISTAKES.read_bytes()), "card.yaml"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    listed = re.search(r'data-testid="import-problems">(.*?)</ul>', html, re.S).group(1)
    expected = scorecards.validate(yaml.safe_load(TEN_MISTAKES.read_text()))
    assert len(expected) == 10
    for problem in expected:
        assert f"<code>{problem.path}</code>" in listed
    db.session.expire_all()
    assert db.session.get(Scorecard, card.id).draft_definition == before


def test_new_scorecard_from_a_broken_file_saves_nothing(client_as, users):
    client = client_as("executive")
    response = post_form(
        client,
        "/scorecards/new",
        {
            "name": "Broken",
            "start": "blank",
            "file": (io.BytesIO(b"name: [unclosed"), "broken.yaml"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert db.session.scalar(db.select(func.count()).select_from(Scorecard)) == 0


def test_export_gives_yaml_that_loads_back_to_the_same_card(client, client_as, make):
    card = make.scorecard()
    response = client_as("reviewer").get(f"/scorecards/{card.id}/versions/1.yaml")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert scorecards.load(response.get_data(as_text=True)) == scorecards.from_dict(
        card.versions[0].definition
    )


def test_archive_and_restore_are_audited(client_as, users, make):
    card = make.scorecard()
    client = client_as("executive")
    post_form(client, f"/scorecards/{card.id}/archive", {"lock_version": _lock(card.id)})
    db.session.expire_all()
    assert db.session.get(Scorecard, card.id).status == "archived"
    assert client.get(f"/scorecards/{card.id}/edit").status_code == 302
    post_form(client, f"/scorecards/{card.id}/restore", {"lock_version": _lock(card.id)})
    db.session.expire_all()
    assert db.session.get(Scorecard, card.id).status == "published"
    events = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.before, e.after) for e in events] == [
        ("scorecard.archived", {"status": "published"}, {"status": "archived"}),
        ("scorecard.restored", {"status": "archived"}, {"status": "published"}),
    ]


def test_reviewers_read_but_cannot_edit(client_as, make):
    card = make.scorecard()
    reviewer = client_as("reviewer")
    assert reviewer.get(f"/scorecards/{card.id}").status_code == 200
    assert reviewer.get(f"/scorecards/{card.id}/versions/1").status_code == 200
    assert reviewer.get(f"/scorecards/{card.id}/edit").status_code == 403
    assert post_form(reviewer, f"/scorecards/{card.id}/publish", {}).status_code == 403
    assert client_as("agent").get("/scorecards/").status_code == 403


def test_unknown_ids_and_keys_are_404(client_as, make):
    card = make.scorecard()
    client = client_as("executive")
    assert client.get("/scorecards/999").status_code == 404
    assert client.get(f"/scorecards/{card.id}/versions/7").status_code == 404
    assert client.get(f"/scorecards/{card.id}/questions/no_such_key").status_code == 404
    assert client.get(f"/scorecards/{card.id}/sections/no_such_key").status_code == 404
    assert client.get(f"/scorecards/{card.id}/diff?old=1&new=9").status_code == 404


def test_live_preview_renders_the_question_being_typed(client_as, make):
    card = make.scorecard(versions=0)
    response = post_form(
        client_as("executive"),
        f"/scorecards/{card.id}/questions/preview",
        {
            "key": "tone",
            "text": "Tone <b>appropriate</b>?",
            "kind": "scale",
            "points": "3",
            "scale_min": "1",
            "scale_max": "4",
            "allow_na": "y",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Tone &lt;b&gt;appropriate&lt;/b&gt;?" in html  # escaped, never raw HTML
    assert html.count('type="radio"') == 5  # 1..4 and N/A


def test_a_double_click_on_save_answers_as_the_first_click(client_as, users):
    client = client_as("executive")
    card = _create(client)
    data = {
        "lock_version": _lock(card.id),
        "name": "Chat QA v2",
        "channel": "chat",
        "description": "Renamed",
    }
    assert post_form(client, f"/scorecards/{card.id}/card", data).status_code == 302
    after_first = _lock(card.id)
    again = post_form(client, f"/scorecards/{card.id}/card", data, follow_redirects=True)
    html = again.get_data(as_text=True)
    assert "Scorecard settings saved." in html and "Someone else changed" not in html
    assert _lock(card.id) == after_first  # nothing written twice
    # A stale post that would change something is still refused.
    refused = post_form(
        client, f"/scorecards/{card.id}/card", {**data, "name": "Other"}, follow_redirects=True
    )
    assert "Someone else changed this draft" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Scorecard, card.id).draft_definition["name"] == "Chat QA v2"


def test_an_import_with_thousands_of_mistakes_lists_the_first_200(client_as, users):
    """A megabyte of YAML can hold a hundred thousand problems: a page, not all of them."""
    client = client_as("executive")
    card = _create(client)
    questions = "".join(f"      - {{key: q{n}, text: Q, kind: nope}}\n" for n in range(5000))
    text = f"name: Big\nsections:\n  - key: s\n    title: S\n    questions:\n{questions}"
    expected = len(scorecards.validate(yaml.safe_load(text)))
    assert expected >= 5000
    response = post_form(
        client,
        f"/scorecards/{card.id}/import",
        {"lock_version": _lock(card.id), "file": (io.BytesIO(text.encode()), "card.yaml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    listed = re.search(r'data-testid="import-problems">(.*?)</ul>', html, re.S).group(1)
    assert listed.count("<li><code>") == 200
    assert f"… and {expected - 200:,} more; fix these first." in listed
    assert f"The file has {expected} problem(s)" in html
