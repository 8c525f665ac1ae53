"""One place that turns errors into pages and JSON.

A ``CompetitionError`` raised by a service and not caught by its view becomes
a flash message and a redirect back (for pages) or a JSON error body (for
``/api/``); HTTP errors get a friendly page in the user's language. Every
handler rolls the session back first, so nothing half-done is committed later.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, flash, jsonify, redirect, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from competitions.domain.errors import CompetitionError, ValidationErrors
from competitions.extensions import db
from competitions.i18n import error_message, translate
from competitions.web import JSON_MAX_BYTES, is_api_request, safe_redirect_target


def _wants_json() -> bool:
    return is_api_request() or request.accept_mimetypes.best == "application/json"


def flash_error(error: CompetitionError) -> None:
    """Undo the half-done work and tell the user why, in their language (the page then redirects)."""
    db.session.rollback()
    flash(error_message(error), "error")


def commit_or_flash(operation: Callable[[], object], success: str) -> bool:
    """Run one service call as the request's transaction: commit and say ``success``, or roll back and say why."""
    try:
        operation()
    except CompetitionError as error:
        flash_error(error)
        return False
    db.session.commit()
    flash(success, "success")
    return True


def validation_errors_response(error: ValidationErrors):
    """The JSON answer to a refusal naming several problems (a scheme's, a rounds rule's): 422 like every other
    validation failure of /api/v1, the first problem as ``message`` and ``field``, every problem in ``problems``
    (``field``, ``row``, ``message`` in the reader's language). Rolls the session back first."""
    db.session.rollback()
    problems = [{"field": p.get("field"), "row": p.get("row"), "message": translate(p["message"], p.get("params"))}
                for p in error.problems]
    first = problems[0] if problems else {"field": error.field, "message": error_message(error)}
    return jsonify(error=error.code, message=first["message"], field=first["field"],
                   problems=problems), error.http_status


def safe_back_url(default: str = "/") -> str:
    """The referring page when it is on this site, else ``default`` (never an open redirect)."""
    return safe_redirect_target(request.referrer, default)


def init_app(app: Flask) -> None:
    """Register the error handlers."""

    @app.errorhandler(CompetitionError)
    def _competition_error(error: CompetitionError):
        if _wants_json():
            db.session.rollback()
            return jsonify(error=error.code, message=error_message(error), field=error.field), error.http_status
        flash_error(error)
        return redirect(safe_back_url())

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):
        db.session.rollback()
        message = _("Your form had expired or was sent from elsewhere. Nothing was saved; please try again.")
        if _wants_json():
            return jsonify(error="csrf", message=message), 400
        return render_template("errors/error.html", code=400, message=message), 400

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(error: RequestEntityTooLarge):
        # Said before the form is read: nothing was saved. A page goes back where the upload came from.
        db.session.rollback()
        if _wants_json():
            return jsonify(error="too_large", message=_("The request is too large (at most %(limit)d KB).",
                                                        limit=JSON_MAX_BYTES // 1024)), 413
        from competitions.forms import too_large_message

        message = too_large_message()
        back = safe_back_url("")
        if not back and request.url_rule is not None and "GET" in (request.url_rule.methods or ()):
            back = request.path  # no Referer (a privacy setting): the form's own page, never a dead end
        if back:
            flash(message, "error")
            return redirect(back, 303)
        return render_template("errors/error.html", code=413, message=message), 413

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if error.code and error.code >= 500:
            db.session.rollback()
        messages = {
            401: _("Please log in first."),
            403: _("You do not have permission to open this page."),
            404: _("This page does not exist."),
            405: _("This action is not available here."),
            413: _("The file is too large."),
        }
        message = messages.get(error.code, error.description)
        if _wants_json():
            return jsonify(error=error.name.lower().replace(" ", "_"), message=message), error.code
        return render_template("errors/error.html", code=error.code, message=message), error.code

    @app.errorhandler(500)
    def _server_error(error):
        db.session.rollback()
        message = _("Something went wrong on our side. Nothing was saved; please try again.")
        if _wants_json():
            return jsonify(error="server_error", message=message), 500
        return render_template("errors/error.html", code=500, message=message), 500
