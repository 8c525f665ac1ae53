"""Settings, one class per way of running the app.

Secrets never live here: ``SECRET_KEY`` comes from the environment or from
``instance/config.py``; in development a random key is generated once into
``instance/secret_key`` so sessions survive restarts. ``ProductionConfig``
refuses to start without a fixed key, because several gunicorn workers must
share it. ``DATABASE_URL`` selects PostgreSQL (``postgresql+psycopg://...``);
the default is an SQLite file under ``instance/``.
"""

from __future__ import annotations

import os
from datetime import timedelta


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "sqlite:///competitions.sqlite3")
    # Heroku-style URLs name the dialect "postgres"; SQLAlchemy wants the driver spelled out.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://"):]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


class Config:
    """Defaults shared by every environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    # Judges keep a tablet open all morning; WTForms' default of 30 minutes would
    # make their first save after a break fail. The token still dies with the session.
    WTF_CSRF_TIME_LIMIT = 16 * 3600
    WTF_CSRF_SSL_STRICT = False
    WTF_I18N_ENABLED = True
    PERMANENT_SESSION_LIFETIME = timedelta(hours=16)
    # Every cookie we set (the session and Flask-Login's remember-me) is HttpOnly and SameSite=Lax; in
    # production also Secure (see ProductionConfig). The language choice lives in the session cookie.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    LANGUAGES = ("zh", "en")
    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    BABEL_TRANSLATION_DIRECTORIES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "translations")
    # Werkzeug's scrypt (n=2**15, r=8, p=1): about 0.1 s of one core per check, on purpose.
    PASSWORD_HASH_METHOD = "scrypt"
    # Every upload (a roster today) is at most UPLOAD_MAX_BYTES; the whole request may carry the form's
    # other fields besides. A larger request is refused before it is read, with a friendly message.
    UPLOAD_MAX_BYTES = 5 * 1024 * 1024
    MAX_CONTENT_LENGTH = UPLOAD_MAX_BYTES + 256 * 1024
    PAGE_SIZE = 50
    # A TrueType font tried before the Debian fonts in every PDF (``file.ttc#1`` picks one font of a
    # collection); a missing or unusable file is logged and skipped (``flask --app wsgi pdf-fonts``).
    PDF_FONT_PATH = os.environ.get("PDF_FONT_PATH")
    # The address the public reaches the site at: printed in certificates' QR codes (…/verify/<number>).
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL")
    # Keys signing certificate numbers, "A:secret,B:secret" (competitions/certificates/keys.py); the current one.
    CERTIFICATE_KEYS = os.environ.get("CERTIFICATE_KEYS")
    CERTIFICATE_KEY_ID = os.environ.get("CERTIFICATE_KEY_ID")
    # Finished certificate downloads (shared storage when the scheduler runs on another machine); kept this long.
    CERTIFICATE_BATCH_DIR = os.environ.get("CERTIFICATE_BATCH_DIR")
    CERTIFICATE_BATCH_DAYS = 7
    CERTIFICATE_BATCH_WATCH_SECONDS = 50
    CERTIFICATE_BATCH_PROCESSES = None  # processes drawing a zip batch; None: the cores, at most 4
    PRODUCTION = False
    # Scripts only from our own files (no inline script or on...= handler anywhere); style attributes are
    # allowed (charts set them), style sheets only ours; no framing by other sites.
    CONTENT_SECURITY_POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'self'"
    )
    STRICT_TRANSPORT_SECURITY: str | None = None
    # Proxies in front of the app whose X-Forwarded-For/-Proto to trust (0: the app faces clients itself).
    PROXY_FIX_X_FOR = int(os.environ.get("PROXY_FIX_X_FOR", "0"))


class DevelopmentConfig(Config):
    """``make run``: SQLite in instance/, generated secret key."""


class TestingConfig(Config):
    """pytest: in-memory-ish database given by the fixture, CSRF on unless a test turns it off."""

    TESTING = True
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = True
    SECRET_KEY = "test-secret-key"  # noqa: S105 - fixed for reproducible tests only
    CERTIFICATE_KEYS = "A:test-certificate-key-0001,B:test-certificate-key-0002"
    CERTIFICATE_KEY_ID = "B"
    CERTIFICATE_BATCH_WATCH_SECONDS = 0
    # The same scrypt, with a small work factor: the suite creates hundreds of accounts on a shared machine.
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"


class ProductionConfig(Config):
    """gunicorn behind a proxy; must be given SECRET_KEY and usually DATABASE_URL."""

    PRODUCTION = True
    # Production is served over HTTPS only (behind the proxy); browsers remember it for a year.
    STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"
    PROXY_FIX_X_FOR = int(os.environ.get("PROXY_FIX_X_FOR", "1"))  # gunicorn behind one nginx
    # Cookies only over HTTPS. SESSION_COOKIE_SECURE=0 (for a plain-HTTP trial on a closed network) turns
    # it off for both cookies at once, never for one only.
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1") == "1"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
