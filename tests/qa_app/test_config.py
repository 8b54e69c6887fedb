"""Configuration layers and the generated secret."""

import os
import stat

import pytest
from flask import request

from qa_app import create_app
from qa_app.access import public
from qa_app.config import ConfigError, instance_secret, normalise_database_url


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


# --- production (QA_ENV=production) ------------------------------------------

PRODUCTION_ENV = {
    "QA_ENV": "production",
    "SECRET_KEY": "a-long-shared-secret",
    "DATABASE_URL": "postgresql://qa@db.example/qa",
}


def _production_app(monkeypatch, **env):
    for key in ("QA_ENV", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "QA_PROXY_COUNT"):
        monkeypatch.delenv(key, raising=False)
    for key, value in (PRODUCTION_ENV | env).items():
        if value is None:
            monkeypatch.delenv(key, raising=False)
        else:
            monkeypatch.setenv(key, value)
    return create_app()


def test_production_turns_on_secure_cookies_https_urls_and_one_trusted_proxy(monkeypatch):
    app = _production_app(monkeypatch, REDIS_URL="redis://cache.example:6379/0")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["PREFERRED_URL_SCHEME"] == "https"
    assert app.config["PROXY_COUNT"] == 1
    assert app.config["SECRET_KEY"] == "a-long-shared-secret"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://qa@db.example/qa"
    assert app.config["REDIS_URL"] == "redis://cache.example:6379/0"


def test_development_keeps_plain_cookies_and_trusts_no_proxy_header(monkeypatch):
    monkeypatch.delenv("QA_ENV", raising=False)
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert app.config["PROXY_COUNT"] == 0
    assert app.config["REDIS_URL"] is None
    seen = _probe(app, {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    assert seen == {"scheme": "http", "remote_addr": "127.0.0.1"}


def _probe(app, headers: dict[str, str]) -> dict[str, str]:
    """What a view sees of the request's scheme and client address."""
    seen: dict[str, str] = {}

    @public
    def probe():
        seen.update(scheme=request.scheme, remote_addr=request.remote_addr)
        return "ok"

    app.add_url_rule("/probe", "probe", probe)
    assert app.test_client().get("/probe", headers=headers).status_code == 200
    return seen


def test_production_takes_scheme_and_client_address_from_the_configured_proxies(monkeypatch):
    app = _production_app(monkeypatch, QA_PROXY_COUNT="2")
    seen = _probe(
        app, {"X-Forwarded-Proto": "https,https", "X-Forwarded-For": "198.51.100.7, 10.0.0.2"}
    )
    # Two proxies: the address the outer proxy saw, not a forged first entry.
    assert seen == {"scheme": "https", "remote_addr": "198.51.100.7"}


def test_production_without_secret_key_or_database_url_refuses_to_start(monkeypatch):
    with pytest.raises(ConfigError) as refused:
        _production_app(monkeypatch, SECRET_KEY=None, DATABASE_URL=None)
    message = str(refused.value)
    assert "SECRET_KEY" in message and "DATABASE_URL" in message
    with pytest.raises(ConfigError, match="DATABASE_URL") as refused:
        _production_app(monkeypatch, DATABASE_URL=None)
    assert "SECRET_KEY" not in str(refused.value)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        _production_app(monkeypatch, SECRET_KEY=None)


def test_the_cache_is_a_folder_in_the_instance_path_without_redis(tmp_path) -> None:
    from qa_app.config import choose_cache

    cfg: dict = {"REDIS_URL": None}
    choose_cache(cfg, tmp_path)
    assert cfg["CACHE_TYPE"] == "FileSystemCache"
    assert cfg["CACHE_DIR"] == str(tmp_path / "cache")


def test_the_cache_is_redis_when_the_job_queue_is() -> None:
    from pathlib import Path

    from qa_app.config import choose_cache

    cfg: dict = {"REDIS_URL": "redis://127.0.0.1:6379/0"}
    choose_cache(cfg, Path("/nowhere"))
    assert (cfg["CACHE_TYPE"], cfg["CACHE_REDIS_URL"]) == ("RedisCache", "redis://127.0.0.1:6379/0")


def test_an_explicit_cache_setting_is_kept(tmp_path) -> None:
    from qa_app.config import choose_cache

    cfg: dict = {"CACHE_TYPE": "SimpleCache", "REDIS_URL": "redis://x"}
    choose_cache(cfg, tmp_path)
    assert cfg["CACHE_TYPE"] == "SimpleCache" and "CACHE_REDIS_URL" not in cfg
