"""The Flask application: persistence, workflow, pages and API around the
pure cores (``scorecards``, ``calibration``, ``flagging``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from qa_app import access, config, errors, nav, security
from qa_app.extensions import csrf, db, login_manager, migrate


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build an application; ``test_config`` overrides every other layer."""
    app = Flask(__name__, instance_relative_config=True)
    config.load(app, test_config)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir(app)))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"

    from qa_app import models  # noqa: F401  (register tables before use)
    from qa_app.models import User
    from qa_app.reports import rollups

    rollups.install()  # the report roll-ups follow every write

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        user = db.session.get(User, int(user_id))
        return user if user is not None and user.active else None

    _register_blueprints(app)
    app.before_request(access.enforce)
    app.after_request(security.headers)
    errors.register(app)
    app.context_processor(lambda: {"nav_entries": nav.entries_for_current_user()})

    from qa_app.cli import register as register_cli

    register_cli(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from qa_app.admin.routes import bp as admin_bp
    from qa_app.auth.routes import bp as auth_bp
    from qa_app.calibration.routes import bp as calibration_bp
    from qa_app.feedback.routes import bp as feedback_bp
    from qa_app.flags.routes import bp as flags_bp
    from qa_app.inbox.routes import badge as inbox_badge
    from qa_app.inbox.routes import bp as inbox_bp
    from qa_app.interactions.routes import bp as interactions_bp
    from qa_app.main.routes import bp as main_bp
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
    nav.register(app, "Users", "admin.users", ("admin",), 90)
    nav.register(app, "Teams", "admin.teams", ("admin",), 91)


def _migrations_dir(app: Flask):
    from pathlib import Path

    return Path(app.root_path).parent / "migrations"
