"""The ceiling this stack allows: bare Flask pages the benchmark compares the CMS with.

- ``/page?bytes=N`` renders a Jinja template of about N bytes (a list of links, escaped as a
  real page is) without touching a database;
- ``/list`` selects the 20 newest published news items with Flask-SQLAlchemy and renders them
  with a minimal template: one query, no plugins, no sessions, no translations.

Served by gunicorn: ``gunicorn 'bare:create_app()'`` with ``BARE_DATABASE_URL`` set.
"""

from __future__ import annotations

import os
from datetime import datetime
from functools import cache

from flask import Flask, request
from flask_sqlalchemy import SQLAlchemy
from jinja2 import Template
from sqlalchemy import String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

LINE = '<li><a href="/news/item-{{ i }}">{{ title }} {{ i }}</a></li>\n'
LINE_BYTES = 60  # about the rendered length of one LINE
TITLE = "Actualités & notes"
HEAD = "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>{{ title }}" \
       "</title></head><body><main><h1>{{ title }}</h1><ul>\n"
TAIL = "</ul><p>{{ padding }}</p></main></body></html>\n"
LIST = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>News</title></head>
<body><main><h1>News</h1><ul>
{% for item in items %}<li><a href="/news/{{ item.slug }}">{{ item.title }}</a>
<time>{{ item.publish_at.isoformat() }}</time><p>{{ item.summary }}</p></li>
{% endfor %}</ul></main></body></html>
"""


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class NewsItem(db.Model):  # type: ignore[name-defined]
    """The few columns of the CMS's content table a list needs."""

    __tablename__ = "content_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    slug: Mapped[str] = mapped_column(String(160))
    title: Mapped[str] = mapped_column(String(255))
    summary: Mapped[str]
    publish_at: Mapped[datetime]


@cache
def page_template(size: int) -> tuple[Template, int, str]:
    """A template rendering to ``size`` bytes: as many lines of links as fit, then padding."""
    template = Template(HEAD + "{% for i in range(lines) %}" + LINE + "{% endfor %}" + TAIL,
                        autoescape=True)

    def rendered(lines: int) -> int:
        return len(template.render(title=TITLE, lines=lines, padding="").encode())

    lines = max(0, (size - rendered(0)) // LINE_BYTES)
    while lines and rendered(lines) > size:
        lines -= max(1, (rendered(lines) - size) // LINE_BYTES)
    return template, lines, "x" * max(0, size - rendered(lines))


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["BARE_DATABASE_URL"]
    db.init_app(app)
    list_template = app.jinja_env.from_string(LIST)  # compiled once, as Flask caches files

    @app.get("/page")
    def page() -> str:
        template, lines, padding = page_template(request.args.get("bytes", 20000, type=int))
        return template.render(title=TITLE, lines=lines, padding=padding)

    @app.get("/list")
    def news_list() -> str:
        items = db.session.scalars(
            select(NewsItem).where(NewsItem.kind == "news", NewsItem.status == "published")
            .order_by(NewsItem.publish_at.desc()).limit(20)).all()
        return list_template.render(items=items)

    return app
