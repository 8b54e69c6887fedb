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
    errors,
    nav,
    notifications,
    pool,
    readonly,
    request_args,
    security,
    server_settings,
    urls,
)
from qa_app.extensions import csrf, db, login_manager, migrate


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build an application; ``test_config`` overrides every other layer."""
    app = Flask(__name__, instance_relative_config=True)
    app.url_map.converters["int"] = request_args.IdConverter
    config.load(app, test_config)
    # A bad redaction setting stops the start, not the first import.
    from qa_app.interactions.redaction import policy_from_config

    policy_from_config(app.config)

    db.init_app(app)
    _sqlite_for_several_processes(app)
    pool.install(app)
    server_settings.install(app)
    migrate.init_app(app, db, directory=str(_migrations_dir(app)))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"

    from qa_app.jobs import queue as job_queue

    job_queue.init_app(app)

    from qa_app import models  # noqa: F401  (register tables before use)
    from qa_app.models import User
    from qa_app.reports import early, filter_cache, rollups

    rollups.install()  # the report roll-ups follow every write
    filter_cache.install()  # the reports' filter lists are built again after a change
    early.install()  # a query sent before its page renders is read before anything else
    readonly.install()  # a view marked read-only cannot write

    # One statement for who is signed in and the navigation's unread count,
    # built once: it runs on every request, and building it cost more than
    # running it.
    who = db.select(User, notifications.unread_of(User.id)).where(
        User.id == sa.bindparam("user_id")
    )

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        # "<id>:<session_version>": a session from before a password change
        # (or in the old bare-id form) no longer loads anyone.
        user_id, _, version = session_id.partition(":")
        if not (user_id.isdigit() and version.isdigit()):
            return None
        row = db.session.execute(who, {"user_id": int(user_id)}).first()
        if row is None:
            return None
        user, unread = row
        if not user.active or user.session_version != int(version):
            return None
        notifications.remember_unread(user.id, unread)
        return user

    _register_blueprints(app)
    from qa_app.auth import sessions

    app.before_request(readonly.start)  # before the sign-in lookup, its first statement
    app.teardown_request(readonly.finish)
    app.before_request(notifications.forget_unread)  # nothing kept from another request
    app.before_request(sessions.enforce)  # before the access check: expiry first
    from qa_app.api import init_app as init_api

    init_api(app)
    app.before_request(access.enforce)
    app.before_request(request_args.refuse_control_characters)
    app.after_request(security.headers)
    errors.register(app)
    urls.init_app(app)
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
    from qa_app.calibration.routes import bp as calibration_bp
    from qa_app.feedback.routes import bp as feedback_bp
    from qa_app.flags.routes import bp as flags_bp
    from qa_app.inbox.routes import badge as inbox_badge
    from qa_app.inbox.routes import bp as inbox_bp
    from qa_app.interactions.routes import bp as interactions_bp
    from qa_app.jobs.routes import bp as jobs_bp
    from qa_app.main.routes import bp as main_bp
    from qa_app.privacy.routes import bp as privacy_bp
    from qa_app.reports.routes import bp as reports_bp
    from qa_app.reviews.routes import bp as reviews_bp
    from qa_app.scorecards.routes import bp as scorecards_bp

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
    app.register_blueprint(jobs_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(audit_bp)
    nav.register(app, "Home", "main.home", ("admin", "executive", "reviewer", "agent"), 0)
    nav.register(
        app, "Interactions", "interactions.index", ("admin", "executive", "reviewer", "agent"), 20
    )
    nav.register(app, "Review queue", "reviews.queue", ("admin", "executive", "reviewer"), 10)
    nav.register(app, "Flagged", "flags.queue_page", ("admin", "executive", "reviewer"), 15)
    nav.register(app, "Models", "flags.models", ("admin", "executive"), 75)
    nav.register(app, "Sampling", "reviews.rules", ("admin", "executive"), 35)
    nav.register(app, "Scorecards", "scorecards.index", ("admin", "executive", "reviewer"), 40)
    nav.register(app, "Calibration", "calibration.index", ("admin", "executive", "reviewer"), 50)
    nav.register(app, "My feedback", "feedback.home", ("agent",), 5)
    nav.register(app, "Disputes", "feedback.disputes", ("executive", "reviewer"), 60)
    nav.register(app, "Coaching", "feedback.coaching_list", ("executive", "reviewer", "agent"), 65)
    nav.register(app, "Reports", "reports.dashboard", ("admin", "executive"), 70)
    nav.register(app, "Jobs", "jobs.index", ("admin", "executive"), 80)
    nav.register(app, "Users", "admin.users", ("admin",), 90)
    nav.register(app, "Teams", "admin.teams", ("admin",), 91)
    nav.register(app, "Audit trail", "audit.index", ("admin",), 92)
    nav.register(app, "Retention", "privacy.retention_page", ("admin",), 93)


def _migrations_dir(app: Flask):
    from pathlib import Path

    return Path(app.root_path).parent / "migrations"
