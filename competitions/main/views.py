"""Start page, language switch, health check."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import select, text

from competitions.auth.permissions import public
from competitions.errors import safe_back_url
from competitions.extensions import db
from competitions.main import bp
from competitions.organize.models import Competition


@bp.route("/")
@public
def index():
    """Public start page: competitions open for registration and recent results; shortcuts by role."""
    open_competitions = db.session.execute(
        select(Competition).where(Competition.status == "open").order_by(Competition.starts_on).limit(20)
    ).scalars().all()
    return render_template("main/index.html", open_competitions=open_competitions, user=current_user)


@bp.route("/lang", methods=["GET", "POST"])
@public
def set_language():
    """Switch the interface language; remembered in the session (and on the account when logged in).

    Visitors who are not logged in switch with a GET form: it only sets their
    own cookie, and their pages then need no CSRF token, so public pages carry
    no session at all until somebody logs in or switches language (and can be
    cached by a shared proxy). A logged-in user's switch is a POST with the
    token, because it also changes their account.
    """
    lang = request.values.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated and request.method == "POST":
            current_user.locale = lang
            db.session.commit()
    return redirect(safe_back_url(url_for("main.index")))


@bp.route("/healthz")
@public
def healthz():
    """Liveness and database check for load balancers."""
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
