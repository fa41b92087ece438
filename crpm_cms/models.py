"""Every core model, imported once so the metadata (and Alembic) knows every table."""

from crpm_cms.audit.models import AuditEntry
from crpm_cms.content.models import ContentItem, Revision
from crpm_cms.library.models import LibraryDocument
from crpm_cms.mail.models import QueuedMail
from crpm_cms.organisations.models import Organisation, OrganisationIdentifier
from crpm_cms.plugin_system.models import PluginState
from crpm_cms.registrations.models import (
    Registration,
    RegistrationActivity,
    RegistrationQuota,
    RegistrationTransition,
)
from crpm_cms.search.models import SearchChange
from crpm_cms.settings.models import SiteSetting
from crpm_cms.taxonomies.models import Country, Term
from crpm_cms.users.models import ApiToken, LoginSession, RoleAssignment, User

__all__ = ["ApiToken", "AuditEntry", "ContentItem", "Country", "LibraryDocument", "LoginSession",
           "Organisation", "OrganisationIdentifier", "PluginState", "QueuedMail", "Registration",
           "RegistrationActivity", "RegistrationQuota", "RegistrationTransition", "Revision",
           "RoleAssignment", "SearchChange", "SiteSetting", "Term", "User"]
