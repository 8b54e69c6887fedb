"""The Flask application: persistence, workflow, pages and API around the
pure cores (``scorecards``, ``calibration``, ``flagging``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from flask import Flask

from qa_app import (
    access,
    config,
    display,
    errors,
    nav,
    notifications,
    pool,
    request_args,
    security,
    server_settings,
    urls,
)
from qa_app.extensions import cache, csrf, db, login_manager, migrate


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build an application; ``test_config`` overrides every other layer."""
    app = Flask(__name__, instance_relative_config=True)
    app.url_map.converters["int"] = request_args.IdConverter
    config.load(app, test_config)
    # A bad redaction setting stops the start, not the first import.
    from qa_app.interactions.redaction import policy_from_config

    policy_from_config(app.config)
    from qa_app.auth.oidc import check_settings as check_sign_in
    from qa_app.mail.smtp import check_settings as check_mail

    check_mail(app.config)
    check_sign_in(app.config)

    db.init_app(app)
    _sqlite_for_several_processes(app)
    pool.install(app)
    server_settings.install(app)
    migrate.init_app(app, db, directory=str(_migrations_dir(app)))
    cache.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"

    from qa_app.jobs import queue as job_queue

    job_queue.init_app(app)

    from qa_app import models  # noqa: F401  (register tables before use)
    from qa_app.auth import sessions
    from qa_app.models import User, utcnow

    # One statement for who is signed in and the navigation's unread count,
    # built once: it runs on every request, and building it cost more than
    # running it.
    who = db.select(User, notifications.unread_of(User.id)).where(
        User.id == sa.bindparam("user_id"), sessions.is_live(User.id)
    )

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        # "<id>:<session_version>:<token>" (qa_app/auth/sessions.py): a session
        # that was signed out, timed out or expired, or is from before a
        # password change or a deactivation, no longer loads anyone.
        parsed = sessions.parse(session_id)
        if parsed is None:
            return None
        user_id, version, token = parsed
        values = {"user_id": user_id, "token_hash": sessions.digest(token), "now": utcnow()}
        row = db.session.execute(who, values).first()
        if row is None:
            return None
        user, unread = row
        if not user.active or user.session_version != version:
            return None
        notifications.remember_unread(user.id, unread)
        return user

    _register_blueprints(app)

    app.before_request(notifications.forget_unread)  # nothing kept from another request
    # Expiry first, from the cookie alone, before the sign-in lookup.
    app.before_request(sessions.enforce)
    from qa_app.api import init_app as init_api

    init_api(app)
    app.before_request(access.enforce)
    app.before_request(request_args.refuse_control_characters)
    app.after_request(security.headers)
    app.add_template_global(security.style_nonce, "style_nonce")
    errors.register(app)
    urls.init_app(app)
    display.init_app(app)
    app.context_processor(lambda: {"nav_links": nav.links_for_current_user()})

    from qa_app.cli import register as register_cli

    register_cli(app)
    _trust_proxies(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind ``PROXY_COUNT`` reverse proxies, take the client address, scheme,
    host and port from their X-Forwarded-* headers (secure cookies and https
    redirects need the real scheme). Never trusted without the setting: a
    client could forge them."""
    count = int(app.config.get("PROXY_COUNT") or 0)
    if count > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count
        )


def _sqlite_for_several_processes(app: Flask) -> None:
    """SQLite in WAL mode: gunicorn's workers read while one of them writes
    (the default rollback journal blocks every reader during a write), and a
    writer waits up to 15 s for the lock instead of failing at once."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout = 15000")
        if dbapi_connection.execute("PRAGMA database_list").fetchone()[2]:  # not :memory:
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()


def _register_blueprints(app: Flask) -> None:
    from qa_app.admin.routes import bp as admin_bp
    from qa_app.audit_trail.routes import bp as audit_bp
    from qa_app.auth.routes import bp as auth_bp
    from qa_app.autoqa.routes import bp as autoqa_bp
    from qa_app.calibration.routes import bp as calibration_bp
    from qa_app.feedback.routes import bp as feedback_bp
    from qa_app.flags.routes import bp as flags_bp
    from qa_app.inbox.routes import badge as inbox_badge
    from qa_app.inbox.routes import bp as inbox_bp
    from qa_app.interactions.routes import bp as interactions_bp
    from qa_app.jobs.routes import bp as jobs_bp
    from qa_app.mail.routes import bp as mail_bp
    from qa_app.main.routes import bp as main_bp
    from qa_app.privacy.routes import bp as privacy_bp
    from qa_app.recordings.routes import bp as recordings_bp
    from qa_app.reports.routes import bp as reports_bp
    from qa_app.reviews.routes import bp as reviews_bp
    from qa_app.scorecards.routes import bp as scorecards_bp
    from qa_app.staff.routes import bp as staff_bp
    from qa_app.webhooks.routes import bp as webhooks_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(feedback_bp)
    app.register_blueprint(inbox_bp)
    app.context_processor(inbox_badge)
    app.register_blueprint(interactions_bp)
    app.register_blueprint(scorecards_bp)
    app.register_blueprint(reviews_bp)
    app.register_blueprint(calibration_bp)
    app.register_blueprint(flags_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(jobs_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(recordings_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(mail_bp)
    app.register_blueprint(webhooks_bp)
    app.register_blueprint(autoqa_bp)
    all_roles = ("admin", "executive", "reviewer", "agent")
    staff = ("admin", "executive", "reviewer")
    managers = ("admin", "executive")
    nav.register(app, "Home", "main.home", all_roles, 0)
    nav.register(app, "My feedback", "feedback.home", ("agent",), 5)
    nav.register(app, "Review queue", "reviews.queue", staff, 10, "Review")
    nav.register(app, "Flagged", "flags.queue_page", staff, 15, "Review")
    nav.register(app, "Interactions", "interactions.index", all_roles, 20, "Review")
    nav.register(app, "Sampling", "reviews.rules", managers, 35, "Review")
    nav.register(app, "Scorecards", "scorecards.index", staff, 40, "Calibrate")
    nav.register(app, "Calibration", "calibration.index", staff, 50, "Calibrate")
    nav.register(app, "Disputes", "feedback.disputes", ("executive", "reviewer"), 60, "Coach")
    nav.register(
        app, "Coaching", "feedback.coaching_list", ("executive", "reviewer", "agent"), 65, "Coach"
    )
    nav.register(app, "Reports", "reports.dashboard", managers, 70, "Report")
    nav.register(app, "Staff review", "staff.review", managers, 71, "Report")
    nav.register(app, "Targets", "staff.targets_page", managers, 72, "Report")
    nav.register(app, "Models", "flags.models", managers, 75, "Report")
    nav.register(app, "AutoQA", "autoqa.index", managers, 76, "Report")
    nav.register(app, "Jobs", "jobs.index", managers, 80, "Report")
    nav.register(app, "Users", "admin.users", ("admin",), 90, "Admin")
    nav.register(app, "Teams", "admin.teams", ("admin",), 91, "Admin")
    nav.register(app, "Audit trail", "audit.index", ("admin",), 92, "Admin")
    nav.register(app, "Retention", "privacy.retention_page", ("admin",), 93, "Admin")
    nav.register(app, "Outgoing e-mail", "mail.deliveries", ("admin",), 94, "Admin")
    nav.register(app, "Webhooks", "webhooks.index", ("admin",), 95, "Admin")


def _migrations_dir(app: Flask):
    from pathlib import Path

    return Path(app.root_path).parent / "migrations"
