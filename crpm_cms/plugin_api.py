"""What a plugin may use from the core: the one module plugins import, with ``crpm_cms.hookspecs``.

Everything here keeps its name and meaning between releases; anything else in ``crpm_cms`` may
change without notice, and a test fails when a module under ``plugins/`` imports it. Each name is
documented in ``docs/plugins/core-services.md``. The rules of the core stay in the core: a plugin
reads core tables through the models below and changes them only through the services below.
"""

from __future__ import annotations

from crpm_cms.audit.services import record as record_action
from crpm_cms.config import ConfigError
from crpm_cms.events import emit
from crpm_cms.exports import (
    CSV_MEDIA_TYPE,
    FORMULA_PREFIXES,
    MAX_SHEET_COLUMNS,
    XLSX_MEDIA_TYPE,
    SheetTooLarge,
    content_disposition,
    csv_bytes,
    download,
    safe_cell,
    sheet_rows,
    xlsx_bytes,
)
from crpm_cms.extensions import Model, csrf, db, limiter
from crpm_cms.forms import Form, SubForm, single_line
from crpm_cms.i18n import LANGUAGE_NAMES, current_language, language_of, localised, localised_field
from crpm_cms.library.models import LibraryDocument
from crpm_cms.library.queries import visible_documents
from crpm_cms.mail import (
    MissingSiteUrl,
    deliver,
    external_links,
    render_message,
    send_mail,
    site_url_option,
)
from crpm_cms.organisations import services as organisations
from crpm_cms.organisations.forms import http_url
from crpm_cms.organisations.models import Organisation, OrganisationIdentifier
from crpm_cms.pagination import (
    MAX_ROW_ID,
    InvalidRequest,
    Page,
    page_arguments,
    page_links,
    page_number,
    page_of,
    row_id,
    row_ids,
    whole_number_in,
)
from crpm_cms.permissions import can, countries_for, holders, require
from crpm_cms.plugin_system.services import is_enabled
from crpm_cms.registrations import services as registrations
from crpm_cms.registrations.models import (
    Registration,
    RegistrationActivity,
    RegistrationTransition,
)
from crpm_cms.registrations.rules import (
    ACTION_LABELS,
    SEAT_STATES,
    STATE_LABELS,
    TRANSITIONS,
    RegistrationError,
)
from crpm_cms.registrations.statistics import participation_statistics
from crpm_cms.routes import Routes
from crpm_cms.search.services import record_change, watch_model
from crpm_cms.settings.services import get_setting, save_settings
from crpm_cms.taxonomies.models import Country, Term
from crpm_cms.taxonomies.services import (
    THEME_VOCABULARIES,
    countries,
    organisation_kind_labels,
    term_label,
    terms,
    theme_choices,
)
from crpm_cms.timezones import (
    deployment_zone,
    exists_in_zone,
    is_zone,
    to_local,
    to_utc,
    utcnow,
    zone,
    zone_choices,
)
from crpm_cms.users.auth import load_user_from_bearer as bearer_user
from crpm_cms.users.auth import visitor
from crpm_cms.users.models import User
from crpm_cms.users.services import find_by_email as find_user_by_email
from crpm_cms.versions import StaleRecord, Versioned, VersionField, changes, saving, seen_version

__all__ = [
    "ACTION_LABELS",
    "CSV_MEDIA_TYPE",
    "FORMULA_PREFIXES",
    "LANGUAGE_NAMES",
    "MAX_ROW_ID",
    "MAX_SHEET_COLUMNS",
    "SEAT_STATES",
    "STATE_LABELS",
    "THEME_VOCABULARIES",
    "TRANSITIONS",
    "XLSX_MEDIA_TYPE",
    "ConfigError",
    "Country",
    "Form",
    "InvalidRequest",
    "LibraryDocument",
    "MissingSiteUrl",
    "Model",
    "Organisation",
    "OrganisationIdentifier",
    "Page",
    "Registration",
    "RegistrationActivity",
    "RegistrationError",
    "RegistrationTransition",
    "Routes",
    "SheetTooLarge",
    "StaleRecord",
    "SubForm",
    "Term",
    "User",
    "VersionField",
    "Versioned",
    "bearer_user",
    "can",
    "changes",
    "content_disposition",
    "countries",
    "countries_for",
    "csrf",
    "csv_bytes",
    "current_language",
    "db",
    "deliver",
    "deployment_zone",
    "download",
    "emit",
    "exists_in_zone",
    "external_links",
    "find_user_by_email",
    "get_setting",
    "holders",
    "http_url",
    "is_enabled",
    "is_zone",
    "language_of",
    "limiter",
    "localised",
    "localised_field",
    "organisation_kind_labels",
    "organisations",
    "page_arguments",
    "page_links",
    "page_number",
    "page_of",
    "participation_statistics",
    "record_action",
    "record_change",
    "registrations",
    "render_message",
    "require",
    "row_id",
    "row_ids",
    "safe_cell",
    "save_settings",
    "saving",
    "seen_version",
    "send_mail",
    "sheet_rows",
    "single_line",
    "site_url_option",
    "term_label",
    "terms",
    "theme_choices",
    "to_local",
    "to_utc",
    "utcnow",
    "visible_documents",
    "visitor",
    "watch_model",
    "whole_number_in",
    "xlsx_bytes",
    "zone",
    "zone_choices",
]
