"""The core's own features, registered through the same hooks as any plugin."""

from __future__ import annotations

from flask import Flask, current_app, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import func, select

from crpm_cms.extensions import db
from crpm_cms.hookspecs import DashboardWidget, Job, MenuItem, Permission, Setting, hookimpl
from crpm_cms.search.documents import register_search_sources  # noqa: F401  (a core hook)
from crpm_cms.users.models import User


@hookimpl
def register_blueprints(app: Flask) -> list:
    from crpm_cms.admin.views import blueprint as admin
    from crpm_cms.api.views import blueprint as api
    from crpm_cms.content.views import blueprint as content
    from crpm_cms.feeds.views import blueprint as feeds
    from crpm_cms.library.views import blueprint as library
    from crpm_cms.organisations.views import blueprint as organisations
    from crpm_cms.search.views import blueprint as search
    from crpm_cms.site.views import blueprint as site
    from crpm_cms.users.views import blueprint as users

    return [site, users, organisations, content, library, feeds, admin, api, search]


@hookimpl
def register_permissions() -> list[Permission]:
    return [
        Permission("members.area", ("member",), "See members-only pages and documents."),
        Permission("content.write", ("editor",), "Write and submit news and publications."),
        Permission("content.publish", ("editor",),
                   "Review and publish content (for the editor's countries)."),
        Permission("pages.edit", ("admin",), "Edit the static pages."),
        Permission("library.upload", ("editor", "focal_point"), "Add documents to the library."),
        Permission("organisations.create", ("focal_point",), "Add organisations of a country."),
        Permission("organisations.edit", ("editor", "focal_point"), "Edit organisations."),
        Permission("admin.access", ("admin",), "Open the administration."),
        Permission("users.manage", ("admin",), "Approve users, set roles and scopes."),
        Permission("plugins.manage", ("admin",), "Turn plugins on and off."),
        Permission("settings.manage", ("admin",), "Change the site settings."),
    ]


MAIL_JOB = "mail.deliver"


@hookimpl
def register_jobs() -> list[Job]:
    from crpm_cms.mail.outbox import deliver_job
    from crpm_cms.search.indexing import apply_job

    return [Job("search.apply_changes", apply_job,
                "Apply recorded search changes; rebuild a missing or corrupt index."),
            Job(MAIL_JOB, deliver_job, "Send the e-mails waiting in the outbox; run last, "
                                       "after the jobs that write e-mails.")]


@hookimpl
def register_settings() -> list[Setting]:
    config = current_app.config
    return [
        Setting("site_name", config["SITE_NAME"], _l("Site name")),
        Setting("country", config["COUNTRY"] or "", _l("Country of the deployment")),
        Setting("contact_email", "", _l("Contact address")),
        Setting("registration_mode", config["REGISTRATION_MODE"], _l("Registration")),
        Setting("logo", "", _l("Logo")),
    ]


@hookimpl
def menu_items(user: User | None) -> list[MenuItem]:
    items = [MenuItem(str(_l("Organisations")), url_for("organisations.index"), 10,
                      "organisations.index")]
    items.append(MenuItem(str(_l("Library")), url_for("library.index"), 20, "library.index"))
    items.append(MenuItem(str(_l("News")), url_for("content.news"), 5, "content.news"))
    items.append(MenuItem(str(_l("Publications")), url_for("content.publications"), 7,
                          "content.publications"))
    items.append(MenuItem(str(_l("Search")), url_for("search.index"), 70, "search.index"))
    from crpm_cms.content.services import uses_editor
    from crpm_cms.permissions import can

    if uses_editor(user):
        items.append(MenuItem(str(_l("Editor")), url_for("content.dashboard"), 80,
                              "content.dashboard"))
    if can(user, "admin.access"):
        items.append(MenuItem(str(_l("Administration")), url_for("admin.dashboard"), 90,
                              "admin.dashboard"))
    return items


@hookimpl
def dashboard_widgets(user: User) -> list[DashboardWidget]:
    pending = db.session.scalar(select(func.count()).where(User.status == "pending"))
    link = url_for("admin.users", status="pending")
    html = Markup('<p><a href="{}">{}</a></p>').format(
        link, _l("%(count)s account(s) waiting for approval", count=pending)
    )
    return [DashboardWidget(str(_l("Accounts")), html, order=10), review_widget(user)]


def review_widget(user: User) -> DashboardWidget:
    """Items submitted for review that this user may publish."""
    from crpm_cms.content.lookups import awaiting_review

    waiting = awaiting_review(user)
    rows = Markup("").join(
        Markup('<li><a href="{}">{}</a></li>').format(
            url_for("content.edit", item_id=item.id), item.title) for item in waiting)
    html = (Markup("<ul>{}</ul>").format(rows) if waiting
            else Markup("<p>{}</p>").format(_l("Nothing is waiting for review.")))
    html += Markup('<p><a href="{}">{}</a></p>').format(url_for("content.dashboard"),
                                                         _l("Open the editor"))
    return DashboardWidget(str(_l("Waiting for review")), html, order=20)
