"""Rules of the administration: account status changes, counts and the users list."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from crpm_cms.extensions import db
from crpm_cms.organisations.models import Organisation
from crpm_cms.users import services as accounts
from crpm_cms.users.models import STATUSES, RoleAssignment, User

PAGE_SIZE = 30

# action → (statuses it applies to, the status it gives)
STATUS_ACTIONS = {
    "approve": (("pending",), "active"),
    "disable": (("pending", "invited", "active"), "disabled"),
    "enable": (("disabled",), "active"),
}


def user_counts() -> dict[str, int]:
    """Accounts by status (deleted ones left out), every status present."""
    rows = dict(db.session.execute(select(User.status, func.count()).group_by(User.status)).all())
    return {status: rows.get(status, 0) for status in STATUSES if status != "deleted"}


def organisation_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Organisation)) or 0


def search_users(status: str | None, q: str | None, page: int) -> Pagination:
    query = select(User).options(joinedload(User.organisation)).order_by(User.created_at.desc(),
                                                                          User.id.desc())
    query = query.where(User.status == status) if status else query.where(
        User.status != "deleted")
    if q:
        pattern = f"%{q.strip()[:100]}%"
        query = query.where(or_(User.email.ilike(pattern), User.display_name.ilike(pattern)))
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def active_admin_count() -> int:
    return db.session.scalar(
        select(func.count(func.distinct(User.id))).select_from(User).join(RoleAssignment)
        .where(RoleAssignment.role == "admin", User.status == "active")
    ) or 0


def change_status(user: User, action: str, actor: User) -> None:
    """Approve, disable or re-enable an account; raises ``AccountError`` when it may not."""
    if action not in STATUS_ACTIONS:
        raise accounts.AccountError(_l("Unknown action."))
    allowed_from, new_status = STATUS_ACTIONS[action]
    if user.status not in allowed_from:
        raise accounts.AccountError(_l("This action does not apply to this account."))
    if new_status == "disabled" and user.id == actor.id:
        raise accounts.AccountError(_l("You cannot disable your own account."))
    if (new_status == "disabled" and user.has_role("admin") and user.status == "active"
            and active_admin_count() <= 1):
        raise accounts.AccountError("last_admin")
    accounts.set_status(user, new_status)
