"""CRPM CMS's test kit, for the core's tests and for any plugin's.

Installing CRPM CMS makes pytest load ``crpm_cms.testing.pytest_plugin`` (entry point
``pytest11``), whose fixtures need only a plugin installed in the same environment:

``app``, ``make_app(**settings)``, ``database_url``, ``client``, ``people``, ``login(role)``,
``smtp``, ``mail_app``, and the per-run ``postgres_url``, ``migrated_template`` and
``crpm_config``. The tests run on SQLite, or on PostgreSQL when ``CRPM_TEST_DATABASE_URL`` names
a server. Tests marked ``@pytest.mark.slow`` run first.

Real-browser fixtures (Playwright on Debian's Chromium) are opt-in: ``pytest_plugins =
["crpm_cms.testing.browser"]`` in the top conftest.py.

The helpers below are for test modules: ``from crpm_cms.testing import Client, sign_in``;
``crpm_cms.testing.site`` sets up accounts, documents and plugins through the core's services,
``crpm_cms.testing.servers`` runs real gunicorn workers, and ``crpm_cms.testing.browser`` has
the browser helpers (``blocking_violations``, ``watch_csp``).
"""

from crpm_cms.testing.client import PASSWORD, PEOPLE, Client, client_of, create_people, sign_in
from crpm_cms.testing.concurrency import at_once, one_save_wins
from crpm_cms.testing.database import FAST_HASHING, Template, base_config
from crpm_cms.testing.mail import Inbox, smtp_server
from crpm_cms.testing.queries import counted_queries, queries_of_page
from crpm_cms.testing.servers import gunicorn
from crpm_cms.testing.site import (
    accounts,
    add_document,
    initialise_site,
    load_demo_data,
    set_plugin_enabled,
    wait_for_outbox,
)

__all__ = [
    "FAST_HASHING",
    "PASSWORD",
    "PEOPLE",
    "Client",
    "Inbox",
    "Template",
    "accounts",
    "add_document",
    "at_once",
    "base_config",
    "client_of",
    "counted_queries",
    "create_people",
    "gunicorn",
    "initialise_site",
    "load_demo_data",
    "one_save_wins",
    "queries_of_page",
    "set_plugin_enabled",
    "sign_in",
    "smtp_server",
    "wait_for_outbox",
]
