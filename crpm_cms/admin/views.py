"""Administration: dashboard, users, invitations, organisations, plugins and site settings."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from crpm_cms.admin import forms
from crpm_cms.admin import services as admin
from crpm_cms.extensions import db
from crpm_cms.mail import send_mail
from crpm_cms.organisations import services as organisation_services
from crpm_cms.organisations.models import Organisation
from crpm_cms.pagination import page_number
from crpm_cms.permissions import require
from crpm_cms.plugin_system import services as plugin_system
from crpm_cms.settings.services import (
    get_setting,
    parse_versions,
    save_settings,
    setting_versions,
)
from crpm_cms.taxonomies.services import countries, terms
from crpm_cms.uploads import InvalidImage, remove_image, save_image
from crpm_cms.users import services as accounts
from crpm_cms.users.models import User
from crpm_cms.versions import StaleRecord, changes

blueprint = Blueprint("admin", __name__, url_prefix="/admin")


@blueprint.before_request
def admins_only() -> None:
    require("admin.access")


@blueprint.get("/")
def dashboard() -> ResponseReturnValue:
    answers = plugin_system.registry().values("dashboard_widgets", enabled_only=True,
                                              user=current_user)
    widgets = sorted((widget for answer in answers for widget in answer),
                     key=lambda widget: (widget.order, widget.title))
    return render_template("admin/dashboard.html", counts=admin.user_counts(),
                           organisation_count=admin.organisation_count(), widgets=widgets,
                           status_labels=forms.STATUS_LABELS)


# -- users ---------------------------------------------------------------------------------------


@blueprint.get("/users")
def users() -> ResponseReturnValue:
    require("users.manage")
    form = forms.UserFilterForm(formdata=request.args)
    status = form.status.data if form.status.data in forms.STATUS_LABELS else None
    pagination = admin.search_users(status, form.q.data, page_number())
    return render_template("admin/users.html", form=form, pagination=pagination,
                           status_labels=forms.STATUS_LABELS, role_labels=forms.ROLE_LABELS)


def roles_form(form_class: type[forms.RolesForm]) -> forms.RolesForm:
    form = form_class()
    organisation_rows = db.session.execute(
        select(Organisation.id, Organisation.name).order_by(Organisation.name))
    form.set_choices([(c.code, c.name) for c in countries()],
                     [(row.id, row.name) for row in organisation_rows])
    return form


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.status == "deleted":
        abort(404)
    return user


def render_user(user: User, form: forms.RolesForm, status: int = 200) -> ResponseReturnValue:
    return render_template("admin/user.html", user=user, form=form,
                           status_labels=forms.STATUS_LABELS,
                           role_labels=forms.ROLE_LABELS), status


@blueprint.route("/users/<int:user_id>", methods=["GET", "POST"])
def user(user_id: int) -> ResponseReturnValue:
    require("users.manage")
    account = get_user(user_id)
    form = roles_form(forms.RolesForm)
    if not form.is_submitted():
        form.fill_from(account)
        return render_user(account, form)
    if not form.validate():
        return render_user(account, form, 400)
    try:
        accounts.set_roles(account, form.assignments())
    except accounts.AccountError as error:
        db.session.rollback()
        flash(str(error), "error")
        return render_user(account, form, 400)
    accounts.set_organisation(account, form.organisation.data or None)
    flash(_("The roles of %(name)s have been saved.", name=account.display_name), "success")
    return redirect(url_for("admin.user", user_id=account.id))


def invitation_link(account: User) -> str:
    return url_for("users.accept_invitation", _external=True,
                   token=accounts.make_link_token(account, "invite"))


def send_invitation(account: User) -> None:
    send_mail(account.email, "invitation", account.language, inviter=current_user,
              link=invitation_link(account))


@blueprint.post("/users/<int:user_id>/status")
def user_status(user_id: int) -> ResponseReturnValue:
    """Approve, disable, re-enable, or send an invitation again."""
    require("users.manage")
    account = get_user(user_id)
    form = forms.StatusForm()
    if not form.validate():
        abort(400)
    action = form.action.data or ""
    if action == "reinvite" and account.status == "invited":
        send_invitation(account)
        flash(_("The invitation has been sent again to %(email)s.", email=account.email),
              "success")
        return redirect(url_for("admin.user", user_id=account.id))
    try:
        admin.change_status(account, action, current_user)
    except accounts.AccountError as error:
        flash(str(error), "error")
        return redirect(url_for("admin.user", user_id=account.id))
    if action == "approve":
        send_mail(account.email, "account_approved", account.language, user=account,
                  link=url_for("users.login", _external=True))
    flash(_("The account of %(name)s is now: %(status)s.", name=account.display_name,
            status=forms.STATUS_LABELS[account.status]), "success")
    return redirect(url_for("admin.user", user_id=account.id))


@blueprint.route("/users/invite", methods=["GET", "POST"])
def invite() -> ResponseReturnValue:
    require("users.manage")
    form = roles_form(forms.InviteForm)
    assert isinstance(form, forms.InviteForm)
    if form.validate_on_submit():
        try:
            account = accounts.invite_user(form.email.data or "", form.display_name.data or "",
                                           form.assignments(), form.language.data,
                                           form.organisation.data or None)
        except accounts.AccountError as error:
            db.session.rollback()
            form.email.errors = [str(error)]
        else:
            send_invitation(account)
            flash(_("An invitation has been sent to %(email)s.", email=account.email),
                  "success")
            return redirect(url_for("admin.user", user_id=account.id))
    status = 400 if form.is_submitted() else 200
    return render_template("admin/invite.html", form=form), status


# -- organisations, plugins, settings ------------------------------------------------------------


@blueprint.get("/organisations")
def organisations() -> ResponseReturnValue:
    q = request.args.get("q", "").strip()[:100]
    pagination = organisation_services.search(
        current_user, organisation_services.OrganisationFilters(q=q or None), page_number())
    kinds = {term.code: term.label for term in terms("organisation_kind")}
    return render_template("admin/organisations.html", pagination=pagination, q=q, kinds=kinds)


@blueprint.get("/plugins")
def plugins() -> ResponseReturnValue:
    require("plugins.manage")
    return render_template("admin/plugins.html", statuses=plugin_system.statuses(),
                           form=forms.PluginForm())


@blueprint.post("/plugins/<name>")
def toggle_plugin(name: str) -> ResponseReturnValue:
    require("plugins.manage")
    if name not in plugin_system.registry().loaded:
        abort(404)
    form = forms.PluginForm()
    if not form.validate():
        abort(400)
    enabled = form.enabled.data == "1"
    plugin_system.set_enabled(name, enabled, current_user.id)
    message = (_("The plugin %(name)s is enabled.", name=name) if enabled
               else _("The plugin %(name)s is disabled.", name=name))
    flash(message, "success")
    return redirect(url_for("admin.plugins"))


SETTINGS_PAGE = ("site_name", "country", "contact_email", "registration_mode", "logo")


def settings_form() -> forms.SettingsForm:
    form = forms.SettingsForm()
    form.country.choices = [("", _("None (regional site)"))] + [
        (c.code, c.name) for c in countries()]
    if not form.is_submitted():
        for name in ("site_name", "country", "contact_email", "registration_mode"):
            getattr(form, name).data = get_setting(name)
        form.versions.data = setting_versions(list(SETTINGS_PAGE))
    return form


def new_site_logo(form: forms.SettingsForm) -> str | None:
    """The logo file name to store: unchanged, a new upload, or empty when removed."""
    current = get_setting("logo")
    upload = form.logo.data
    if upload and getattr(upload, "filename", ""):
        try:
            return save_image(upload, "site", 256)
        except InvalidImage:
            form.logo.errors = [_("This file is not an image we can use (PNG, JPEG, WebP or "
                                  "GIF).")]
            return current
    return "" if form.remove_logo.data else current


@blueprint.route("/settings", methods=["GET", "POST"])
def settings() -> ResponseReturnValue:
    require("settings.manage")
    form = settings_form()
    if form.validate_on_submit():
        old_logo = get_setting("logo")
        logo = new_site_logo(form)
        if not form.logo.errors:
            try:
                save_settings({
                    "site_name": (form.site_name.data or "").strip(),
                    "country": form.country.data or "",
                    "contact_email": (form.contact_email.data or "").strip(),
                    "registration_mode": form.registration_mode.data, "logo": logo,
                }, parse_versions(form.versions.data) if form.versions.data else None)
            except StaleRecord:
                if logo != old_logo:
                    remove_image("site", logo)
                form.versions.data = setting_versions(list(SETTINGS_PAGE))
                stored = {name: get_setting(name) for name in SETTINGS_PAGE if name != "logo"}
                return render_template("admin/settings.html", form=form,
                                       changes=changes(form, stored)), 409
            if logo != old_logo:
                remove_image("site", old_logo)
            flash(_("The settings have been saved."), "success")
            return redirect(url_for("admin.settings"))
    status = 400 if form.is_submitted() else 200
    return render_template("admin/settings.html", form=form), status
