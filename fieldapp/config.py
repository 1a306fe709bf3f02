"""Configuration: defaults, then instance/config.py, then the environment.

The secret key is never a constant in code: unless SECRET_KEY is set, one is generated
with `secrets` on first start and kept in the instance folder, readable by the owner only.
"""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask

# Environment variables read on start, with the config key each one sets.
ENV_KEYS = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "SECRET_KEY": "SECRET_KEY",
    "PUBLIC_BASE_URL": "PUBLIC_BASE_URL",
    "COMPANY_NAME": "COMPANY_NAME",
    "COMPANY_TIMEZONE": "COMPANY_TIMEZONE",
    "COMPANY_PHONE": "COMPANY_PHONE",
    "COMPANY_EMAIL": "COMPANY_EMAIL",
    "UPLOAD_FOLDER": "UPLOAD_FOLDER",
    "TRUSTED_PROXY_HOPS": "TRUSTED_PROXY_HOPS",
    # Where Flask-Limiter counts; redis://host:6379 shares the counts between servers.
    "RATELIMIT_STORAGE_URI": "RATELIMIT_STORAGE_URI",
    # Outgoing mail (services/mail.py queues it, transports/mail.py sends it).
    "MAIL_BACKEND": "MAIL_BACKEND",
    "SMS_URL": "SMS_URL",
    "MAIL_SERVER": "MAIL_SERVER",
    "MAIL_PORT": "MAIL_PORT",
    "MAIL_USERNAME": "MAIL_USERNAME",
    "MAIL_PASSWORD": "MAIL_PASSWORD",
    "MAIL_USE_TLS": "MAIL_USE_TLS",
    "MAIL_USE_SSL": "MAIL_USE_SSL",
    "MAIL_FROM": "MAIL_FROM",
}

SECRET_KEY_FILE = "secret_key"


def defaults(instance_path: str) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(instance_path, "fieldapp.sqlite"),
        # `make run` says where it serves (HOST, PORT), so labels printed from it point there.
        "PUBLIC_BASE_URL": os.environ.get("FIELDAPP_SERVED_AT") or "http://127.0.0.1:5000",
        "COMPANY_NAME": "FieldApp Demo Service Co.",
        "COMPANY_TIMEZONE": "Europe/Amsterdam",
        # How customers reach the office: on the pages they open from our messages.
        "COMPANY_PHONE": "+31 20 123 4567",
        "COMPANY_EMAIL": "service@example.com",
        "UPLOAD_FOLDER": os.path.join(instance_path, "uploads"),
        # A technician signs in once for the working day.
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        # The server-side session ends 12 hours after sign-in whatever the cookie says: sending the
        # cookie again with every answer (to push its expiry on) costs a signature and bytes for nothing.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,  # also set per request when served over https
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # The CSRF token lives as long as the session: a form left open on site stays valid.
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 24 * 1024 * 1024,
        "PHOTO_MAX_BYTES": 15 * 1024 * 1024,  # phone cameras make 3-8 MB; stored re-encoded, smaller
        "LABOUR_RATE_CENTS": 6500,  # per hour, for visits created from now on
        "QR_RATING_DAYS": 14,  # how long after a visit the customer can rate it from the label
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_MAX_FAILURES_PER_CLIENT": 20,
        "LOGIN_FAILURE_WINDOW": timedelta(minutes=15),
        "DASHBOARD_CACHE_SECONDS": 300,  # each process keeps a computed Reports page this long
        "RATELIMIT_STORAGE_URI": "memory://",
        # A shared store (Redis) that goes down: count in each process meanwhile, never answer 500.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        # Explicit: Flask-Limiter otherwise keeps the last app's setting (one extension, many apps).
        "RATELIMIT_ENABLED": True,
        # A sliding window: a burst across a minute boundary is still one burst.
        "RATELIMIT_STRATEGY": "moving-window",
        # Signed-in staff: generous, so work is never slowed, but a runaway script is.
        "STAFF_WRITE_LIMIT": "120 per minute",
        "TRUSTED_PROXY_HOPS": 0,  # proxies in front that set X-Forwarded-For/-Proto (see clients.py)
        "RATELIMIT_HEADERS_ENABLED": True,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Outgoing mail. MAIL_BACKEND "smtp" sends through MAIL_SERVER; "console" prints each mail
        # instead, and is the default while no MAIL_SERVER is set (so `make run` sends nothing).
        # MAIL_USE_TLS: STARTTLS on MAIL_PORT (often 587); MAIL_USE_SSL: TLS from the start (465).
        "MAIL_BACKEND": None,
        "SMS_URL": "",  # Apprise URLs for text messages (transports/texts.py); empty: printed
        "MAIL_SERVER": None,
        "MAIL_PORT": None,  # 25, or 465 with MAIL_USE_SSL
        "MAIL_USERNAME": None,
        "MAIL_PASSWORD": None,
        "MAIL_USE_TLS": False,
        "MAIL_USE_SSL": False,
        "MAIL_FROM": None,  # e.g. "Service desk <service@example.com>"; default: COMPANY_NAME <no-reply@host>
        "MAIL_TIMEOUT": 10,  # seconds per connection
        "MAIL_MAX_ATTEMPTS": 6,  # tries before a mail is marked failed (retried after 1, 5, 15, 60, 240 min)
    }


def load(app: Flask, test_config: dict | None) -> None:
    app.config.from_mapping(defaults(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        for env_name, key in ENV_KEYS.items():
            if os.environ.get(env_name):
                app.config[key] = os.environ[env_name]
    else:
        app.config.from_mapping(test_config)
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config["PUBLIC_BASE_URL"] = app.config["PUBLIC_BASE_URL"].rstrip("/")
    try:
        app.config["TRUSTED_PROXY_HOPS"] = int(app.config["TRUSTED_PROXY_HOPS"])
    except (TypeError, ValueError) as exc:
        raise RuntimeError("TRUSTED_PROXY_HOPS must be a whole number") from exc
    app.config["MAIL_BACKEND"] = app.config["MAIL_BACKEND"] or ("smtp" if app.config["MAIL_SERVER"] else "console")
    if app.config["MAIL_BACKEND"] not in ("smtp", "console"):
        raise RuntimeError("MAIL_BACKEND must be smtp or console")
    if app.config["PUBLIC_BASE_URL"].startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    try:
        app.config["TZ"] = ZoneInfo(app.config["COMPANY_TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise RuntimeError(f"COMPANY_TIMEZONE {app.config['COMPANY_TIMEZONE']!r} is not a time zone") from exc
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))


def normalise_database_url(url: str) -> str:
    """Accept the common postgres:// spellings and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def instance_secret_key(instance: Path) -> str:
    """Read the instance's secret key, creating it (mode 0600) on first use.

    Written to a private temporary file and linked into place, so two processes starting
    at once agree on one key and neither ever reads a half-written file.
    """
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / SECRET_KEY_FILE
    if not path.exists():
        tmp = instance / f".{SECRET_KEY_FILE}.{os.getpid()}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()
