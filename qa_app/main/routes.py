from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import func

from qa_app.access import public, signed_in
from qa_app.extensions import db
from qa_app.main import services
from qa_app.models import Interaction, Team, User, utcnow

bp = Blueprint("main", __name__)


@bp.route("/")
@signed_in
def home():
    figures = {}
    work = None
    if current_user.role in ("reviewer", "executive"):
        work = services.today(current_user)
    if current_user.role in ("admin", "executive"):
        figures = {
            "Teams": db.session.scalar(db.select(func.count()).select_from(Team)),
            "Active users": db.session.scalar(
                db.select(func.count()).select_from(User).where(User.active.is_(True))
            ),
            "Interactions": db.session.scalar(db.select(func.count()).select_from(Interaction)),
        }
    elif current_user.role == "agent":
        figures = {
            "My interactions": db.session.scalar(
                db.select(func.count())
                .select_from(Interaction)
                .where(Interaction.agent_id == current_user.id)
            )
        }
    return render_template("main/home.html", figures=figures, work=work, now=utcnow())


@bp.route("/healthz")
@public
def health():
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok"}
