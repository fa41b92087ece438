"""People, their roles, their server-side login sessions and their API tokens."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crpm_cms.extensions import Model
from crpm_cms.timezones import utcnow

ROLES = ("member", "editor", "focal_point", "admin")
SCOPED_ROLES = ("editor", "focal_point")
GENDERS = ("woman", "man", "other", "undisclosed")
STATUSES = ("pending", "invited", "active", "disabled", "deleted")


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    language: Mapped[str | None] = mapped_column(String(8))
    gender: Mapped[str | None] = mapped_column(String(16))
    country_code: Mapped[str | None] = mapped_column(ForeignKey("countries.code"))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    roles: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    organisation = relationship("Organisation", back_populates="members")
    country = relationship("Country")

    @property
    def is_active(self) -> bool:  # Flask-Login: only active accounts may hold a session
        return self.status == "active"

    def has_role(self, role: str) -> bool:
        return any(assignment.role == role for assignment in self.roles)

    def role_names(self) -> list[str]:
        return sorted({assignment.role for assignment in self.roles}, key=ROLES.index)


class RoleAssignment(Model):
    """A role held by a user; ``country_code`` scopes an editor or focal point to one country."""

    __tablename__ = "role_assignments"
    __table_args__ = (UniqueConstraint("user_id", "role", "country_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    country_code: Mapped[str | None] = mapped_column(ForeignKey("countries.code"))

    user: Mapped[User] = relationship(back_populates="roles")


class LoginSession(Model):
    """One signed-in browser; deleting the row signs it out, even with a copied cookie."""

    __tablename__ = "login_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_agent: Mapped[str] = mapped_column(String(255), default="")


class ApiToken(Model):
    """A personal API token; only its SHA-256 is stored, the token is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
