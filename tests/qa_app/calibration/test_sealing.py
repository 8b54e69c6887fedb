"""Until the reveal, nothing a participant entered is visible to anyone but its
author: ``policy.sealed`` says so once, and every page, export and API answer
obeys it. The walk visits every GET route of the URL map (the role matrix's
routes and sample ids) as each role and as the session's own people."""

import re

import pytest

from qa_app.api import tokens
from qa_app.extensions import db
from qa_app.models import Evaluation
from qa_app.reviews import policy
from tests.qa_app.calibration.sealing import MARKERS, build_sealed
from tests.qa_app.helpers import sign_in
from tests.qa_app.test_role_matrix import SKIP_POST, _rules, _samples, _url


@pytest.fixture
def sealed(make, users):
    return build_sealed(make, users)


def _client(app, user):
    client = app.test_client()
    assert sign_in(client, user.email).status_code == 302
    return client


# --- the rule ------------------------------------------------------------------------


def test_sealed_for_everyone_but_the_author_until_the_reveal(sealed, users, make):
    outsider = make.user("executive")
    others = [*users.values(), outsider, sealed.b, sealed.c]
    for evaluation, author in ((sealed.mine, sealed.a), (sealed.key, sealed.calib.facilitator)):
        assert not policy.sealed(author, evaluation)
        for viewer in others:
            if viewer.id != author.id:
                assert policy.sealed(viewer, evaluation), (viewer.email, evaluation.kind)
        assert sorted(policy.sealed_ids(outsider, [evaluation.id])) == [evaluation.id]
    sealed.reveal()
    for viewer in others:
        assert not policy.sealed(viewer, sealed.mine)
    assert policy.sealed_ids(outsider, [sealed.mine.id, sealed.key.id]) == set()


def test_counted_evaluations_are_never_sealed(users, make):
    from tests.qa_app.api.support import submitted

    version = make.scorecard().versions[0]
    standard = submitted(users["reviewer"], make.interaction(users["agent"]), version)
    assert not policy.sealed(users["executive"], standard)
    assert policy.sealed_ids(users["executive"], [standard.id]) == set()


# --- the interaction page (issue #19, item 2) ----------------------------------------


def _listed(client, sealed) -> str:
    html = client.get(f"/interactions/{sealed.interaction_id}").get_data(as_text=True)
    return html


@pytest.mark.parametrize("role", ["executive", "admin"])
def test_the_interaction_page_lists_calibration_work_only_after_the_reveal(
    app, sealed, users, make, role
):
    viewer = users[role] if role == "admin" else make.user("executive")  # not the facilitator
    client = _client(app, viewer)
    before = _listed(client, sealed)
    for hidden in (sealed.mine, sealed.key):
        assert f"/reviews/evaluations/{hidden.id}" not in before
    assert ">calibration<" not in before and ">benchmark<" not in before
    sealed.reveal()
    after = _listed(client, sealed)
    for shown in (sealed.mine, sealed.key):
        assert f"/reviews/evaluations/{shown.id}" in after, role
    assert ">calibration<" in after and ">benchmark<" in after
    assert f"/reviews/evaluations/{sealed.draft.id}" not in after  # never submitted


def test_each_author_finds_only_their_own_work_on_the_interaction_page(app, sealed):
    html = _listed(_client(app, sealed.a), sealed)
    assert f"/reviews/evaluations/{sealed.mine.id}" in html
    assert f"/reviews/evaluations/{sealed.key.id}" not in html
    html = _listed(_client(app, sealed.calib.facilitator), sealed)
    assert f"/reviews/evaluations/{sealed.key.id}" in html
    assert f"/reviews/evaluations/{sealed.mine.id}" not in html


def test_after_the_reveal_a_participant_sees_the_sessions_work_like_its_pages(app, sealed):
    sealed.reveal()
    html = _listed(_client(app, sealed.b), sealed)
    assert f"/reviews/evaluations/{sealed.mine.id}" in html  # policy.can_view lets B open it
    assert policy.can_view(sealed.b, db.session.get(Evaluation, sealed.mine.id))


# --- the walk ------------------------------------------------------------------------


def _walk_urls(app, users, make, sealed) -> list[str]:
    """Every GET route with the sealed work as its ids, plus the filtered views."""
    defaults = _samples(users, make)
    targets = [sealed.mine.id, sealed.key.id, sealed.draft.id]

    def samples_for(evaluation_id):
        def values(endpoint: str) -> dict:
            out = defaults(endpoint) | {"interaction_id": sealed.interaction_id}
            if endpoint.startswith(("calibration.", "api_calibration.")):
                out["session_id"] = sealed.calib.session.id
            return out | {"evaluation_id": evaluation_id}

        return values

    urls = []
    for rule in _rules(app):
        if "GET" not in rule.methods or rule.endpoint in SKIP_POST:
            continue
        ids = targets if "evaluation_id" in rule.arguments else targets[:1]
        urls += [_url(app, rule, samples_for(i)) for i in ids]
    by_entity = [f"entity_type=evaluation&entity_id={i}" for i in targets]
    urls += [f"/admin/audit/?{q}" for q in by_entity]
    urls += [f"/admin/audit/export.csv?{q}" for q in by_entity]
    urls += ["/admin/audit/?action=evaluation.edited", "/admin/audit/?entity_type=evaluation"]
    urls += [
        f"/api/v1/evaluations?interaction_id={sealed.interaction_id}",
        "/api/v1/evaluations?kind=calibration",
        "/api/v1/evaluations?kind=benchmark",
        f"/api/v1/evaluations?reviewer_id={sealed.a.id}",
    ]
    return list(dict.fromkeys(urls))


def _listed_ids(response, url: str) -> set[int]:
    """Evaluation ids an API page lists."""
    if not url.startswith("/api/v1/evaluations") or not response.is_json:
        return set()
    body = response.get_json()
    one = {body["id"]} if "id" in body else set()
    return one | {item["id"] for item in body.get("items", [])}


def test_no_page_fragment_export_or_api_answer_shows_sealed_work(app, users, make, sealed):
    """What a participant wrote (the markers) and the sealed evaluations
    themselves (a link to them, a row in an API list) reach nobody but their author."""
    urls = _walk_urls(app, users, make, sealed)
    viewers = {
        **users,  # the executive is the session's facilitator
        "another executive": make.user("executive"),
        "participant B": sealed.b,
        "participant C (a draft)": sealed.c,
        "participant A (the author)": sealed.a,
    }
    authors = sealed.authors()
    by_id = {sealed.mine.id: sealed.a.id, sealed.key.id: sealed.calib.facilitator.id}
    by_id[sealed.draft.id] = sealed.c.id
    seen_own, leaks = set(), []
    for who, viewer in viewers.items():
        client = _client(app, viewer)
        bearer = {"Authorization": f"Bearer {tokens.create(viewer, 'walk').secret}"}
        for url in urls:
            response = client.get(url, headers=bearer if url.startswith("/api/") else {})
            assert response.status_code != 500, url
            body = response.get_data().decode("utf-8", "replace")
            for marker in (m for m in MARKERS if m in body):
                if authors[marker] == viewer.id:
                    seen_own.add(marker)
                else:
                    leaks.append(f"{marker} shown to {who} by GET {url}")
            for evaluation_id, author in by_id.items():
                if author == viewer.id or response.status_code != 200:
                    continue  # an error page may repeat the address it was asked for
                if re.search(rf"/evaluations/{evaluation_id}(?!\d)", body) or (
                    evaluation_id in _listed_ids(response, url)
                ):
                    leaks.append(f"evaluation {evaluation_id} listed to {who} by GET {url}")
        assert client.get("/auth/password").status_code == 200, f"{who} was signed out"
    assert not leaks, "\n".join(leaks)
    # The walk reaches the sealed text: each author reads their own work.
    assert seen_own == set(MARKERS)
