"""The rules about accounts: passwords, sign-in, registration, roles, tokens, deletion."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, session
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import CursorResult, delete, func, select

from crpm_cms.events import emit
from crpm_cms.extensions import db
from crpm_cms.hookspecs import Event
from crpm_cms.timezones import utcnow
from crpm_cms.users.auth import SESSION_KEY, hash_token
from crpm_cms.users.models import ROLES, SCOPED_ROLES, ApiToken, LoginSession, RoleAssignment, User

DELETED_NAME = "Compte supprimé"  # what authored content shows once its author left


class AccountError(ValueError):
    """A rule about accounts was broken; ``str(error)`` is the translated message for the user."""

    def __str__(self) -> str:
        return str(ERRORS.get(self.args[0], self.args[0]))


ERRORS = {
    "password_too_short": _l("The password must have at least 10 characters."),
    "email_taken": _l("An account with this e-mail address already exists."),
    "unknown_role": _l("Unknown role."),
    "last_admin": _l("This is the last administrator account; name another administrator first."),
    "bad_link": _l("This link is invalid or has expired. Please ask for a new one."),
}


def password_hasher() -> PasswordHasher:
    """argon2id with the deployment's cost settings (OWASP minimums by default)."""
    config = current_app.config
    return PasswordHasher(time_cost=config["ARGON2_TIME_COST"],
                          memory_cost=config["ARGON2_MEMORY_COST"],
                          parallelism=config["ARGON2_PARALLELISM"])


def hash_password(password: str) -> str:
    return password_hasher().hash(password)


def password_matches(user: User | None, password: str) -> bool:
    """Check a password; for an unknown user, hash anyway so both take the same time."""
    hasher = password_hasher()
    if user is None or not user.password_hash:
        hasher.hash(password)
        return False
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return True


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or ``None`` — without saying which failed."""
    user = find_by_email(email)
    if not password_matches(user, password) or user is None or not user.is_active:
        return None
    return user


def start_session(user: User, user_agent: str = "") -> None:
    """Sign a browser in with a fresh server-side session (no session fixation)."""
    session.clear()
    login = LoginSession(id=secrets.token_urlsafe(32), user_id=user.id,
                         user_agent=user_agent[:255])
    user.last_login_at = utcnow()
    db.session.add(login)
    db.session.commit()
    session[SESSION_KEY] = login.id
    session.permanent = True
    login_user(user)


def end_session() -> None:
    """Sign out: the session row goes, so a copy of the cookie no longer works."""
    session_id = session.get(SESSION_KEY)
    if session_id:
        db.session.execute(delete(LoginSession).where(LoginSession.id == session_id))
        db.session.commit()
    logout_user()
    session.clear()


def end_other_sessions(user: User) -> None:
    current = session.get(SESSION_KEY)
    db.session.execute(
        delete(LoginSession).where(LoginSession.user_id == user.id, LoginSession.id != current)
    )


def check_password_strength(password: str) -> None:
    if len(password) < 10:
        raise AccountError("password_too_short")


def create_user(email: str, display_name: str, password: str | None, *, status: str = "active",
                roles: tuple[str, ...] = (), language: str | None = None,
                organisation_id: int | None = None) -> User:
    email = normalise_email(email)
    if find_by_email(email) is not None:
        raise AccountError("email_taken")
    if password is not None:
        check_password_strength(password)
    user = User(email=email, display_name=display_name.strip() or email.split("@")[0],
                password_hash=hash_password(password) if password else None, status=status,
                language=language, organisation_id=organisation_id)
    user.roles = [RoleAssignment(role=role) for role in roles if role != "member"]
    db.session.add(user)
    db.session.commit()
    emit(Event("user.created", user.id, {"user_id": user.id, "status": status}))
    return user


def change_password(user: User, new_password: str) -> None:
    check_password_strength(new_password)
    user.password_hash = hash_password(new_password)
    end_other_sessions(user)
    db.session.commit()


def set_roles(user: User, assignments: list[tuple[str, str | None]]) -> None:
    """Replace a user's roles; ``(role, country)`` pairs, country only for scoped roles."""
    clean = []
    for role, country in dict.fromkeys(assignments):
        if role not in ROLES:
            raise AccountError("unknown_role")
        if role == "member":
            continue
        clean.append(RoleAssignment(role=role,
                                    country_code=country if role in SCOPED_ROLES else None))
    admin_leaves = user.has_role("admin") and not any(a.role == "admin" for a in clean)
    if admin_leaves and _admin_count() <= 1:
        raise AccountError("last_admin")
    user.roles = clean
    db.session.commit()


def set_status(user: User, status: str) -> None:
    user.status = status
    if status != "active":
        db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    db.session.commit()


# -- e-mailed links: password reset and invitations ------------------------------------------


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"crpm-{purpose}")


def make_link_token(user: User, purpose: str) -> str:
    """A signed token that stops working once the password changes (so it is single-use)."""
    fingerprint = (user.password_hash or "none")[-16:]
    return _serializer(purpose).dumps([user.id, fingerprint])


def user_from_link_token(token: str, purpose: str, max_age: int) -> User | None:
    try:
        user_id, fingerprint = _serializer(purpose).loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired, ValueError, TypeError):
        return None
    user = db.session.get(User, user_id)
    if user is None or (user.password_hash or "none")[-16:] != fingerprint:
        return None
    return user


def reset_password_with_token(token: str, new_password: str) -> User:
    user = user_from_link_token(token, "reset", current_app.config["PASSWORD_RESET_MAX_AGE"])
    if user is None or user.status not in ("active", "invited"):
        raise AccountError("bad_link")
    check_password_strength(new_password)
    user.password_hash = hash_password(new_password)
    if user.status == "invited":
        user.status = "active"
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    db.session.commit()
    return user


def accept_invitation(token: str, display_name: str, new_password: str) -> User:
    user = user_from_link_token(token, "invite", current_app.config["INVITATION_MAX_AGE"])
    if user is None or user.status != "invited":
        raise AccountError("bad_link")
    check_password_strength(new_password)
    user.display_name = display_name.strip() or user.display_name
    user.password_hash = hash_password(new_password)
    user.status = "active"
    db.session.commit()
    return user


# -- API tokens --------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


def create_api_token(user: User, name: str) -> NewToken:
    secret = "crpm_" + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name.strip()[:80] or "API",
                     token_hash=hash_token(secret), prefix=secret[:12])
    db.session.add(token)
    db.session.commit()
    return NewToken(token, secret)


def revoke_api_token(user: User, token_id: int) -> bool:
    # The ORM answers an UPDATE or DELETE with a CursorResult; its type says only Result.
    result = cast(CursorResult[Any], db.session.execute(
        delete(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id)
    ))
    db.session.commit()
    return bool(result.rowcount)


# -- leaving -------------------------------------------------------------------------------------


def _admin_count() -> int:
    """How many accounts hold the admin role: the last one may neither leave nor lose it."""
    return db.session.execute(
        select(func.count()).select_from(RoleAssignment).where(RoleAssignment.role == "admin")
    ).scalar_one()


def delete_account(user: User) -> None:
    """Remove personal data; content the user wrote stays, credited to an anonymous name."""
    if user.has_role("admin") and _admin_count() <= 1:
        raise AccountError("last_admin")
    user_id = user.id
    user.email = f"deleted-{user_id}-{secrets.token_hex(4)}@invalid"
    user.display_name = DELETED_NAME
    user.password_hash = None
    user.gender = None
    user.country_code = None
    user.language = None
    user.organisation_id = None
    user.status = "deleted"
    user.roles = []
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user_id))
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user_id))
    db.session.commit()
    emit(Event("user.deleted", user_id, {"user_id": user_id}))


def invite_user(email: str, display_name: str, assignments: list[tuple[str, str | None]],
                language: str | None = None, organisation_id: int | None = None) -> User:
    """An account waiting for its owner to choose a password through an e-mailed link."""
    user = create_user(email, display_name, None, status="invited", language=language,
                       organisation_id=organisation_id)
    if assignments:
        set_roles(user, assignments)
    return user


def set_organisation(user: User, organisation_id: int | None) -> None:
    user.organisation_id = organisation_id
    db.session.commit()
