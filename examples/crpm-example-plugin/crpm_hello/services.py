"""The plugin's rules: who may greet, what a greeting is, which ones are shown."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from crpm_cms.plugin_api import User, can, db
from crpm_hello.models import GREETING_MAX_LENGTH, Greeting

POST = "hello.post"  # the permission, declared in plugin.py


class GreetingError(ValueError):
    """The greeting cannot be saved; the message says why, in the visitor's language."""


def latest(limit: int = 20) -> list[Greeting]:
    """The newest greetings with their authors, in one query."""
    query = (select(Greeting).options(joinedload(Greeting.author))
             .order_by(Greeting.created_at.desc(), Greeting.id.desc()).limit(limit))
    return list(db.session.scalars(query))


def add(author: User | None, text: str) -> Greeting:
    """Save a greeting: the author must hold ``hello.post``; the text is one short line."""
    if not can(author, POST):
        raise GreetingError(_("You may not post greetings."))
    text = " ".join(text.split())
    if not text:
        raise GreetingError(_("The greeting is empty."))
    if len(text) > GREETING_MAX_LENGTH:
        raise GreetingError(_("A greeting has at most %(max)s characters.",
                              max=GREETING_MAX_LENGTH))
    assert author is not None  # can() is False for an anonymous visitor
    greeting = Greeting(text=text, author_id=author.id)
    db.session.add(greeting)
    db.session.commit()
    return greeting
