"""Flask extensions, created once and bound to each app in ``create_app``."""

import os
from typing import TYPE_CHECKING, cast

from alembic.config import Config as AlembicConfig
from flask import current_app
from flask_babel import Babel, Domain
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Config, Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names so Alembic migrations work the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """The declarative base Flask-SQLAlchemy builds ``db.Model`` from; it holds the metadata."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

# Every model subclasses ``Model``, which is ``db.Model``. mypy cannot take an attribute as a base
# class, so it is told the class Flask-SQLAlchemy builds ``db.Model`` from.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model

migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


class PerAppDomain(Domain):
    """Flask-Babel caches catalogues on one domain shared by every app in the process; each app
    merges the catalogues of its own loaded plugins, so each app gets its own cache."""

    def get_translations_cache(self, ctx: object) -> dict:
        return current_app.extensions.setdefault("crpm_translations_cache", {})


babel.domain_instance = PerAppDomain()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


@migrate.configure
def _plugin_version_locations(config: Config) -> Config:
    """One Alembic environment: the core's versions plus a branch folder per loaded plugin."""
    # Flask-Migrate's Config is an Alembic Config; its stubs cannot say so yet.
    options = cast(AlembicConfig, config)
    locations = current_app.extensions["crpm_version_locations"]
    options.set_main_option("path_separator", "os")
    options.set_main_option("version_locations", os.pathsep.join(locations))
    return config
