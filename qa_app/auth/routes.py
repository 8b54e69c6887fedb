from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from qa_app.access import public, signed_in
from qa_app.auth import services, sessions, throttle
from qa_app.auth.forms import ChangePasswordForm, LoginForm

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _safe_next(target: str | None) -> str:
    """Only follow same-site relative paths after sign-in (no open redirect)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and "\\" not in target:
            return target
    return url_for("main.home")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        attempt = throttle.admit(form.email.data, request.remote_addr or "unknown")
        if isinstance(attempt, throttle.Refusal):
            flash(attempt.message, "danger")
            page = render_template("auth/login.html", form=form)
            return page, 429, {"Retry-After": str(attempt.seconds)}
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            throttle.succeeded(attempt)
            sessions.start(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        flash(services.GENERIC_FAILURE, "danger")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@public
def logout():
    sessions.end()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@signed_in
def password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append("This is not your current password.")
        elif problem := services.password_problem(form.new.data, current_user.email):
            form.new.errors.append(problem)
        else:
            services.change_password(current_user, form.new.data)
            sessions.keep_current(current_user)
            flash("Your other sessions are signed out.", "info")
            flash("Your password is changed.", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/password.html", form=form)
