"""The editorial workflow: who may move an item where, scheduled publication and expiry without
any job, reviewers' e-mails, the audit log and the editor's dashboard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from crpm_cms.audit.models import AuditEntry
from crpm_cms.content import services
from crpm_cms.content.models import ContentItem
from crpm_cms.extensions import db
from crpm_cms.testing import PASSWORD, Client, sign_in
from crpm_cms.timezones import utcnow
from crpm_cms.users import services as users
from tests.test_content import act, create, fresh_client, publish, set_dates, stored

ROLES = ("member", "editor", "editor_other_country", "focal_point", "admin")


def item_of(app, people, author: str = "editor", **changes) -> int:  # noqa: ANN001
    return create(fresh_client(app, people[author]), **changes)


def test_the_transitions_are_declared_in_one_place():
    assert set(services.TRANSITIONS) == {"submit", "publish", "unpublish", "archive",
                                         "to_draft"}
    assert services.TRANSITIONS["publish"].by == services.REVIEWER
    assert services.TRANSITIONS["submit"].by == services.WRITER


# (action, status the item is in first) → expected answer for each role in ROLES
@pytest.mark.parametrize(("action", "status", "expected"), [
    ("submit", "draft", (403, 302, 403, 403, 302)),
    ("publish", "submitted", (403, 302, 403, 403, 302)),
    ("publish", "draft", (403, 302, 403, 403, 302)),
    ("unpublish", "published", (403, 302, 403, 403, 302)),
    ("archive", "published", (403, 302, 403, 403, 302)),
    ("to_draft", "submitted", (403, 302, 403, 403, 302)),
])
def test_who_may_move_an_item_of_senegal(app, people, action, status, expected):
    targets = {"submit": "submitted", "publish": "published", "unpublish": "unpublished",
               "archive": "archived", "to_draft": "draft"}
    for role, wanted in zip(ROLES, expected, strict=True):
        item_id = item_of(app, people)
        if status != "draft":
            with app.app_context():
                db.session.execute(update(ContentItem).where(ContentItem.id == item_id)
                                   .values(status=status))
                db.session.commit()
        response = act(fresh_client(app, people[role]), item_id, action)
        assert response.status_code == wanted, (role, response.status_code)
        assert stored(app, item_id).status == (targets[action] if wanted == 302 else status)


def test_an_anonymous_visitor_is_sent_to_sign_in(app, client, people):
    item_id = item_of(app, people)
    response = client.post_form(f"/editor/{item_id}/workflow/publish")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert stored(app, item_id).status == "draft"


def test_an_action_from_the_wrong_status_is_refused_clearly(app, people):
    editor = fresh_client(app, people["editor"])
    item_id = create(editor)
    assert act(editor, item_id, "unpublish").status_code == 302  # not published: refused
    assert stored(app, item_id).status == "draft"
    page = editor.get(f"/editor/{item_id}/edit?lang=en").get_data(as_text=True)
    assert "n’est pas possible dans l’état actuel" in page  # flashed in French, before ?lang=en
    assert act(editor, item_id, "nonsense").status_code == 404


def test_an_item_without_country_needs_an_unscoped_editor_or_an_admin(app, people):
    admin = fresh_client(app, people["admin"])
    item_id = create(admin, country="")
    assert stored(app, item_id).country_code is None
    editor = fresh_client(app, people["editor"])
    assert editor.get(f"/editor/{item_id}/edit").status_code == 403
    assert act(editor, item_id, "publish").status_code == 403
    with app.app_context():
        regional = users.create_user("regional@test.crpm", "Éditrice régionale", PASSWORD)
        users.set_roles(regional, [("editor", None)])
    assert act(fresh_client(app, "regional@test.crpm"), item_id, "publish").status_code == 302
    assert stored(app, item_id).status == "published"


def test_publishing_goes_live_now_or_at_the_scheduled_date(app, client, people):
    editor = fresh_client(app, people["editor"])
    now_id = create(editor, title="Publiée tout de suite")
    later_id = create(editor, title="Publiée plus tard", publish_at="2099-01-01T08:00")
    for item_id in (now_id, later_id):
        publish(app, editor, item_id)
    assert stored(app, now_id).publish_at <= utcnow()

    listing = client.get("/news/").get_data(as_text=True)
    assert "Publiée tout de suite" in listing and "Publiée plus tard" not in listing
    assert client.get("/news/publiee-plus-tard").status_code == 404
    preview = editor.get("/news/publiee-plus-tard?lang=en").get_data(as_text=True)
    assert 'class="flash flash-warning preview-banner"' in preview and "Scheduled" in preview
    dashboard = editor.get("/editor/?lang=en").get_data(as_text=True)
    scheduled = dashboard[dashboard.index('id="scheduled-title"'):dashboard.index(
        'id="expired-title"')]
    assert "Publiée plus tard" in scheduled and "badge-scheduled" in scheduled

    set_dates(app, later_id, publish_at=utcnow() - timedelta(minutes=1))  # its time has come
    assert "Publiée plus tard" in client.get("/news/").get_data(as_text=True)
    page = client.get("/news/publiee-plus-tard").get_data(as_text=True)
    assert "preview-banner" not in page


def test_an_expired_item_leaves_the_public_pages(app, client, people):
    editor = fresh_client(app, people["editor"])
    item_id = create(editor, title="Appel à candidatures")
    publish(app, editor, item_id)
    assert client.get("/news/appel-a-candidatures").status_code == 200
    set_dates(app, item_id, expires_at=utcnow() - timedelta(minutes=1))
    assert client.get("/news/appel-a-candidatures").status_code == 404
    assert "Appel à candidatures" not in client.get("/news/").get_data(as_text=True)
    dashboard = editor.get("/editor/?lang=en").get_data(as_text=True)
    expired = dashboard[dashboard.index('id="expired-title"'):dashboard.index(
        'id="recent-title"')]
    assert "Appel à candidatures" in expired and "badge-expired" in expired


def test_drafts_are_previewed_by_their_editors_only(app, client, people):
    item_id = item_of(app, people, title="Brouillon confidentiel")
    assert client.get("/news/brouillon-confidentiel").status_code == 404
    for role, status in (("member", 404), ("editor_other_country", 404), ("focal_point", 404),
                         ("editor", 200), ("admin", 200)):
        response = fresh_client(app, people[role]).get("/news/brouillon-confidentiel")
        assert response.status_code == status, role
    assert stored(app, item_id).status == "draft"


def test_reviewers_of_the_country_are_told_by_email_in_their_language(mail_app, people):
    app, inbox = mail_app
    with app.app_context():
        colleague = users.create_user("awa@test.crpm", "Awa Diop", PASSWORD, language="en")
        users.set_roles(colleague, [("editor", "SN")])
    app.test_client_class = Client
    editor = app.test_client()
    sign_in(editor, people["editor"])
    item_id = create(editor, title="Forum de la diaspora")
    assert act(editor, item_id, "submit").status_code == 302

    recipients = sorted(message["To"] for message in inbox.messages)
    # The submitter, the editor of Côte d'Ivoire, the member and the focal point are not told.
    assert recipients == ["admin@test.crpm", "awa@test.crpm"]
    english = next(m for m in inbox.messages if m["To"] == "awa@test.crpm")
    assert english["Subject"] == "To review: Forum de la diaspora"
    body = english.get_payload(decode=True).decode()
    assert body.startswith("Hello Awa Diop,")
    assert "Editor has submitted" in body and f"/editor/{item_id}/edit" in body
    french = next(m for m in inbox.messages if m["To"] == "admin@test.crpm")
    assert french.get_payload(decode=True).decode().startswith("Bonjour Admin,")


def test_every_action_is_in_the_audit_log_and_on_the_edit_page(app, people):
    editor = fresh_client(app, people["editor"])
    item_id = create(editor)
    editor.post_form(f"/editor/{item_id}/edit", {
        "version": "1", "title": "Nouveau titre", "language": "fr", "country": "SN",
        "translation_of": "0"})
    for action in ("submit", "publish", "unpublish", "archive", "to_draft"):
        assert act(editor, item_id, action).status_code == 302
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(
            AuditEntry.target_type == "content", AuditEntry.target_id == item_id)
            .order_by(AuditEntry.id)).all()
        assert [entry.action for entry in entries] == [
            "content.created", "content.saved", "content.submit", "content.publish",
            "content.unpublish", "content.archive", "content.to_draft"]
        assert {entry.actor.email for entry in entries} == {people["editor"]}
    page = editor.get(f"/editor/{item_id}/edit?lang=en").get_data(as_text=True)
    history = page[page.index('id="history-title"'):]
    for label in ("Created", "Saved · version 2", "Submitted for review", "Published",
                  "Unpublished", "Archived", "Back to draft"):
        assert label in history


def test_the_dashboard_lists_what_waits_for_each_reviewer(app, people):
    item_id = item_of(app, people, title="À relire")
    assert act(fresh_client(app, people["editor"]), item_id, "submit").status_code == 302
    for role, sees in (("admin", True), ("editor_other_country", False)):
        page = fresh_client(app, people[role]).get("/editor/").get_data(as_text=True)
        waiting = page[page.index('id="review-title"'):page.index('id="drafts-title"')]
        assert ("À relire" in waiting) is sees, role
    admin_dashboard = fresh_client(app, people["admin"]).get("/admin/?lang=en")
    assert "Waiting for review" in admin_dashboard.get_data(as_text=True)
    assert f"/editor/{item_id}/edit" in admin_dashboard.get_data(as_text=True)


@pytest.mark.parametrize(("role", "status"), [("member", 403), ("focal_point", 403),
                                               ("editor", 200), ("admin", 200)])
def test_the_editor_area_is_for_writers_and_reviewers(app, client, people, role, status):
    assert client.get("/editor/").status_code == 302
    assert fresh_client(app, people[role]).get("/editor/").status_code == status
