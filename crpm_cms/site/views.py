"""Public pages of the site itself: home, about, contact, legal notice, privacy, logo."""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import defer, raiseload

from crpm_cms.content import lookups as content
from crpm_cms.content.models import ContentItem
from crpm_cms.content.queries import latest
from crpm_cms.extensions import db
from crpm_cms.organisations import services as organisations
from crpm_cms.organisations.models import Organisation
from crpm_cms.settings.services import get_setting
from crpm_cms.taxonomies.models import Country
from crpm_cms.uploads import send_image

blueprint = Blueprint("site", __name__)

# Home cards show title, summary and cover: the body and the related lists stay in the database.
HOME_CARD = (defer(ContentItem.body_html), raiseload(ContentItem.themes),
             raiseload(ContentItem.organisations))


@blueprint.get("/")
def home() -> str:
    news = db.session.scalars(latest("news", 5).options(*HOME_CARD)).all()
    featured = db.session.scalars(
        latest("publication", 4, featured=True).options(*HOME_CARD)).all()
    visible = organisations.visible_to(current_user).subquery()
    counts = {code: count for code, count in db.session.execute(
        select(visible.c.country_code, func.count()).group_by(visible.c.country_code))}
    countries = sorted(db.session.scalars(select(Country)), key=lambda country: country.name)
    recent = db.session.scalars(
        organisations.visible_to(current_user).order_by(Organisation.created_at.desc(),
                                                        Organisation.id.desc()).limit(6)
    ).all()
    return render_template("site/home.html", news=news, featured=featured, countries=countries,
                           counts=counts, latest=recent)


def static_page(slug: str) -> str:
    """A page written in the editor (about, contact, legal, privacy), in the visitor's language."""
    locale = get_locale()
    page = content.static_page(slug, locale.language if locale else "fr")
    return render_template("site/text_page.html", page=slug, item=page)


@blueprint.get("/about")
def about() -> str:
    return static_page("about")


@blueprint.get("/contact")
def contact() -> str:
    return static_page("contact")


@blueprint.get("/legal")
def legal_notice() -> str:
    return static_page("legal")


@blueprint.get("/privacy")
def privacy() -> str:
    return static_page("privacy")


@blueprint.get("/logo")
def logo() -> Response:
    return send_image("site", get_setting("logo"))
