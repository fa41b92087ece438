"""Personal calendar feeds at a secret address per member, revocable at any time.

The address holds the member's id and an HMAC of a random nonce under the site's secret key:
the database keeps only the nonce (useless without the key), the account page can show the
address again, and a new nonce revokes the old address at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime

from crpm_plugins.webinars.models import FeedToken, WebinarEvent
from flask import current_app, url_for
from sqlalchemy import func, select

from crpm_cms.plugin_api import User, db, utcnow


def _mac(user_id: int, nonce: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, f"webinars-feed:{user_id}:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:32]


def _row(user: User) -> FeedToken:
    row = db.session.get(FeedToken, user.id)
    if row is None:
        row = FeedToken(user_id=user.id, nonce=secrets.token_urlsafe(24))
        db.session.add(row)
        db.session.commit()
    return row


def feed_token(user: User) -> str:
    row = _row(user)
    return f"{user.id}.{_mac(user.id, row.nonce)}"


def feed_url(user: User) -> str:
    return url_for("webinars.personal_feed", token=feed_token(user), _external=True)


def reset(user: User) -> str:
    """A new secret address; the old one answers 404 from now on."""
    row = _row(user)
    row.nonce = secrets.token_urlsafe(24)
    row.created_at = utcnow()
    db.session.commit()
    return feed_token(user)


def owner_of(token: str) -> User | None:
    """The active member whose current secret address this is, or None."""
    user_id, _, mac = token.partition(".")
    if not user_id.isdigit() or len(user_id) > 12 or not mac:
        return None
    row = db.session.get(FeedToken, int(user_id))
    if row is None or not hmac.compare_digest(mac, _mac(row.user_id, row.nonce)):
        return None
    user = db.session.get(User, row.user_id)
    return user if user is not None and user.is_active else None


def public_state(since: datetime) -> tuple[int, datetime | None, int | None]:
    """Count, latest change and highest id of the events a public feed holds: its ETag source."""
    count, latest, highest = db.session.execute(
        select(func.count(), func.max(WebinarEvent.updated_at), func.max(WebinarEvent.id))
        .where(WebinarEvent.ends_at >= since)).one()
    return count, latest, highest
