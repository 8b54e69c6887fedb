"""Every view declares who may open it, and the declaration holds for each role.

The matrix is built from the URL map, so a route added later is covered
automatically; a route with an id parameter needs a sample id in SAMPLE_IDS.
"""

import pytest

from qa_app.access import PUBLIC, view_access
from qa_app.models import ROLES
from tests.qa_app.helpers import csrf_token

ALL = frozenset(ROLES)
# The specification: who may open each view. A new view must be added here.
EXPECTED = {
    "main.home": ALL,
    "main.health": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": PUBLIC,
    "auth.password": ALL,
    "admin.users": {"admin"},
    "admin.new_user": {"admin"},
    "admin.edit_user": {"admin"},
    "admin.teams": {"admin"},
    "scorecards.index": {"admin", "executive", "reviewer"},
    "scorecards.detail": {"admin", "executive", "reviewer"},
    "scorecards.version": {"admin", "executive", "reviewer"},
    "scorecards.export": {"admin", "executive", "reviewer"},
    "scorecards.diff": {"admin", "executive", "reviewer"},
    "scorecards.new": {"admin", "executive"},
    "scorecards.edit": {"admin", "executive"},
    "scorecards.update_card": {"admin", "executive"},
    "scorecards.add_section": {"admin", "executive"},
    "scorecards.edit_section": {"admin", "executive"},
    "scorecards.section_action": {"admin", "executive"},
    "scorecards.question": {"admin", "executive"},
    "scorecards.new_question": {"admin", "executive"},
    "scorecards.preview_question": {"admin", "executive"},
    "scorecards.question_action": {"admin", "executive"},
    "scorecards.import_draft": {"admin", "executive"},
    "scorecards.publish": {"admin", "executive"},
    "scorecards.lifecycle": {"admin", "executive"},
}

QUERY_ARGS = {"old", "new"}

# Routes whose purpose would be undone by calling them in the matrix.
SKIP_POST = {"auth.logout", "auth.login"}


def _samples(users, make):
    """Real ids for every URL parameter, per endpoint where they differ."""
    card = make.scorecard()
    defaults = {
        "user_id": users["agent"].id,
        "scorecard_id": card.id,
        "number": 1,
        "key": "greeting",
        "action": "up",
    }
    overrides = {
        "scorecards.edit_section": {"key": "opening"},
        "scorecards.section_action": {"key": "opening"},
        "scorecards.lifecycle": {"action": "discard"},
        "scorecards.diff": {"old": 1, "new": 1},
    }
    return lambda endpoint: defaults | overrides.get(endpoint, {})


def _rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint != "static"]


def test_every_view_declares_an_access_rule(app):
    undeclared = [r.endpoint for r in _rules(app) if view_access(app, r.endpoint) is None]
    assert undeclared == []


def test_declared_access_matches_the_specification(app):
    declared = {r.endpoint: view_access(app, r.endpoint) for r in _rules(app)}
    assert set(declared) == set(EXPECTED), "add new views to EXPECTED"
    for endpoint, roles in EXPECTED.items():
        assert declared[endpoint] == frozenset(roles), endpoint


def test_undeclared_view_is_refused_by_default(app, client_as):
    @app.route("/forgotten")
    def forgotten():  # pragma: no cover - never reached
        return "should not be served"

    assert client_as("admin").get("/forgotten").status_code == 403


def _url(app, rule, samples):
    """The rule's URL with real ids; extra sample values become the query string."""
    values = samples(rule.endpoint)
    missing = [arg for arg in rule.arguments if arg not in values]
    assert not missing, f"add a sample id for {missing} of {rule.rule} to the role matrix"
    extra = {k: v for k, v in values.items() if k not in rule.arguments and k in QUERY_ARGS}
    path = rule.build({arg: values[arg] for arg in rule.arguments})[1]
    return path + ("?" + "&".join(f"{k}={v}" for k, v in extra.items()) if extra else "")


@pytest.mark.parametrize("role", [*ROLES, None])
def test_each_role_gets_exactly_the_declared_access(app, users, make, client_as, client, role):
    visitor = client_as(role) if role else client
    samples = _samples(users, make)
    checked = 0
    for rule in _rules(app):
        allowed = view_access(app, rule.endpoint)
        url = _url(app, rule, samples)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method != "GET" and rule.endpoint in SKIP_POST:
                continue
            if method == "GET":
                response = visitor.get(url)
            else:
                response = visitor.open(
                    url, method=method, data={"csrf_token": csrf_token(visitor, "/")}
                )
            checked += 1
            where = f"{method} {url} as {role or 'visitor'}"
            if allowed is PUBLIC or (role is not None and role in allowed):
                assert response.status_code < 400 or response.status_code in (401, 422), where
            elif role is None:
                assert response.status_code in (302, 401), where
                if response.status_code == 302:
                    assert response.headers["Location"].startswith("/auth/login"), where
            else:
                assert response.status_code == 403, where
    assert checked >= len(_rules(app))
