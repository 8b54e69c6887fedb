"""The staff review pages: the review itself, its export, and the targets.

Thin: read the query string, call ``services`` / ``targets``, render."""

from __future__ import annotations

from datetime import UTC, datetime

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

from qa_app.access import roles_required
from qa_app.extensions import db
from qa_app.models import Team, User
from qa_app.request_args import BadArgument, id_arg
from qa_app.staff import periods, services, tables, targets, trends
from qa_app.staff.definitions import METRICS
from qa_app.staff.display import shown
from qa_app.staff.forms import TargetForm

bp = Blueprint("staff", __name__, url_prefix="/reports")
EXECUTIVES = ("admin", "executive")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _text(name: str) -> str | None:
    value = request.args.get(name, "").strip()
    return value or None


def _period() -> periods.Period:
    """``?period=`` (default: the last complete month); 400 when it is not one."""
    text = request.args.get("period", "").strip()
    if not text:
        return periods.last_complete_month(datetime.now(UTC).date())
    try:
        return periods.parse(text)
    except periods.PeriodError as exc:
        raise BadArgument("period", str(exc)) from None


def _review() -> services.Review:
    """The review the query string asks for; 400 naming the bad parameter."""
    period = _period()
    filters = services.Filters(
        team_id=id_arg("team"),
        channel=_text("channel"),
        topic=_text("topic"),
        region=_text("region"),
    )
    try:
        return services.review(
            period, filters, sort=_text("sort") or "name", config=current_app.config
        )
    except services.ReviewError as exc:
        raise BadArgument(exc.name, str(exc)) from None


@bp.route("/staff")
@roles_required(*EXECUTIVES)
def review():
    result = _review()
    return render_template(
        "staff/review.html",
        review=result,
        metrics=METRICS,
        sort=_text("sort") or "name",
        args={k: v for k, v in request.args.items() if k != "sort"},
    )


@bp.route("/staff.xlsx")
@roles_required(*EXECUTIVES)
def export():
    result = _review()
    name = f"staff-review-{result.period.label}.xlsx"
    return Response(
        tables.to_xlsx(result),
        mimetype=XLSX_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/targets", methods=["GET", "POST"])
@roles_required(*EXECUTIVES)
def targets_page():
    form = TargetForm()
    form.fill_choices()
    if form.validate_on_submit():
        try:
            targets.set_target(
                current_user,
                form.metric.data,
                form.stored_value(),
                form.effective_from.data,
                team_id=form.team.data or None,
                higher_is_better=form.higher_is_better(),
            )
        except targets.TargetError as exc:
            form.value.errors.append(str(exc))
        else:
            flash("Target set.", "success")
            return redirect(url_for("staff.targets_page"))
    today = datetime.now(UTC).date()
    teams = dict(db.session.execute(db.select(Team.id, Team.name)).all())
    return render_template(
        "staff/targets.html",
        form=form,
        history=targets.history(),
        current=targets.current(today, teams),
        teams=teams,
        metrics=METRICS,
        today=today,
    ), (422 if form.errors else 200)


bp.add_app_template_filter(shown, "staff_value")


@bp.route("/staff/agent/<int:agent_id>")
@roles_required(*EXECUTIVES)
def agent(agent_id: int):
    person = db.get_or_404(User, agent_id)
    if person.role != "agent":
        abort(404)
    last = _period()
    trend = trends.agent_trend(person, last, config=current_app.config)
    labels = [m.label for m in trend.months]
    charts = {
        key: {
            "labels": labels,
            "series": [
                {"label": METRICS[key].label, "data": [_plotted(c.value, key) for c in cells]}
            ],
        }
        for key, cells in trend.series.items()
    }
    return render_template(
        "staff/agent.html", trend=trend, metrics=METRICS, charts=charts, period=last
    )


def _plotted(value: float | None, key: str) -> float | None:
    """A chart's point in the unit people read: rates in per cent."""
    if value is None:
        return None
    return round(100 * value, 1) if METRICS[key].unit == "rate" else round(value, 2)
