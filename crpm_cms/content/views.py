"""HTTP for content: public news and publications, their images, and the editor (editor.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, abort, jsonify, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from crpm_cms.content import lookups, services
from crpm_cms.content.forms import PublicationFilter
from crpm_cms.content.models import ContentItem
from crpm_cms.content.queries import language_first_page, published
from crpm_cms.pagination import page_number
from crpm_cms.permissions import require
from crpm_cms.taxonomies.services import terms
from crpm_cms.timezones import deployment_zone, to_local
from crpm_cms.uploads import InvalidImage, save_image, send_image

blueprint = Blueprint("content", __name__)

PAGE_SIZE = 20
IMAGE_WIDTH = 1200  # body images and covers are capped at this size
ITEM_ENDPOINTS = {"news": "content.news_item", "publication": "content.publication"}
PAGE_ENDPOINTS = {"about": "site.about", "contact": "site.contact", "legal": "site.legal_notice",
                  "privacy": "site.privacy"}
STATUS_LABELS = {"draft": _l("Draft"), "submitted": _l("Submitted for review"),
                 "published": _l("Published"), "unpublished": _l("Unpublished"),
                 "archived": _l("Archived"), "scheduled": _l("Scheduled"),
                 "expired": _l("Expired")}
KIND_LABELS = {"news": _l("News item"), "publication": _l("Publication"), "page": _l("Page")}


@blueprint.app_template_global()
def content_url(item: ContentItem, **values: Any) -> str:
    """The public address of an item (a static page: its fixed address)."""
    if item.kind == "page":
        return url_for(PAGE_ENDPOINTS[item.slug.split("-")[0]], **values)
    return url_for(ITEM_ENDPOINTS[item.kind], slug=item.slug, **values)


@blueprint.app_template_global()
def cover_src(item: ContentItem, small: bool = False) -> str | None:
    """The cover image's address; ``small`` is the 480-pixel copy used in lists."""
    if not item.cover_image:
        return None
    name = item.cover_image.replace(".png", "-480.png") if small else item.cover_image
    return url_for("content.cover", name=name)


@blueprint.context_processor
def labels() -> dict[str, object]:
    return {"STATUS_LABELS": STATUS_LABELS, "KIND_LABELS": KIND_LABELS,
            "status_of": lookups.display_status, "local_time": local_time}


def local_time(moment: datetime | None) -> datetime | None:
    """A stored (UTC) time on the deployment's clock, for the editor's pages and forms."""
    return to_local(moment, deployment_zone()).replace(tzinfo=None) if moment else None


def document_types() -> dict[str, str]:
    """Every type of publication: the document types except news."""
    return {term.code: term.label for term in terms("document_type") if term.code != "news"}


# -- public pages -----------------------------------------------------------------------------


@blueprint.get("/news/")
def news() -> ResponseReturnValue:
    pagination = language_first_page(published("news"), page_number(), PAGE_SIZE)
    return render_template("content/list.html", kind="news", pagination=pagination,
                           heading=_("News"), endpoint="content.news", types={})


@blueprint.get("/notes/")
def publications() -> ResponseReturnValue:
    types = document_types()
    form = PublicationFilter(formdata=request.args)
    form.type.choices = [("", _("All types")), *types.items()]
    query = published("publication")
    if form.type.data in types:
        query = query.where(ContentItem.document_type == form.type.data)
    pagination = language_first_page(query, page_number(), PAGE_SIZE)
    return render_template("content/list.html", kind="publication", pagination=pagination,
                           heading=_("Publications"), endpoint="content.publications",
                           form=form, types=types, filtered=form.type.data in types)


def item_page(kind: str, slug: str) -> ResponseReturnValue:
    """A live item for everyone; a preview (with a banner) for its editors; 404 otherwise."""
    item = services.find(kind, slug)
    if item is None:
        abort(404)
    live = services.is_live(item)
    if not live and not services.may_preview(current_user, item):
        abort(404)
    return render_template("content/item.html", item=item, preview=not live,
                           translations=lookups.translations(item, current_user),
                           type_label=document_types().get(item.document_type or ""),
                           can_edit=services.may_write(current_user, item),
                           page_meta=article_meta(item))


def article_meta(item: ContentItem) -> dict[str, str | None]:
    """Open Graph description of an item: shared links show its summary and cover."""
    cover = (url_for("content.cover", name=item.cover_image, _external=True)
             if item.cover_image else None)
    return {"type": "article", "description": item.summary, "image": cover,
            "image_alt": item.cover_alt,
            "published_time": item.publish_at.isoformat() + "Z" if item.publish_at else None}


@blueprint.get("/news/<slug>")
def news_item(slug: str) -> ResponseReturnValue:
    return item_page("news", slug)


@blueprint.get("/notes/<slug>")
def publication(slug: str) -> ResponseReturnValue:
    return item_page("publication", slug)


# -- images -----------------------------------------------------------------------------------


@blueprint.get("/content/images/<name>")
def cover(name: str) -> ResponseReturnValue:
    """Images of covers and texts (generated names; nosniff and a week of caching)."""
    return send_image("content", name)


@blueprint.post("/editor/images")
def upload_image() -> ResponseReturnValue:
    """The editor's image button: an image and its alternative text in, its address out."""
    require("content.write")
    upload = request.files.get("image")
    alt = (request.form.get("alt") or "").strip()[:255]
    if upload is None or not upload.filename:
        return jsonify(error=_("Choose an image to send.")), 400
    if not alt:
        return jsonify(error=_("Describe the image in a few words (alternative text).")), 400
    try:
        name = save_image(upload, "content", IMAGE_WIDTH)
    except InvalidImage:
        return jsonify(error=_("This file is not an image we can use (PNG, JPEG, WebP or "
                               "GIF).")), 400
    return jsonify(url=url_for("content.cover", name=name), alt=alt)


from crpm_cms.content import editor  # noqa: E402,F401  (the editor's routes, same blueprint)
