"""Languages: Simplified Chinese and English.

English is the source language of every message in the code; Chinese comes
from the catalog built from ``translations/zh/fragments/*.po``. The language
is, in order: the one the user picked with the switcher (kept in the session),
the one saved on their account, the best match for the browser's
Accept-Language header, and Chinese when nothing matches.
"""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import gettext, refresh
from flask_login import current_user

from competitions.domain.errors import Code, CompetitionError, Phrase
from competitions.extensions import babel
from competitions.labels import label


def select_locale() -> str:
    """Pick the language for this request."""
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def init_app(app: Flask) -> None:
    """Bind Flask-Babel with our locale selector."""
    babel.init_app(app, locale_selector=select_locale)

    @app.before_request
    def _fresh_locale_per_request():
        # Flask-Babel caches the locale on the application context; a request that runs inside an
        # already-pushed context (CLI, tests, jobs) must still pick its own language.
        refresh()


def error_message(error: CompetitionError) -> str:
    """The error's message in the user's language, with its parameters filled in (``%(field)s`` is the field)."""
    return translate(error.message, {"field": error.field or "", **error.params})


def translate(message: str, params: dict | None = None) -> str:
    """Translate an English source message and interpolate ``params``.

    Parameters are not translated, except stored codes wrapped in ``Code``,
    which are shown by their label ("一等奖", not "first"), and whole messages
    wrapped in ``Phrase``, which are translated in turn.
    """
    text = gettext(message)
    if params:
        params = {name: label(value.kind, value.value) if isinstance(value, Code)
                  else translate(value.message, value.params) if isinstance(value, Phrase) else value
                  for name, value in params.items()}
        try:
            return text % params
        except (KeyError, ValueError, TypeError):
            return text
    return text


def join_list(items) -> str:
    """``items`` joined as the page's language writes a list, by Babel's CLDR list patterns: 甲、乙和丙 in
    Chinese, "A, B, and C" in English (never a Chinese 、 on an English page). Outside a request the default
    language is used."""
    from babel.lists import format_list
    from flask_babel import get_locale

    words = [str(item) for item in items]
    if not words:
        return ""
    locale = get_locale() if has_request_context() else None
    return format_list(words, locale=str(locale or current_app.config.get("BABEL_DEFAULT_LOCALE", "zh")))
