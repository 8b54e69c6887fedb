"""Every view declares who may open it, and the declaration holds for each role.

The matrix is built from the URL map, so a route added later is covered
automatically; a route with an id parameter needs a sample id in SAMPLE_IDS.
"""

import pytest

from qa_app.access import PUBLIC, view_access
from qa_app.api import tokens
from qa_app.models import ROLES
from tests.qa_app.helpers import csrf_token
from tests.qa_app.interactions.support import sample_upload

ALL = frozenset(ROLES)
# The specification: who may open each view. A new view must be added here.
EXPECTED = {
    "main.home": ALL,
    "main.health": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": PUBLIC,
    "auth.oidc_login": PUBLIC,
    "auth.oidc_callback": PUBLIC,
    "auth.password": ALL,
    "admin.users": {"admin"},
    "admin.new_user": {"admin"},
    "admin.edit_user": {"admin"},
    "admin.teams": {"admin"},
    "audit.index": {"admin"},
    "autoqa.index": {"admin", "executive"},
    "autoqa.threshold": {"admin", "executive"},
    "audit.export": {"admin"},
    "privacy.my_data": {"agent"},
    "privacy.export_user": {"admin"},
    "privacy.retention_page": {"admin"},
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
    "interactions.index": ALL,
    "interactions.detail": ALL,
    "recordings.upload": {"admin", "executive"},
    "recordings.audio": ALL,  # agents only their own (404 otherwise: test_intake)
    "recordings.transcribe": {"admin", "executive", "reviewer"},
    "interactions.transcript_text": ALL,
    "interactions.upload": {"admin", "executive"},
    "interactions.preview": {"admin", "executive"},
    "interactions.confirm": {"admin", "executive"},
    "interactions.rejects": {"admin", "executive"},
    "reviews.queue": {"admin", "executive", "reviewer"},
    "reviews.start": {"admin", "executive", "reviewer"},
    "reviews.start_assignment": {"admin", "executive", "reviewer"},
    "reviews.reassign": {"admin", "executive"},
    "reviews.swap": {"admin", "executive"},
    "reviews.score": {"admin", "executive", "reviewer"},
    "reviews.autosave": {"admin", "executive", "reviewer"},
    "reviews.evaluation": ALL,
    "reviews.rules": {"admin", "executive"},
    "reviews.new_rule": {"admin", "executive"},
    "reviews.edit_rule": {"admin", "executive"},
    "reviews.rule": {"admin", "executive"},
    "calibration.index": {"admin", "executive", "reviewer"},
    "calibration.new": {"admin", "executive"},
    "calibration.session": {"admin", "executive", "reviewer"},
    "calibration.score": {"admin", "executive", "reviewer"},
    "calibration.reveal": {"admin", "executive"},
    "calibration.notes": {"admin", "executive"},
    "calibration.publish": {"admin", "executive"},
    "calibration.export": {"admin", "executive", "reviewer"},
    "calibration.trends": {"admin", "executive"},
    "reports.dashboard": {"admin", "executive"},
    "reports.questions": {"admin", "executive"},
    "reports.reviewers": {"admin", "executive"},
    "reports.operations": {"admin", "executive"},
    "reports.coaching": {"admin", "executive"},
    "reports.evaluations": {"admin", "executive"},
    "reports.export_table": {"admin", "executive"},
    "reports.periodic_review": {"admin", "executive"},
    "staff.review": {"admin", "executive"},
    "staff.export": {"admin", "executive"},
    "staff.targets_page": {"admin", "executive"},
    "staff.agent": {"admin", "executive"},
    "feedback.home": {"agent"},
    "feedback.evaluation": ALL,
    "feedback.acknowledge": {"agent"},
    "feedback.raise_dispute": {"agent"},
    "feedback.withdraw": {"agent"},
    "feedback.disputes": {"executive", "reviewer"},
    "feedback.dispute_stats": {"executive"},
    "feedback.dispute": {"executive", "reviewer", "agent"},
    "feedback.resolve": {"executive", "reviewer"},
    "feedback.coaching_list": {"executive", "reviewer", "agent"},
    "feedback.new_coaching": {"executive", "reviewer"},
    "feedback.coaching_session": {"executive", "reviewer", "agent"},
    "feedback.acknowledge_coaching": {"agent"},
    "feedback.item_done": {"executive", "reviewer"},
    "feedback.close_coaching": {"executive", "reviewer"},
    "inbox.index": ALL,
    "inbox.follow": ALL,
    "inbox.read_all": ALL,
    "flags.queue_page": {"admin", "executive", "reviewer"},
    "flags.send_to_review": {"admin", "executive", "reviewer"},
    "flags.review": {"admin", "executive", "reviewer"},
    "flags.models": {"admin", "executive"},
    "flags.model": {"admin", "executive"},
    "flags.status": {"admin", "executive"},
    "flags.train": {"admin", "executive"},
    "flags.activate": {"admin", "executive"},
    "flags.score_all": {"admin", "executive"},
    "reports.export_job": {"admin", "executive"},
    "jobs.index": ALL,
    "jobs.detail": ALL,
    "jobs.status": ALL,
    "jobs.download": ALL,
    "tokens.index": ALL,
    "tokens.revoke": ALL,
    "tokens.everyone": {"admin"},
    "api_docs.openapi_json": PUBLIC,
    "api_docs.reference": PUBLIC,
    # The API: the same rules as the pages, checked with each role's bearer token.
    "api_interactions.upsert": {"admin", "executive"},
    "api_interactions.list": ALL,
    "api_interactions.detail": ALL,
    "api_recordings.upload": {"admin", "executive"},
    "api_recordings.detail": ALL,
    "api_evaluations.list": ALL,
    "api_evaluations.detail": ALL,
    "api_scorecards.list": {"admin", "executive", "reviewer"},
    "api_scorecards.version": {"admin", "executive", "reviewer"},
    "api_calibration.results": {"admin", "executive", "reviewer"},
    "api_flags.list": {"admin", "executive", "reviewer"},
    "mail.preferences": ALL,
    "mail.unsubscribe": PUBLIC,
    "mail.deliveries": {"admin"},
    "webhooks.index": {"admin"},
    "webhooks.endpoint": {"admin"},
    "webhooks.endpoint_action": {"admin"},
    "webhooks.replay": {"admin"},
    "api_autoqa.answers": {"admin", "executive", "reviewer"},
    "api_autoqa.agreement": {"admin", "executive"},
}

QUERY_ARGS = {"old", "new", "interaction_id"}

# Views that also check ownership: another user's item answers 404 even for
# an allowed role (the sample item belongs to the reviewer).
OWNED = {"reviews.start_assignment": {"reviewer"}}
# An import upload belongs to whoever uploaded it (the sample one: the admin).
OWNED |= {f"interactions.{name}": {"admin"} for name in ("preview", "confirm", "rejects")}
# A notification is its recipient's only (the sample one: the agent's).
OWNED |= {"inbox.follow": {"agent"}}
# A job is seen by its owner and admins; its file is downloaded by its owner only
# (the sample job: the executive's finished export).
OWNED |= {"jobs.detail": {"admin", "executive"}, "jobs.status": {"admin", "executive"}}
OWNED |= {"jobs.download": {"executive"}}
# An API token is revoked by its owner (the sample one: the agent's) or an admin.
OWNED |= {"tokens.revoke": {"agent", "admin"}}

# Routes whose purpose would be undone by calling them in the matrix.
SKIP_POST = {"auth.logout", "auth.login"}


def _samples(users, make):
    """Real ids for every URL parameter, per endpoint where they differ."""
    card = make.scorecard()
    review = _review_samples(users, make, card)
    defaults = {
        "user_id": users["agent"].id,
        "scorecard_id": card.id,
        "number": 1,
        "key": "greeting",
        "action": "up",
        "token": sample_upload(users["admin"]),
        "token_id": tokens.create(users["agent"], "matrix sample").token.id,
        **review,
        **_flag_samples(users, make),
        "job_id": _job_sample(users),
        **_outbound_samples(users),
    }
    overrides = {
        "scorecards.edit_section": {"key": "opening"},
        "scorecards.section_action": {"key": "opening"},
        "scorecards.lifecycle": {"action": "discard"},
        "scorecards.diff": {"old": 1, "new": 1},
        "reports.export_table": {"table": "questions", "fmt": "csv"},
        "reports.export_job": {"fmt": "csv"},
        "webhooks.endpoint_action": {"action": "pause"},
        "staff.agent": {"agent_id": users["agent"].id},
    }
    overrides |= _calibration_samples(users, make, card)
    # The API's calibration results: the same (open, so 409) session.
    overrides["api_calibration.results"] = overrides["calibration.session"]
    overrides |= _feedback_samples(users, make, card)
    overrides |= _recording_samples(users, make)
    return lambda endpoint: defaults | overrides.get(endpoint, {})


def _recording_samples(users, make):
    """An interaction of the agent's with a recording (so its agent may play it)."""
    from qa_app.recordings import services
    from tests.speech.sounds import encode, tones

    item = make.interaction(users["agent"])
    services.attach(item, encode(tones(0.5, 8000, 2), 8000), "call.wav", users["admin"])
    endpoints = ("recordings.audio", "recordings.transcribe", "recordings.upload",
                 "api_recordings.detail", "api_recordings.upload")  # fmt: skip
    return {endpoint: {"interaction_id": item.id} for endpoint in endpoints}


def _calibration_samples(users, make, card):
    """An open session facilitated by the executive, with the reviewer invited."""
    from qa_app.extensions import db
    from qa_app.models import CalibrationItem, CalibrationParticipant, CalibrationSession

    interaction = make.interaction(users["agent"])
    session = CalibrationSession(
        title="Matrix",
        scorecard_version_id=card.versions[0].id,
        facilitator_id=users["executive"].id,
    )
    session.items = [CalibrationItem(interaction_id=interaction.id)]
    session.participants = [CalibrationParticipant(reviewer_id=users["reviewer"].id)]
    db.session.add(session)
    db.session.commit()
    values = {"session_id": session.id, "interaction_id": interaction.id, "kind": "calibration"}
    names = ("session", "score", "reveal", "notes", "publish", "export")
    return {f"calibration.{name}": values for name in names}


def _feedback_samples(users, make, card):
    """A submitted evaluation of the agent by another reviewer, disputed by the
    agent; a coaching session the reviewer runs for the agent, with an item."""
    from qa_app.extensions import db
    from qa_app.feedback import services
    from qa_app.models import CoachingItem, CoachingSession, Notification
    from qa_app.reviews import evaluations

    version = card.versions[0]
    author = make.user("reviewer")
    evaluation = evaluations.start(author, make.interaction(users["agent"]), version)
    answers = {
        q.key: ("na" if q.allow_na else q.answers()[0]) if q.kind != "text" else "ok"
        for q in evaluations.card_for(version).questions()
    }
    evaluations.save(author, evaluation, answers, lock_version=evaluation.lock_version, submit=True)
    request = services.DisputeRequest(whole=True, reason="matrix", questions={})
    dispute = services.open_dispute(users["agent"], evaluation, request)
    session = CoachingSession(
        agent_id=users["agent"].id,
        coach_id=users["reviewer"].id,
        held_on=evaluation.submitted_at.date(),
        evaluations=[evaluation],
        items=[CoachingItem(text="Matrix item")],
    )
    db.session.add(session)
    db.session.commit()
    notification = db.session.scalar(
        db.select(Notification).where(Notification.user_id == users["agent"].id).limit(1)
    )
    values = {
        "evaluation_id": evaluation.id,
        "dispute_id": dispute.id,
        "session_id": session.id,
        "item_id": session.items[0].id,
        "notification_id": notification.id,
    }
    names = (
        "evaluation",
        "acknowledge",
        "raise_dispute",
        "withdraw",
        "dispute",
        "resolve",
        "coaching_session",
        "acknowledge_coaching",
        "item_done",
        "close_coaching",
    )
    return {f"feedback.{name}": values for name in names} | {"inbox.follow": values}


def _flag_samples(users, make):
    """A ready flag model (its artefact unreadable: activating it is refused
    with a message, not trained or loaded) and a flag it raised."""
    from qa_app.extensions import db
    from qa_app.models import Flag, FlagModel

    taken = db.session.scalar(  # a seeded demo may have trained version 1 already
        db.select(db.func.max(FlagModel.version)).where(FlagModel.target == "escalation")
    )
    model = FlagModel(
        target="escalation", version=(taken or 0) + 1, status="ready", artefact=b"matrix"
    )
    db.session.add(model)
    db.session.flush()
    flag = Flag(
        interaction_id=make.interaction(users["agent"]).id,
        model_id=model.id,
        target="escalation",
        probability=0.5,
    )
    db.session.add(flag)
    db.session.commit()
    return {"model_id": model.id, "flag_id": flag.id}


def _outbound_samples(users):
    """An unsubscribe token of the agent's; a webhook endpoint with a sent delivery."""
    from qa_app.extensions import db
    from qa_app.mail import preferences
    from qa_app.models import WebhookDelivery, WebhookEndpoint

    endpoint = WebhookEndpoint(
        url="https://hooks.example.test/x", kinds=["flag.raised"], secret="s",
        owner_id=users["admin"].id,
    )  # fmt: skip
    db.session.add(endpoint)
    db.session.flush()
    sent = WebhookDelivery(endpoint_id=endpoint.id, event_id="e1", kind="flag.raised",
                           body="{}", status="sent")  # fmt: skip
    db.session.add(sent)
    db.session.commit()
    return {
        "signed": preferences.unsubscribe_token(users["agent"].id, "evaluation"),
        "endpoint_id": endpoint.id,
        "delivery_id": sent.id,
    }


def _job_sample(users):
    """The executive's finished export job, with its file."""
    from qa_app.extensions import db
    from qa_app.models import Job

    job = Job(
        kind="reports.export",
        title="Export",
        owner_id=users["executive"].id,
        status="succeeded",
        result={"file": {"name": "x.csv", "mimetype": "text/csv"}},
        output=b"a,b\r\n",
    )
    db.session.add(job)
    db.session.commit()
    return job.id


def _review_samples(users, make, card):
    """A submitted evaluation of the agent, an open assignment, a rule."""
    from qa_app.extensions import db
    from qa_app.models import Assignment, SamplingRule
    from qa_app.reviews import evaluations

    version = card.versions[0]
    scored = make.interaction(users["agent"])
    evaluation = evaluations.start(users["reviewer"], scored, version)
    answers = {
        q.key: ("na" if q.allow_na else q.answers()[0]) if q.kind != "text" else "ok"
        for q in evaluations.card_for(version).questions()
    }
    evaluations.save(
        users["reviewer"], evaluation, answers, lock_version=evaluation.lock_version, submit=True
    )
    assignment = Assignment(
        interaction_id=make.interaction(users["agent"]).id,
        reviewer_id=users["reviewer"].id,
        scorecard_version_id=version.id,
    )
    rule = SamplingRule(name="Weekly", scorecard_id=card.id, reviewer_ids=[users["reviewer"].id])
    db.session.add_all([assignment, rule])
    db.session.commit()
    return {
        "evaluation_id": evaluation.id,
        "assignment_id": assignment.id,
        "rule_id": rule.id,
        "interaction_id": scored.id,
    }


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
    # The API ignores the session: each role calls it with its own token.
    bearer = {"Authorization": f"Bearer {tokens.create(users[role], 'm').secret}"} if role else {}
    checked = 0
    for rule in _rules(app):
        allowed = view_access(app, rule.endpoint)
        url = _url(app, rule, samples)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method != "GET" and rule.endpoint in SKIP_POST:
                continue
            headers = bearer if url.startswith("/api/") else {}
            if method == "GET":
                response = visitor.get(url, headers=headers)
            else:
                response = visitor.open(
                    url,
                    method=method,
                    data={"csrf_token": csrf_token(visitor, "/")},
                    headers=headers,
                )
            response.close()  # a file sent (a recording) is closed with its response
            checked += 1
            where = f"{method} {url} as {role or 'visitor'}"
            if rule.endpoint in OWNED and role in allowed and role not in OWNED[rule.endpoint]:
                assert response.status_code == 404, where
            elif allowed is PUBLIC or (role is not None and role in allowed):
                # 400: a POST without the page's lock version is refused as
                # incomplete (evaluations); 409: as stale (older lock users).
                assert response.status_code < 400 or response.status_code in (400, 409, 422), where
            elif role is None:
                assert response.status_code in (302, 401), where
                if response.status_code == 302:
                    assert response.headers["Location"].startswith("/auth/login"), where
            else:
                assert response.status_code == 403, where
    assert checked >= len(_rules(app))
