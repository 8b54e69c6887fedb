from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from qa_app.access import public, signed_in
from qa_app.auth import oidc, services, sessions, throttle
from qa_app.auth.forms import ChangePasswordForm, LoginForm

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.context_processor
def _sign_in_choices() -> dict:
    """What the sign-in page offers: the company button, and whether password
    sign-in is for everyone or kept for break-glass accounts."""
    return {
        "company_sign_in": oidc.provider_name() if oidc.configured() else None,
        "password_for_all": current_app.config["PASSWORD_SIGNIN"] == "all",
    }


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
        if user is not None and not oidc.password_allowed(user.email):
            # Checked after the password, so only its holder learns the rule.
            flash(f"Password sign-in is turned off: sign in with {oidc.provider_name()}.", "danger")
            return render_template("auth/login.html", form=form), 403
        if user is not None:
            throttle.succeeded(attempt)
            sessions.start(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        flash(services.GENERIC_FAILURE, "danger")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.route("/oidc/login")
@public
def oidc_login():
    """Off to the company's identity provider (the callback comes back below)."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    if not oidc.configured():
        flash("Company sign-in is not set up here.", "danger")
        return redirect(url_for("auth.login"))
    session[oidc.NEXT] = _safe_next(request.args.get("next"))
    try:
        return oidc.redirect_to_provider()
    except oidc.SignInRefusedError as refused:
        flash(refused.message, "danger")
        return render_template("auth/login.html", form=LoginForm()), refused.status


@bp.route("/oidc/callback")
@public
def oidc_callback():
    if not oidc.configured():
        flash("Company sign-in is not set up here.", "danger")
        return redirect(url_for("auth.login"))
    try:
        signed = oidc.complete()
    except oidc.SignInRefusedError as refused:
        flash(refused.message, "danger")
        return render_template("auth/login.html", form=LoginForm()), refused.status
    target = session.get(oidc.NEXT) or url_for("main.home")
    sessions.start(signed.user)  # a fresh session, as for a password sign-in
    session[oidc.ID_TOKEN] = signed.id_token
    return redirect(_safe_next(target))


@bp.route("/logout", methods=["POST"])
@public
def logout():
    id_token = session.pop(oidc.ID_TOKEN, None)
    sessions.end()
    flash("You are signed out.", "info")
    provider = oidc.provider_logout_url(id_token) if id_token else None
    return redirect(provider or url_for("auth.login"))


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
