"""Flask extensions, created unbound and bound in ``create_app``."""

import hmac
import time

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a naming convention, so migrations name constraints the same on every database."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class CSRF(CSRFProtect):
    """Flask-WTF's CSRF protection, remembering the signed tokens it has already verified.

    A tablet sends the same token (from its page) with every mark; checking its
    signature again each time costs as much as the rest of the check. A token
    this worker verified before is accepted again only while it is still within
    ``WTF_CSRF_TIME_LIMIT`` and still matches this session's raw token, which is
    what Flask-WTF checks once the signature is known good; anything else goes
    through Flask-WTF's own check.
    """

    _verified: dict[tuple, tuple[str, float]] = {}  # (signing key, token) -> (raw token, signed at)
    _VERIFIED_MAX = 4096

    def _get_csrf_token(self):
        """The header first (a tablet's JSON call), sparing a JSON body being read as a form; then the form."""
        from flask import current_app, request

        for header in current_app.config["WTF_CSRF_HEADERS"]:
            token = request.headers.get(header)
            if token:
                return token
        return super()._get_csrf_token()

    def protect(self, apply_exemptions=False):
        from flask import current_app, g, request, session

        config = current_app.config
        token = self._get_csrf_token() if request.method in config["WTF_CSRF_METHODS"] else None
        secret = config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
        known = self._verified.get((secret, token)) if token else None
        field = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        # (Exempt views skip the check either way; a known-good token on one changes nothing.)
        if known is not None and not (request.is_secure and config["WTF_CSRF_SSL_STRICT"]) \
                and field in session and hmac.compare_digest(session[field], known[0]) \
                and time.time() - known[1] <= config.get("WTF_CSRF_TIME_LIMIT", 3600):
            g.csrf_valid = True
            return None
        g.pop("csrf_valid", None)
        result = super().protect(apply_exemptions)
        if token and g.get("csrf_valid"):  # Flask-WTF checked it just now
            raw, signed_at = URLSafeTimedSerializer(secret, salt="wtf-csrf-token").loads(token, return_timestamp=True)
            if len(self._verified) >= self._VERIFIED_MAX:
                self._verified.clear()
            self._verified[(secret, token)] = (raw, signed_at.timestamp())
        return result


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRF()
babel = Babel()


def _configure_login_manager() -> None:
    from flask_babel import lazy_gettext

    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Please log in first.")
    login_manager.login_message_category = "info"
    # "basic" only marks the session non-fresh when the client's address changes; "strong"
    # would log a judge's tablet out every time it hops between workshop access points.
    login_manager.session_protection = "basic"


_configure_login_manager()
