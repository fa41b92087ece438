"""Language choice: ``?lang=``, then the cookie, the user's preference, Accept-Language, default."""

from __future__ import annotations

from flask import Flask, Response, current_app, g, has_request_context, request, url_for
from flask_babel import get_locale
from flask_login import current_user

LANGUAGE_COOKIE = "crpm_lang"
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


def current_language() -> str:
    """The language of this request's pages (``fr`` outside a request unless configured)."""
    locale = get_locale()
    return locale.language if locale is not None else current_app.config["DEFAULT_LANGUAGE"]


def localised(fr: str | None, en: str | None, language: str | None = None) -> str:
    """The text in ``language`` (default: the visitor's); the French one where the English is
    missing, so a record translated only in part never shows an empty text."""
    first, other = (en, fr) if (language or current_language()) == "en" else (fr, en)
    return first or other or ""


def localised_field(record: object, name: str, language: str | None = None) -> str:
    """``localised`` on a record's ``<name>_fr`` and ``<name>_en`` attributes."""
    return localised(getattr(record, f"{name}_fr", None), getattr(record, f"{name}_en", None),
                     language)


def language_of(user: object | None) -> str:
    """The language a person reads e-mails in: their preference when the site offers it."""
    chosen = getattr(user, "language", None)
    if isinstance(chosen, str) and chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["DEFAULT_LANGUAGE"]


def select_locale() -> str:
    languages: list[str] = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["DEFAULT_LANGUAGE"]
    asked = request.args.get(language_parameter())
    if asked in languages:
        g.language_from_query = asked
        return asked
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in languages:
        return cookie
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    best = request.accept_languages.best_match(languages)
    return best or current_app.config["DEFAULT_LANGUAGE"]


def language_parameter() -> str:
    """``lang``, except on pages where ``lang`` is a filter (``/search?lang=`` picks the
    documents' language): there the interface language is ``ui_lang``."""
    filters = current_app.extensions.get("crpm_lang_filter_endpoints", ())
    return "ui_lang" if request.endpoint in filters else "lang"


def remember_language(response: Response) -> Response:
    """Keep a language picked with ``?lang=`` for the next pages."""
    chosen = g.get("language_from_query")
    if chosen and request.cookies.get(LANGUAGE_COOKIE) != chosen:
        response.set_cookie(LANGUAGE_COOKIE, chosen, max_age=3600 * 24 * 365, samesite="Lax",
                            httponly=True, secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def url_in_language(language: str, external: bool = False) -> str:
    """This page's URL in another language (for the switcher and hreflang links)."""
    if request.endpoint is None or request.url_rule is None:
        return url_for("site.home", lang=language, _external=external)
    arguments = {**(request.view_args or {}), **request.args.to_dict(),
                 language_parameter(): language}
    return url_for(request.endpoint, _external=external, **arguments)


def init_app(app: Flask) -> None:
    app.after_request(remember_language)
    app.jinja_env.globals.update(url_in_language=url_in_language, LANGUAGE_NAMES=LANGUAGE_NAMES,
                                get_locale=get_locale)
