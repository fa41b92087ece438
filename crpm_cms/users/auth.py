"""Who is asking: a server-side login session for browsers, a Bearer token for the API."""

from __future__ import annotations

import hashlib

from flask import Flask, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from crpm_cms.extensions import db, login_manager
from crpm_cms.timezones import utcnow
from crpm_cms.users.models import ApiToken, LoginSession, User

SESSION_KEY = "crpm_sid"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def load_user(user_id: str) -> User | None:
    """A browser is signed in only while its login session row exists (logout deletes it)."""
    session_id = session.get(SESSION_KEY)
    if not session_id or not user_id.isdigit():
        return None
    login = db.session.get(LoginSession, session_id)
    if login is None or login.user_id != int(user_id):
        return None
    user = db.session.get(User, login.user_id)
    return user if user is not None and user.is_active else None


def visitor() -> User | None:
    """The signed-in person, or ``None`` for an anonymous visitor: what the services take."""
    if current_user and current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def load_user_from_bearer() -> User | None:
    """``Authorization: Bearer <token>`` on the JSON API."""
    if not request.path.startswith("/api/"):
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    api_token = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == hash_token(token.strip()))
    )
    if api_token is None or not api_token.user.is_active:
        return None
    api_token.last_used_at = utcnow()
    db.session.commit()
    return api_token.user


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_user)
    login_manager.request_loader(lambda _request: load_user_from_bearer())
    login_manager.login_view = "users.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

