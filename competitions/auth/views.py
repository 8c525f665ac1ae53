"""Login, logout, own password, and the admin's user management."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from competitions.auth import bp, services, throttle
from competitions.auth.forms import ChangePasswordForm, JudgeAccountForm, LoginForm, UserForm
from competitions.auth.models import User
from competitions.auth.permissions import login_required_any, public, role_required
from competitions.auth.principal import ApiPrincipal, LoginId, load_principal
from competitions.domain.errors import CompetitionError
from competitions.extensions import db, login_manager
from competitions.forms import add_form_error, commit_or_form_error
from competitions.i18n import error_message
from competitions.main.start import start_url
from competitions.orgs.services import organization_choices
from competitions.web import is_api_request, page_arg, safe_redirect_target


@login_manager.user_loader
def _load_user(login_text: str) -> User | ApiPrincipal | None:
    """The logged-in user: for pages the entity with organization and roles, for JSON calls a plain row.

    None (logged out) when the login has been ended: its account's session version has moved on (logout,
    password change, deactivation) or it is older than the remember-me duration.
    """
    login = LoginId.parse(login_text)
    if login is None:
        return None
    if is_api_request():
        return load_principal(login)
    user = db.session.get(User, login.user_id, options=[joinedload(User.role_rows)])
    if user is None or user.session_version != login.version:
        return None
    user.login_id = login.text
    return user


def _start_login(user: User, *, remember: bool) -> None:
    """Log ``user`` in on this device with a new login id (a new remember-me token every time)."""
    user.login_id = LoginId.new(user.id, user.session_version).text
    login_user(user, remember=remember)
    session.permanent = True


def _safe_next(target: str | None, user: User | None = None) -> str:
    """Only follow ?next= to a path on this site; without one, the user's own start page."""
    return safe_redirect_target(target, start_url(user) if user is not None else url_for("main.index"))


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Log in with username and password (throttled, see ``auth.throttle``; unknown names answered alike)."""
    form = LoginForm()
    if form.validate_on_submit():
        device = request.cookies.get(throttle.DEVICE_COOKIE)
        try:
            user = services.authenticate(form.username.data, form.password.data,
                                         address=request.remote_addr or "", device_cookie=device)
        except CompetitionError as error:
            db.session.commit()  # (the try stays counted)
            form.password.errors.append(error_message(error))
        else:
            db.session.commit()
            _start_login(user, remember=form.remember.data)
            response = redirect(_safe_next(request.args.get("next"), user))
            _set_device_cookie(response, throttle.device_cookie_after_login(user.username, device))
            return response
    return render_template("auth/login.html", form=form)


def _set_device_cookie(response, value: str) -> None:
    """Remember that this device has logged in to the account (its tries then skip the account-wide count)."""
    config = current_app.config
    response.set_cookie(throttle.DEVICE_COOKIE, value, max_age=throttle.DEVICE_COOKIE_DAYS * 86400,
                        secure=bool(config.get("SESSION_COOKIE_SECURE")), httponly=True,
                        samesite=config.get("SESSION_COOKIE_SAMESITE") or "Lax")


@bp.route("/logout", methods=["POST"])
@public
def logout():
    """Log out (POST, so a link cannot log anyone out): every session and remember-me cookie of the account ends."""
    if current_user.is_authenticated:
        services.end_sessions(current_user)
        db.session.commit()
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/password", methods=["GET", "POST"])
@login_required_any
def change_password():
    """Change one's own password: every other session and remember-me cookie of the account ends; this
    device stays logged in with a new login."""
    form = ChangePasswordForm()
    if form.validate_on_submit() and commit_or_form_error(
            form, lambda: services.change_password(current_user, form.current_password.data, form.new_password.data),
            field="new_password", success=_("Your password has been changed."))[0]:
        _start_login(current_user._get_current_object(), remember=_had_remember_cookie())
        return redirect(url_for("main.index"))
    return render_template("auth/password.html", form=form)


def _had_remember_cookie() -> bool:
    return current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies


@bp.route("/users")
@role_required("admin")
def users():
    """All accounts, filterable by role and a search term."""
    role = request.args.get("role", "")
    q = request.args.get("q", "").strip()
    stmt = select(User).order_by(User.username)
    if role:
        from competitions.auth.models import UserRole

        stmt = stmt.join(UserRole).where(UserRole.role == role)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(User.username.ilike(like) | User.display_name.ilike(like))
    page = db.paginate(stmt, page=page_arg(), per_page=50, error_out=False)
    return render_template("auth/users.html", page=page, role=role, q=q)


@bp.route("/users/new", methods=["GET", "POST"])
@role_required("admin")
def user_new():
    """Create an account."""
    form = UserForm(org_choices=organization_choices())
    if form.validate_on_submit():
        if not form.password.data:
            form.password.errors.append(_("Give the new account a password."))
        else:
            saved, _user = commit_or_form_error(form, lambda: services.create_user(
                username=form.username.data, display_name=form.display_name.data,
                password=form.password.data, roles=form.roles.data,
                organization_id=form.organization_id.data or None,
            ), field="username", success=_("The account has been created."))
            if saved:
                return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form, user=None)


@bp.route("/judges/new", methods=["GET", "POST"])
@role_required("organizer")
def judge_new():
    """An organizer creates a judge's account within their own organization (or one below it)."""
    root = None if current_user.has_role("admin") else current_user.organization
    form = JudgeAccountForm(org_choices=organization_choices(root) if root or current_user.has_role("admin") else [])
    if request.method == "GET" and current_user.organization_id:
        form.organization_id.data = current_user.organization_id
    if form.validate_on_submit():
        saved, _user = commit_or_form_error(form, lambda: services.create_judge_account(
            acting_user=current_user, username=form.username.data, display_name=form.display_name.data,
            password=form.password.data, organization_id=form.organization_id.data,
        ), field="username", success=_("The judge's account has been created; assign the judge to an event."))
        if saved:
            return redirect(url_for("judging.manage"))
    return render_template("auth/judge_form.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required("admin")
def user_edit(user_id: int):
    """Edit an account: name, roles, organization, active; optionally set a new password."""
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user, org_choices=organization_choices())
    if request.method == "GET":
        form.roles.data = sorted(user.roles)
        form.organization_id.data = user.organization_id or 0
    form.username.data = user.username
    if form.validate_on_submit():
        try:
            services.update_user(
                user, display_name=form.display_name.data, roles=form.roles.data,
                organization_id=form.organization_id.data or None, active=form.active.data,
                acting_user=current_user,
            )
            if form.password.data:
                services.reset_password(user, form.password.data)
        except CompetitionError as error:
            db.session.rollback()
            add_form_error(form, error, "roles")
        else:
            db.session.commit()
            flash(_("The account has been saved."), "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form, user=user)


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
@role_required("admin")
def user_unlock(user_id: int):
    """Forget the account's failed login attempts, so its next login is not slowed down."""
    user = db.get_or_404(User, user_id)
    throttle.clear_account(user.username)
    db.session.commit()
    flash(_("The account's failed login attempts have been cleared."), "success")
    return redirect(url_for("auth.user_edit", user_id=user.id))
