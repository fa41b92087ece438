"""The one permission check for views, templates and the API: ``can(user, name, country)``."""

from __future__ import annotations

from flask import abort, current_app
from flask_login import current_user
from sqlalchemy import select

from crpm_cms.extensions import db, login_manager
from crpm_cms.hookspecs import Permission
from crpm_cms.users.models import SCOPED_ROLES, RoleAssignment, User


def permissions() -> dict[str, Permission]:
    return current_app.extensions["crpm_permissions"]


def collect_permissions(answers: list[tuple[str, list[Permission]]]) -> dict[str, Permission]:
    """Merge what ``register_permissions`` returned; two plugins may not claim the same name."""
    merged: dict[str, Permission] = {}
    for plugin_name, declared in answers:
        for permission in declared:
            if permission.name in merged:
                raise RuntimeError(f"Permission {permission.name!r} declared twice "
                                   f"(again by {plugin_name}).")
            merged[permission.name] = permission
    return merged


def can(user: User | None, name: str, country: str | None = None) -> bool:
    """Whether ``user`` holds permission ``name``, for ``country`` when the right is scoped.

    Admins hold every permission. ``member`` is any signed-in active account. An editor or focal
    point assigned to some countries holds their rights for those countries only; without a
    ``country`` argument the question is "for at least one country".
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.has_role("admin"):
        return True
    permission = permissions().get(name)
    if permission is None:
        raise KeyError(f"Unknown permission {name!r}; declare it with register_permissions.")
    if "member" in permission.roles:
        return True
    for assignment in user.roles:
        if assignment.role not in permission.roles:
            continue
        scoped = assignment.role in SCOPED_ROLES and assignment.country_code is not None
        if not scoped or country is None or assignment.country_code == country:
            return True
    return False


def countries_for(user: User | None, name: str) -> set[str] | None:
    """Countries where ``user`` holds ``name``: ``None`` means all of them, empty means none."""
    if not can(user, name):
        return set()
    assert user is not None
    if user.has_role("admin") or "member" in permissions()[name].roles:
        return None
    scopes: set[str] = set()
    for assignment in user.roles:
        if assignment.role in permissions()[name].roles:
            if assignment.role not in SCOPED_ROLES or assignment.country_code is None:
                return None
            scopes.add(assignment.country_code)
    return scopes


def holders(name: str, country: str | None = None) -> list[User]:
    """Active accounts that hold ``name`` (for ``country``) through one of its roles, admins left
    out: who to tell when something waits for them, e.g. the focal points of a country."""
    roles = permissions()[name].roles
    candidates = db.session.scalars(select(User).where(
        User.status == "active", User.roles.any(RoleAssignment.role.in_(roles))))
    return [user for user in candidates
            if any(a.role in roles for a in user.roles) and can(user, name, country)]


def require(name: str, country: str | None = None) -> None:
    """Abort with 403 (or send to login) unless the current user holds the permission."""
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    if not can(current_user, name, country):
        abort(403)
