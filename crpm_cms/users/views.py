"""Sign-in, sign-out, password reset, registration, invitations and the account page."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from crpm_cms.extensions import db, limiter
from crpm_cms.mail import send_mail
from crpm_cms.organisations.models import Organisation
from crpm_cms.security import safe_next_url
from crpm_cms.settings.services import get_setting
from crpm_cms.taxonomies.services import countries
from crpm_cms.users import forms
from crpm_cms.users import services as accounts
from crpm_cms.users.models import RoleAssignment, User

blueprint = Blueprint("users", __name__)


def login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def submitted_email() -> str:
    """Counts attempts against one account too, so spreading them over many addresses fails."""
    return "email:" + accounts.normalise_email(request.form.get("email", ""))[:254]


# What a request for an account answers in the "approval" mode, whether or not the address
# already has an account (its owner gets an e-mail): the page does not tell who is a member.
REQUEST_RECEIVED = _l("Thank you. An administrator will check your request; you will receive an "
                      "e-mail when your account is active.")
limit_attempts = limiter.shared_limit(login_rate_limit, scope="sign-in", methods=["POST"])
limit_attempts_per_account = limiter.shared_limit(
    login_rate_limit, scope="sign-in-account", key_func=submitted_email, methods=["POST"])


@blueprint.route("/login", methods=["GET", "POST"])
@limit_attempts
@limit_attempts_per_account
def login() -> ResponseReturnValue:
    form = forms.LoginForm()
    destination = safe_next_url(request.args.get("next"), url_for("site.home"))
    if current_user.is_authenticated:
        return redirect(destination)
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            accounts.start_session(user, request.headers.get("User-Agent", ""))
            flash(_("Welcome, %(name)s.", name=user.display_name), "success")
            return redirect(destination)
        flash(_("Wrong e-mail address or password, or the account is not active yet."), "error")
    return render_template("users/login.html", form=form), 200 if not form.errors else 400


@blueprint.post("/logout")
def logout() -> ResponseReturnValue:
    accounts.end_session()
    flash(_("You are signed out."), "success")
    return redirect(url_for("site.home"))


@blueprint.route("/password/forgot", methods=["GET", "POST"])
@limit_attempts
@limit_attempts_per_account
def forgot_password() -> ResponseReturnValue:
    """Same answer, and a mail either way, whether or not the address has an account."""
    form = forms.ForgotPasswordForm()
    if form.validate_on_submit():
        email = accounts.normalise_email(form.email.data or "")
        user = accounts.find_by_email(email)
        if user is not None and user.status in ("active", "invited"):
            link = url_for("users.reset_password", _external=True,
                           token=accounts.make_link_token(user, "reset"))
            send_mail(user.email, "password_reset", user.language, user=user, link=link)
        else:
            send_mail(email, "password_reset_unknown", None,
                      link=url_for("users.register", _external=True))
        flash(_("If an account exists for this address, a message with a link to choose a new "
                "password has been sent to it."), "success")
        return redirect(url_for("users.login"))
    return render_template("users/forgot_password.html", form=form), 400 if form.errors else 200


@blueprint.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> ResponseReturnValue:
    form = forms.NewPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password_with_token(token, form.password.data or "")
        except accounts.AccountError as error:
            flash(str(error), "error")
            return redirect(url_for("users.forgot_password"))
        flash(_("Your password has been changed. You can now sign in."), "success")
        return redirect(url_for("users.login"))
    return render_template("users/new_password.html", form=form,
                           title=_("Choose a new password")), 400 if form.errors else 200


@blueprint.route("/register", methods=["GET", "POST"])
@limit_attempts
def register() -> ResponseReturnValue:
    mode = get_setting("registration_mode")
    if current_user.is_authenticated:
        return redirect(url_for("users.account"))
    if mode == "invitation":
        return render_template("users/register.html", form=None, mode=mode)
    form = forms.RegisterForm()
    form.organisation.choices = [(0, "—")] + [
        (org.id, org.name) for org in db.session.scalars(
            select(Organisation).where(Organisation.visibility == "public")
            .order_by(Organisation.name))
    ]
    if form.validate_on_submit():
        status = "active" if mode == "open" else "pending"
        try:
            user = accounts.create_user(
                form.email.data or "", form.display_name.data or "", form.password.data,
                status=status, language=form.language.data,
                organisation_id=form.organisation.data or None)
        except accounts.AccountError as error:
            existing = accounts.find_by_email(form.email.data or "")
            if error.args[0] != "email_taken" or existing is None or status == "active":
                form.email.errors = [str(error)]
            else:  # the answer of a new request; the owner of the address is told by e-mail
                send_mail(existing.email, "registration_existing", existing.language,
                          user=existing, login_link=url_for("users.login", _external=True),
                          reset_link=url_for("users.forgot_password", _external=True))
                flash(str(REQUEST_RECEIVED), "success")
                return redirect(url_for("site.home"))
        else:
            if status == "active":
                accounts.start_session(user, request.headers.get("User-Agent", ""))
                flash(_("Welcome, your account is ready."), "success")
                return redirect(url_for("users.account"))
            notify_admins_of_registration(user)
            flash(str(REQUEST_RECEIVED), "success")
            return redirect(url_for("site.home"))
    return render_template("users/register.html", form=form, mode=mode), (
        400 if form.errors else 200)


def notify_admins_of_registration(user: User) -> None:
    admins = db.session.scalars(select(User).join(RoleAssignment).where(
        RoleAssignment.role == "admin", User.status == "active")).unique()
    link = url_for("admin.users", status="pending", _external=True)
    for admin in admins:
        send_mail(admin.email, "registration_pending", admin.language, user=user, link=link)


@blueprint.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str) -> ResponseReturnValue:
    form = forms.InvitationForm()
    if form.validate_on_submit():
        try:
            user = accounts.accept_invitation(token, form.display_name.data or "",
                                              form.password.data or "")
        except accounts.AccountError as error:
            flash(str(error), "error")
            return redirect(url_for("users.login"))
        accounts.start_session(user, request.headers.get("User-Agent", ""))
        flash(_("Welcome, your account is ready."), "success")
        return redirect(url_for("users.account"))
    return render_template("users/new_password.html", form=form,
                           title=_("Accept the invitation")), 400 if form.errors else 200


# -- account page ------------------------------------------------------------------------------


def account_forms(user: User) -> dict[str, object]:
    profile = forms.AccountForm(prefix="profile", obj=None)
    profile.country.choices = [("", "—")] + [(c.code, c.name) for c in countries()]
    if not profile.is_submitted():
        profile.display_name.data = user.display_name
        profile.language.data = user.language or current_app.config["DEFAULT_LANGUAGE"]
        profile.gender.data = user.gender or ""
        profile.country.data = user.country_code or ""
    return {
        "profile": profile,
        "password_form": forms.ChangePasswordForm(prefix="password"),
        "token_form": forms.TokenForm(prefix="token"),
        "delete_form": forms.DeleteAccountForm(prefix="delete"),
    }


def render_account(status: int = 200, **extra: object) -> ResponseReturnValue:
    context = account_forms(current_user) | extra
    return render_template("users/account.html", tokens=current_user_tokens(), **context), status


def current_user_tokens() -> list:
    from crpm_cms.users.models import ApiToken

    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == current_user.id)
                                   .order_by(ApiToken.created_at.desc())))


@blueprint.get("/account")
@login_required
def account() -> ResponseReturnValue:
    return render_account()


@blueprint.post("/account")
@login_required
def update_profile() -> ResponseReturnValue:
    context = account_forms(current_user)
    profile = context["profile"]
    assert isinstance(profile, forms.AccountForm)
    if not profile.validate():
        return render_account(400, profile=profile)
    current_user.display_name = (profile.display_name.data or "").strip()
    current_user.language = profile.language.data
    current_user.gender = profile.gender.data or None
    current_user.country_code = profile.country.data or None
    db.session.commit()
    flash(_("Your profile has been saved."), "success")
    return redirect(url_for("users.account", lang=current_user.language))


@blueprint.post("/account/password")
@login_required
def change_password() -> ResponseReturnValue:
    form = forms.ChangePasswordForm(prefix="password")
    if form.validate() and not accounts.password_matches(current_user,
                                                         form.current_password.data or ""):
        form.current_password.errors = [_("The current password is not correct.")]
    elif not form.errors:
        accounts.change_password(current_user, form.password.data or "")
        flash(_("Your password has been changed; your other sessions were signed out."),
              "success")
        return redirect(url_for("users.account"))
    return render_account(400, password_form=form)


@blueprint.post("/account/tokens")
@login_required
def create_token() -> ResponseReturnValue:
    form = forms.TokenForm(prefix="token")
    if not form.validate():
        return render_account(400, token_form=form)
    new = accounts.create_api_token(current_user, form.name.data or "")
    return render_account(new_token=new.secret)


@blueprint.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int) -> ResponseReturnValue:
    if accounts.revoke_api_token(current_user, token_id):
        flash(_("The token has been revoked."), "success")
    return redirect(url_for("users.account"))


@blueprint.post("/account/delete")
@login_required
def delete_account() -> ResponseReturnValue:
    form = forms.DeleteAccountForm(prefix="delete")
    if form.validate() and not accounts.password_matches(current_user, form.password.data or ""):
        form.password.errors = [_("The password is not correct.")]
    elif not form.errors:
        try:
            accounts.delete_account(current_user)
        except accounts.AccountError as error:
            flash(str(error), "error")
            return redirect(url_for("users.account"))
        accounts.end_session()
        flash(_("Your account and your personal data have been deleted."), "success")
        return redirect(url_for("site.home"))
    return render_account(400, delete_form=form)
