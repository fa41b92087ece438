"""Themed, translated error pages; a traceback is never shown to a visitor."""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from crpm_cms.extensions import db

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please go back and try "
                               "again.")),
    401: (_l("Sign-in required"), _l("Please sign in to see this page.")),
    403: (_l("Access denied"), _l("Your account does not have the right to see this page.")),
    404: (_l("Page not found"), _l("This page does not exist or is no longer available.")),
    405: (_l("Method not allowed"), _l("This address does not accept this kind of request.")),
    413: (_l("File too large"), _l("What you sent is larger than this site accepts. Please send "
                                   "a smaller file.")),
    429: (_l("Too many attempts"), _l("Too many attempts in a short time. Please wait a minute "
                                      "and try again.")),
    500: (_l("Something went wrong"), _l("An unexpected error occurred. It has been recorded; "
                                         "please try again later.")),
}
CSRF_MESSAGE = _l("The form had expired or was sent from another site. Please go back, reload "
                  "the page and send it again.")


def wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(error: HTTPException) -> tuple[str | Response, int]:
    code = error.code or 500
    title, message = MESSAGES.get(code, MESSAGES[500 if code >= 500 else 400])
    if isinstance(error, CSRFError):
        message = CSRF_MESSAGE
    if wants_json():
        return jsonify(error=str(title), message=str(message)), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def render_unexpected(error: Exception) -> tuple[str | Response, int]:
    if isinstance(error, HTTPException):
        return render_error(error)
    current_app.logger.exception("Unexpected error on %s %s", request.method, request.path)
    db.session.rollback()  # a failed statement leaves PostgreSQL refusing the page's own queries
    return render_error(InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, render_error)
    app.register_error_handler(Exception, render_unexpected)
