"""Who may reach which route.

Every view declares its audience with exactly one of ``@public``,
``@login_required_any`` or ``@role_required(...)``; the decorators record it on
the function (``view.access``) so ``tests/web/test_access_matrix.py`` can walk
``app.url_map`` and check every route against every role. Object checks (this
organizer's subtree, this judge's event) live in each blueprint's
``permissions.py`` and run in the ``load_<thing>_or_404`` helpers.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user

from competitions.extensions import login_manager
from competitions.web import is_api_request

PUBLIC = "public"
ANY_USER = "any_user"


def _mark(view: Callable, access: frozenset[str] | str) -> Callable:
    view.access = access  # type: ignore[attr-defined]
    return view


def public(view: Callable) -> Callable:
    """Anyone may open this route, logged in or not."""
    return _mark(view, PUBLIC)


def login_required_any(view: Callable) -> Callable:
    """Any logged-in user may open this route."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            if is_api_request():   # a JSON client is told 401, not sent to the login page
                abort(401)
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return _mark(wrapped, ANY_USER)


def role_required(*roles: str) -> Callable[[Callable], Callable]:
    """Only users holding one of ``roles`` may open this route; admins may open every role route."""
    allowed = frozenset(roles) | {"admin"}

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                if is_api_request():
                    abort(401)
                return login_manager.unauthorized()
            if not current_user.has_role(*allowed):
                abort(403)
            return view(*args, **kwargs)

        return _mark(wrapped, allowed)

    return decorator
