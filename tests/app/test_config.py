import os
import stat

import pytest

from fieldapp import create_app
from fieldapp.config import normalise_database_url


def test_secret_key_is_generated_once_private_and_reused(tmp_path):
    instance = tmp_path / "instance"
    first = create_app({"TESTING": True}, instance_path=str(instance))
    second = create_app({"TESTING": True}, instance_path=str(instance))

    key_file = instance / "secret_key"
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text().strip()
    assert len(first.config["SECRET_KEY"]) >= 64
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_each_instance_gets_its_own_secret_key(tmp_path):
    a = create_app({"TESTING": True}, instance_path=str(tmp_path / "a"))
    b = create_app({"TESTING": True}, instance_path=str(tmp_path / "b"))
    assert a.config["SECRET_KEY"] != b.config["SECRET_KEY"]


def test_defaults_put_the_database_in_the_instance_folder(tmp_path, monkeypatch):
    for name in ("DATABASE_URL", "SECRET_KEY", "PUBLIC_BASE_URL", "COMPANY_NAME", "COMPANY_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    instance = tmp_path / "instance"
    app = create_app(instance_path=str(instance))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'fieldapp.sqlite'}"
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_instance_config_file_then_environment(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text(
        "COMPANY_NAME = 'From File Ltd'\nCOMPANY_TIMEZONE = 'Europe/London'\n"
        "PUBLIC_BASE_URL = 'https://file.example.com/'\n"
    )
    monkeypatch.setenv("COMPANY_TIMEZONE", "America/New_York")
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.example.com/fieldapp")
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")

    app = create_app(instance_path=str(instance))

    assert app.config["COMPANY_NAME"] == "From File Ltd"  # file beats default
    assert app.config["COMPANY_TIMEZONE"] == "America/New_York"  # environment beats file
    assert str(app.config["TZ"]) == "America/New_York"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.example.com/fieldapp"
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert not (instance / "secret_key").exists()
    # Served over https: cookies are Secure, and the base URL has no trailing slash.
    assert app.config["PUBLIC_BASE_URL"] == "https://file.example.com"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_an_unknown_time_zone_is_refused_at_start(tmp_path):
    with pytest.raises(RuntimeError, match="not a time zone"):
        create_app({"COMPANY_TIMEZONE": "Mars/Olympus"}, instance_path=str(tmp_path))


@pytest.mark.parametrize("given, expected", [
    ("postgres://a@h/d", "postgresql+psycopg://a@h/d"),
    ("postgresql://a@h/d", "postgresql+psycopg://a@h/d"),
    ("postgresql+psycopg://a@h/d", "postgresql+psycopg://a@h/d"),
    ("sqlite:////tmp/x.sqlite", "sqlite:////tmp/x.sqlite"),
])
def test_database_urls_use_psycopg3(given, expected):
    assert normalise_database_url(given) == expected


def test_wsgi_module_builds_the_app(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'w.sqlite'}")
    import importlib

    import wsgi

    importlib.reload(wsgi)
    assert wsgi.app.name == "fieldapp"
    assert os.environ["SECRET_KEY"] == wsgi.app.config["SECRET_KEY"]
