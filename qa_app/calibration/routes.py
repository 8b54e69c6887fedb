"""Calibration pages: sessions, blind scoring, reveal, consensus, export, trends."""

from __future__ import annotations

from datetime import UTC

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from wtforms import SelectChoice

from calibration import interpret_alpha
from qa_app.access import roles_required
from qa_app.calibration import consensus, export, results, services, trends
from qa_app.calibration.forms import ActionForm, NotesBase, SessionForm, notes_form
from qa_app.extensions import db
from qa_app.models import CalibrationSession
from qa_app.reviews import evaluations

bp = Blueprint("calibration", __name__, url_prefix="/calibration")
MEMBERS = services.MEMBERS
LEADS = ("admin", "executive")


@bp.context_processor
def _helpers() -> dict:
    return {"interpret_alpha": interpret_alpha, "level_labels": results.LEVEL_LABELS}


def scoring_url(evaluation_id: int) -> str:
    """The normal scoring page (reviews blueprint), for every evaluation kind."""
    return f"/reviews/evaluations/{evaluation_id}/score"


def _session(session_id: int) -> CalibrationSession:
    session = db.get_or_404(CalibrationSession, session_id)
    if not services.can_see(current_user, session):
        abort(404)
    return session


def _back(session: CalibrationSession, anchor: str | None = None):
    return redirect(url_for("calibration.session", session_id=session.id, _anchor=anchor))


@bp.route("/")
@roles_required(*MEMBERS)
def index():
    return render_template(
        "calibration/index.html",
        sessions=services.visible_sessions(current_user),
        pending=dict(services.pending_for(current_user)),
        leads=current_user.role in LEADS,
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*LEADS)
def new():
    form = SessionForm()
    form.version_id.choices = [SelectChoice(v, label) for v, label in services.version_choices()]
    candidates = services.invitable(current_user)
    form.reviewer_ids.choices = [SelectChoice(u.id, u.name) for u in candidates]
    filtering = "filter" in request.form
    status = 200
    if form.is_submitted() and not filtering:
        if form.validate():
            deadline = form.deadline.data.replace(tzinfo=UTC) if form.deadline.data else None
            try:
                session = services.create(
                    current_user,
                    title=form.title.data,
                    version_id=form.version_id.data,
                    interaction_ids=form.interaction_ids.data or [],
                    external_ids=form.external_ids.data or "",
                    reviewer_ids=form.reviewer_ids.data or [],
                    deadline=deadline,
                    blind=bool(form.blind.data),
                )
            except services.CalibrationError as exc:
                form.form_errors.append(str(exc))
            else:
                flash("Calibration session created; the reviewers have been notified.", "success")
                return redirect(url_for("calibration.session", session_id=session.id))
        status = 422
    picked = set(form.interaction_ids.data or [])
    listed = services.find_interactions(form.filter_text.data or "", form.filter_channel.data or "")
    picked_rows = [i for i in services.by_ids(picked) if i.id not in {x.id for x in listed}]
    return render_template(
        "calibration/new.html",
        form=form,
        interactions=picked_rows + listed,
        picked=picked,
        reviewers=candidates,
        invited=set(form.reviewer_ids.data or []),
        max_items=services.MAX_ITEMS,
    ), status


@bp.route("/<int:session_id>")
@roles_required(*MEMBERS)
def session(session_id: int):
    return _session_page(_session(session_id))


def _session_page(calib: CalibrationSession, kept: tuple[int, NotesBase] | None = None,
                  status: int = 200):  # fmt: skip
    """The session page; ``kept``: an item's notes form as the facilitator sent
    it (refused), shown instead of the saved notes so no typed text is lost."""
    computed = notes = published = forms = None
    if calib.status != "open":
        computed = results.compute(calib, outlier_points=services.outlier_points())
        notes = consensus.notes(calib)
        published = consensus.published(calib)
        forms = {}
        if services.is_facilitator(current_user, calib):
            for item in calib.items:
                iid = item.interaction_id
                data = {"revision": consensus.revision(calib, iid)}
                for q in computed.card.questions():
                    note = notes.get((iid, q.key))
                    if note is not None:
                        data[f"note_{q.key}"] = note.note
                        value = note.consensus
                        data[f"consensus_{q.key}"] = "" if value is None else str(value)
                forms[iid] = notes_form(computed.card, prefix=f"i{iid}", data=data)
            if kept is not None:
                forms[kept[0]] = kept[1]
    progress = services.progress(calib)
    my_missing = 0
    if services.is_participant(current_user, calib):
        my_missing = sum(
            progress.status(current_user.id, item.interaction_id) != "submitted"
            for item in calib.items
        )
    return render_template(
        "calibration/session.html",
        calib=calib,
        progress=progress,
        my_missing=my_missing,
        facilitator=services.is_facilitator(current_user, calib),
        participant=services.is_participant(current_user, calib),
        sees_progress=services.sees_progress(current_user, calib),
        can_reveal=services.can_reveal(current_user, calib),
        results=computed,
        notes=notes or {},
        published=published or {},
        notes_forms=forms or {},
        kept_item=kept[0] if kept else None,
        action=ActionForm(),
        scoring_url=scoring_url,
    ), status


@bp.route(
    "/<int:session_id>/interactions/<int:interaction_id>/<any(calibration, benchmark):kind>",
    methods=["POST"],
)
@roles_required(*MEMBERS)
def score(session_id: int, interaction_id: int, kind: str):
    """Open (creating if needed) the user's evaluation, then the scoring page."""
    calib = _session(session_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        evaluation = services.start(current_user, calib, interaction_id, kind)
    except services.CalibrationError as exc:
        flash(str(exc), "warning")
        return _back(calib)
    return redirect(scoring_url(evaluation.id))


@bp.route("/<int:session_id>/reveal", methods=["POST"])
@roles_required(*LEADS)
def reveal(session_id: int):
    calib = _session(session_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.reveal(current_user, calib)
    except services.CalibrationError as exc:
        db.session.rollback()
        flash(str(exc), "warning")
    else:
        flash("Revealed: the answers and statistics are below.", "success")
    return _back(calib)


@bp.route("/<int:session_id>/interactions/<int:interaction_id>/notes", methods=["POST"])
@roles_required(*LEADS)
def notes(session_id: int, interaction_id: int):
    calib = _session(session_id)
    card = evaluations.card_for(calib.scorecard_version)
    form = notes_form(card, prefix=f"i{interaction_id}")
    try:
        consensus.require(current_user, calib)
    except services.CalibrationError as exc:
        flash(str(exc), "warning")
        return _back(calib, f"i{interaction_id}")
    if not form.validate_on_submit():
        # A refused save re-renders the page with the text as sent: nothing typed is lost.
        flash(
            "Not saved: " + "; ".join(f"{k}: {', '.join(v)}" for k, v in form.errors.items()),
            "warning",
        )
        return _session_page(calib, (interaction_id, form), 400)
    try:
        consensus.save(current_user, calib, interaction_id, form.entries(card), form.revision.data)
    except consensus.StaleNotesError as exc:
        db.session.rollback()
        flash(str(exc), "warning")
        return _session_page(calib, (interaction_id, form), 409)
    except services.CalibrationError as exc:
        flash(str(exc), "warning")
    else:
        flash("Notes and consensus saved.", "success")
    return _back(calib, f"i{interaction_id}")


@bp.route("/<int:session_id>/interactions/<int:interaction_id>/publish", methods=["POST"])
@roles_required(*LEADS)
def publish(session_id: int, interaction_id: int):
    calib = _session(session_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        evaluation = consensus.publish(current_user, calib, interaction_id)
    except consensus.AlreadyPublishedError as exc:
        flash(f"{exc} (evaluation #{exc.evaluation.id}).", "info")
    except services.CalibrationError as exc:
        flash(str(exc), "warning")
    else:
        flash(
            f"Consensus published as evaluation #{evaluation.id}; the agent has been notified.",
            "success",
        )
    return _back(calib, f"i{interaction_id}")


@bp.route("/<int:session_id>/export.csv", endpoint="export")
@roles_required(*MEMBERS)
def export_csv(session_id: int):
    calib = _session(session_id)
    if calib.status == "open":
        flash(
            "The export is available after the reveal: answers stay hidden until then.", "warning"
        )
        return _back(calib)
    computed = results.compute(calib, outlier_points=services.outlier_points())
    return Response(
        export.to_csv(calib, computed),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="calibration-{calib.id}.csv"'},
    )


@bp.route("/trends", endpoint="trends")
@roles_required(*LEADS)
def trends_view():
    slope = float(current_app.config.get("CALIBRATION_DRIFT_SLOPE", 1.0))
    return render_template("calibration/trends.html", trends=trends.compute(slope))
