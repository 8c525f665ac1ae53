"""Request plumbing shared by every page: write intent, template helpers, security headers, input bounds.

Input bounds that hold for every request (the shared rules of ``competitions.domain.inputs``):

* ``<int:...>`` in a URL matches 1 .. 2**31 - 1 only (``IdConverter``): an id of 2**63 is "not found",
  not an overflow in the database driver.
* JSON bodies are at most ``JSON_MAX_BYTES`` (64 KB) and ``MAX_JSON_DEPTH`` levels deep
  (``BoundedRequest``, ``BoundedJSONProvider``); anything else is a 400/413 with a JSON error.
* Redirects to a target that came with the request (``?next=``, a form's ``next``, the Referer) go
  through ``safe_redirect_target``: a path on this site, or the default.
"""

from __future__ import annotations

import copy
import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import Flask, Request, current_app, g, request, session
from flask.json.provider import DefaultJSONProvider
from flask.sessions import SecureCookieSessionInterface
from flask_babel import format_date, format_datetime, get_locale
from flask_login import current_user
from itsdangerous import BadSignature
from werkzeug.routing import IntegerConverter

from competitions.db import close_request_connection, set_write_intent
from competitions.domain import inputs
from competitions.domain.identity import mask_national_id
from competitions.extensions import db
from competitions.i18n import join_list
from competitions.labels import label

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
API_PREFIX = "/api/"


def is_api_request() -> bool:
    """True for the JSON endpoints under /api/ (plain-row caller, JSON errors, no session refresh)."""
    return request.path.startswith(API_PREFIX)


JSON_MAX_BYTES = 64 * 1024
FORM_ROOM_BYTES = 256 * 1024  # the rest of a form that carries a file (CSRF token, fields, multipart headers)


class IdConverter(IntegerConverter):
    """``<int:...>`` for database ids: 1 .. 2**31 - 1 (PostgreSQL INTEGER), at most 10 digits; else no match (404)."""

    regex = r"[0-9]{1,10}"

    def __init__(self, url_map, fixed_digits=0, min=1, max=inputs.MAX_ID, signed=False):  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class BoundedRequest(Request):
    """A request whose JSON body is small: a mark is a few hundred bytes, so 64 KB is generous."""

    @property
    def max_content_length(self) -> int | None:
        if self.mimetype == "application/json" or self.path.startswith(API_PREFIX):
            configured = super().max_content_length
            return min(configured, JSON_MAX_BYTES) if configured else JSON_MAX_BYTES
        from competitions.forms import UPLOAD_LIMITS

        own = UPLOAD_LIMITS.get(self.endpoint or "")
        if own:  # a page with a smaller upload (the seal): refused at its own limit, plus room for the form
            configured = super().max_content_length
            return min(configured, own + FORM_ROOM_BYTES) if configured else own + FORM_ROOM_BYTES
        return super().max_content_length


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, refusing a document nested deeper than ``inputs.MAX_JSON_DEPTH`` before parsing it.

    Python's parser recurses once per level: 5,000 levels raise RecursionError, which is not the
    ValueError that turns a bad body into a 400.
    """

    def loads(self, s, **kwargs):
        if inputs.json_depth_exceeds(s):
            raise ValueError(f"JSON nested deeper than {inputs.MAX_JSON_DEPTH} levels")
        return super().loads(s, **kwargs)


def safe_redirect_target(target: object, default: str) -> str:
    """``target`` when it is a path on this site (or a full URL of this site), else ``default``.

    The one check for every redirect to a place named by the request: ``?next=``, a form's ``next`` and
    the Referer. Refused: other hosts (``//evil.example/x``, ``https://evil.example``, ``/\\evil.example``
    which browsers read as ``//``), other schemes (``javascript:``), and any control character or
    backslash (``%0d%0a`` would split the Location header).
    """
    if not isinstance(target, str) or not target or len(target) > 2000:
        return default
    if "\\" in target or inputs.bad_characters(target) or inputs.strip_invisible(target) != target or " " in target:
        return default
    host = request.host_url if request else ""
    if host and target.startswith(host):
        target = "/" + target[len(host):]
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def id_arg(name: str) -> int | None:
    """A database id from ``?name=`` (1 .. 2**31 - 1), or None (so: not found, or no filter)."""
    return inputs.parse_id(request.args.get(name))


def page_arg() -> int:
    """The list page asked for in ``?page=`` (1 .. inputs.MAX_PAGE; anything else is page 1)."""
    return inputs.parse_page(request.args.get("page"))


_SCALARS = (str, int, float, bool, type(None))


def _copied(data: dict) -> dict:
    """A copy the request may change without touching the remembered one (shallow when it can be)."""
    if all(isinstance(value, _SCALARS) for value in data.values()):
        return dict(data)
    return copy.deepcopy(data)


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, refreshed by pages but not by JSON calls.

    A permanent session is re-signed and sent back on every request so that it
    expires 16 hours after the user was last seen. A judge's tablet posts a mark
    every few seconds between page loads; re-signing the cookie for each of
    those costs more than a page load's worth of refresh is worth, and the page
    loads keep the session alive anyway. A JSON call that changes the session
    (there is none today) still sends it.
    """

    # Cookies this worker has verified, with their contents and signing time: a tablet sends the same
    # cookie with every mark, and checking its signature and decoding it again each time costs more than
    # the rest of reading the request. Keyed by the whole signed value, so only a cookie that passed the
    # check is ever found; its age is checked again on every use.
    _verified: dict[tuple, tuple[dict, int]] = {}  # (signing key, cookie) -> (contents, signed at)
    _VERIFIED_MAX = 4096

    def open_session(self, app: Flask, request):
        serializer = self.get_signing_serializer(app)
        value = request.cookies.get(self.get_cookie_name(app))
        if serializer is None or not value:
            return super().open_session(app, request)
        max_age = int(app.permanent_session_lifetime.total_seconds())
        cache_key = (app.secret_key, value)
        known = self._verified.get(cache_key)
        if known is not None and time.time() - known[1] <= max_age:
            return self.session_class(_copied(known[0]))
        try:
            data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if len(self._verified) >= self._VERIFIED_MAX:
            self._verified.clear()
        self._verified[cache_key] = (_copied(data), int(signed_at.timestamp()))
        return self.session_class(data)

    def should_set_cookie(self, app: Flask, session) -> bool:
        if session.modified:
            return True
        return super().should_set_cookie(app, session) and not is_api_request()


def bound_inputs(app: Flask) -> None:
    """Bounded ids in URLs and bounded JSON; must run before any blueprint adds its routes."""
    app.url_map.converters["int"] = IdConverter
    app.request_class = BoundedRequest
    app.json = BoundedJSONProvider(app)


def init_app(app: Flask) -> None:
    """Register the hooks, the session interface and the template globals."""
    app.session_interface = SessionInterface()

    @app.before_request
    def _fresh_user_per_request():
        # Flask-Login caches the user on ``g``, which belongs to the application context; a request that
        # runs inside an already-pushed context (tests, CLI) must still load its own user.
        g.pop("_login_user", None)

    app.teardown_request(close_request_connection)

    @app.teardown_request
    def _end_session_transaction(_error=None):
        # Flask-SQLAlchemy ends the session when the application context ends. A request that runs inside an
        # already-pushed context (tests, CLI) must not leave its transaction, or its write intent, behind it:
        # the next transaction in that context would hold SQLite's write lock (BEGIN IMMEDIATE) for nothing.
        if db.session.registry.has():  # (the tablet API does not touch the session at all)
            db.session.rollback()
        set_write_intent(False)

    @app.before_request
    def _write_intent_for_unsafe_methods():
        # Requests that change data start SQLite transactions with BEGIN IMMEDIATE (see competitions.db).
        set_write_intent(request.method in UNSAFE_METHODS)

    app.after_request(_security_headers)

    @app.context_processor
    def _template_globals():
        return {"current_locale": str(get_locale() or "zh"), "languages": app.config["LANGUAGES"]}

    app.jinja_env.globals["label"] = label
    app.jinja_env.filters["mask_id"] = mask_national_id
    app.jinja_env.filters["join_list"] = join_list   # a list as the page's language writes it (、/和 or ", and")

    app.jinja_env.filters["date"] = _format_date
    app.jinja_env.filters["datetime"] = _format_datetime
    app.jinja_env.filters["points"] = _format_points


def _security_headers(response):
    """Headers every answer carries: the Content-Security-Policy, no sniffing, no framing by other sites,
    no full URLs leaking to other sites, HSTS in production, and no stored copy of anything personal.

    The CSP allows scripts only from our own static files (``script-src 'self'``: no inline script, no
    ``on...=`` handler, no ``eval``); templates put page data in ``<script type="application/json">`` blocks
    and behaviour in ``static/js``. ``Cache-Control: no-store`` is the default for every answer whose view did
    not choose its own caching and for every answer to a logged-in user (their pages, exports and JSON carry
    names, ID numbers, marks); only static files and the public results pages for visitors (which set their
    own ``public``/``private, max-age``) may be kept.
    """
    config = current_app.config
    headers = response.headers
    headers.setdefault("Content-Security-Policy", config["CONTENT_SECURITY_POLICY"])
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    headers.setdefault("Referrer-Policy", "same-origin")
    if config.get("STRICT_TRANSPORT_SECURITY"):
        headers.setdefault("Strict-Transport-Security", config["STRICT_TRANSPORT_SECURITY"])
    if request.endpoint != "static" and ("Cache-Control" not in headers or _logged_in()):
        headers["Cache-Control"] = "no-store"
        headers.pop("Expires", None)
    return response


def _logged_in() -> bool:
    """True when this request came from a logged-in user (without loading one for a visitor)."""
    return "_user_id" in session or bool(getattr(current_user, "is_authenticated", False))


def _format_date(value) -> str:
    """A date in the user's language (2026年5月1日 / May 1, 2026)."""
    return format_date(value, "medium") if value else ""


def _format_datetime(value: datetime | None) -> str:
    """A timestamp in the federation's time zone, written the same unambiguous way in both languages."""
    if not value:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return format_datetime(value, "yyyy-MM-dd HH:mm")


def _format_points(value) -> str:
    """Points with two decimals, as every score sheet shows them."""
    if value is None:
        return ""
    return f"{value:.2f}"
