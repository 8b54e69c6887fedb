from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func

from qa_app.access import roles_required
from qa_app.admin import services
from qa_app.admin.forms import ROLE_CHOICES, TeamForm, UserForm
from qa_app.auth import sessions
from qa_app.extensions import db
from qa_app.models import ROLES, Team, User
from qa_app.request_args import page_arg

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _form_data(form: UserForm) -> services.UserData:
    return services.UserData(
        email=form.email.data,
        name=form.name.data,
        role=form.role.data,
        team_id=form.team_id.data or None,
        active=form.active.data,
        hired_on=form.hired_on.data,
        password=form.password.data or None,
    )


@bp.route("/users")
@roles_required("admin")
def users():
    role = request.args.get("role", "")
    query = db.select(User).order_by(User.role, User.name)
    if role in ROLES:
        query = query.where(User.role == role)
    page = db.paginate(query, page=page_arg(), per_page=50, error_out=False)
    return render_template("admin/users.html", page=page, role=role, roles=ROLE_CHOICES)


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required("admin")
def new_user():
    form = UserForm()
    form.team_id.choices = services.team_choices()
    if form.validate_on_submit():
        try:
            user = services.create_user(current_user, _form_data(form))
        except services.AdminError as exc:
            getattr(form, exc.field).errors.append(exc.message)
        else:
            flash(f"Account for {user.email} created.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None), (
        422 if form.errors else 200
    )


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user)
    form.team_id.choices = services.team_choices()
    if request.method == "GET":
        form.team_id.data = user.team_id or 0
    if form.validate_on_submit():
        try:
            services.update_user(current_user, user, _form_data(form))
        except services.AdminError as exc:
            getattr(form, exc.field).errors.append(exc.message)
        else:
            sessions.keep_current(user)  # an admin resetting their own password
            flash(f"Account {user.email} saved.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user), (
        422 if form.errors else 200
    )


@bp.route("/teams", methods=["GET", "POST"])
@roles_required("admin")
def teams():
    form = TeamForm()
    if form.validate_on_submit():
        try:
            services.create_team(current_user, form.name.data)
        except services.AdminError as exc:
            form.name.errors.append(exc.message)
        else:
            flash("Team created.", "success")
            return redirect(url_for("admin.teams"))
    counts = dict(
        db.session.execute(db.select(User.team_id, func.count()).group_by(User.team_id)).all()
    )
    rows = db.session.scalars(db.select(Team).order_by(Team.name)).all()
    return render_template("admin/teams.html", form=form, teams=rows, counts=counts), (
        422 if form.errors else 200
    )
