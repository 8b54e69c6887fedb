"""Configuration layers and the generated secret."""

import os
import stat

from qa_app import create_app
from qa_app.config import instance_secret, normalise_database_url


def test_secret_is_generated_once_with_owner_only_permissions(tmp_path):
    first = instance_secret(tmp_path)
    second = instance_secret(tmp_path)
    assert first == second
    assert len(first) == 64
    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)
    assert mode == 0o600


def test_environment_overrides_defaults_and_test_config_overrides_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example/qa")
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("QA_USERS_PER_PAGE", "7")
    app = create_app({"USERS_PER_PAGE": 9})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/qa"
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["USERS_PER_PAGE"] == 9
    monkeypatch.delenv("QA_USERS_PER_PAGE")
    assert create_app({"SECRET_KEY": "x"}).config["USERS_PER_PAGE"] == 50


def test_default_database_is_a_sqlite_file_in_the_instance_folder(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"SECRET_KEY": "x"})
    with app.app_context():
        from qa_app.extensions import db

        assert db.engine.url.drivername == "sqlite"
        assert db.engine.url.database == os.path.join(app.instance_path, "qa.sqlite")


def test_database_url_forms_are_normalised_to_psycopg3():
    assert normalise_database_url("postgresql://a@b/c") == "postgresql+psycopg://a@b/c"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"
    assert normalise_database_url("postgresql+psycopg://a@b/c") == "postgresql+psycopg://a@b/c"
