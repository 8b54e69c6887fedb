"""Fuzzing the query string of every GET route, signed in with a role that may
open it: whatever the parameters, the answer is never a 500.

Keys are the names the views read plus random ones; values are hostile text,
numbers far outside any column, impossible dates and control characters, mixed
with ordinary ones so the views get past their first check. One application
and one set of sample rows (the role matrix's) serve every route: each input is
a GET, and the property is about the answer, not the rows.
"""

from __future__ import annotations

import os
from urllib.parse import urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qa_app.access import PUBLIC, view_access
from qa_app.api import tokens
from qa_app.models import ROLES
from tests.fuzzing import SCALE, TRIED, budget, hostile_text, tried
from tests.qa_app.test_role_matrix import _rules, _samples, _url

EXAMPLES = 20  # per route and run (issue #19)

# Issue #19 asks for this fuzzing on PostgreSQL, where integer columns overflow
# and dates are checked by the server; the SQLite pass would double its two
# minutes in a CI run that must stay under twenty.
pytestmark = pytest.mark.skipif(
    os.environ.get("QA_TEST_DB", "sqlite") != "postgresql",
    reason="query-string fuzzing runs on the PostgreSQL pass (issue #19)",
)
# Every name a view or an API schema reads from the query string.
KEYS = " ".join([
    "page team agent scorecard reviewer channel date_from date_to period grain question bin below",
    "auto_failed family undefined disputed overturned format old new interaction_id evaluation_id",
    "agent_id user_id seed status role missing section q after before actor action entity_type",
    "entity_id since until next csat_max escalated reviewed target min_probability unreviewed",
    "cursor limit team_id started_after started_before submitted_after submitted_before kind",
    "reviewer_id all_models review",
]).split()  # fmt: skip
numbers = st.one_of(
    st.integers(0, 40),
    st.integers(-(2**70), 2**70),
    st.sampled_from([2**31 - 1, 2**31, 3_000_000_000, 2**63, -(2**63) - 1, 10**23]),
).map(str)
dates = st.one_of(
    st.dates().map(str),
    st.datetimes().map(lambda d: d.isoformat() + "+00:00"),
    st.sampled_from(
        [
            "9999-12-31",
            "0001-01-01",
            "2026-02-30",
            "2026-13-01",
            "9999-12",
            "0001-01",
            "0000-01",
            "0000-01-01",
            "9999-12-31T23:59:59-14:00",
            "2026-11-26",
        ]
    ),
)
values = st.one_of(
    hostile_text,
    numbers,
    dates,
    st.sampled_from(["\x00", "a\x00b", "\x1b[2J", "1" * 5000, "-1", "y", "true", "csv", "xlsx"]),
)
pairs = st.lists(st.tuples(st.one_of(st.sampled_from(KEYS), st.text(max_size=12)), values),
                 max_size=6)  # fmt: skip


def test_no_query_string_of_any_get_route_gets_a_500(app, users, make, client_as):
    samples = _samples(users, make)
    clients = {role: client_as(role) for role in ROLES}
    bearers = {role: {"Authorization": f"Bearer {tokens.create(users[role], 'fuzz').secret}"}
               for role in ROLES}  # fmt: skip
    routes = [r for r in _rules(app) if "GET" in r.methods]
    for rule in routes:
        path = _url(app, rule, samples).partition("?")[0]
        allowed = view_access(app, rule.endpoint)
        roles = sorted(ROLES if allowed is PUBLIC else allowed)
        entry = f"query string GET {rule.endpoint}"
        before = TRIED[entry]

        @given(role=st.sampled_from(roles), query=pairs)
        @budget(EXAMPLES)
        def check(role: str, query: list[tuple[str, str]]) -> None:
            tried(entry)  # noqa: B023 (run at once, inside this loop's turn)
            headers = bearers[role] if path.startswith("/api/") else {}  # noqa: B023
            response = clients[role].get(path, query_string=urlencode(query), headers=headers)  # noqa: B023
            assert response.status_code < 500, (rule.endpoint, role, query)  # noqa: B023

        check()
        if SCALE >= 1:
            assert TRIED[entry] - before >= EXAMPLES, entry
