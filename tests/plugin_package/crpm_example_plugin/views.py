"""``/example/``: the list of notes, and a form for those allowed to write."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from crpm_cms.plugin_api import can, require
from crpm_example_plugin import services
from crpm_example_plugin.forms import NoteForm

# URL prefix = plugin name; templates and static files travel with the plugin.
blueprint = Blueprint("example", __name__, url_prefix="/example",
                      template_folder="templates", static_folder="static")
# A plugin's JSON API lives under /api/v1/ in a blueprint of its own (described by openapi_paths).
api_blueprint = Blueprint("example_api", __name__, url_prefix="/api/v1/example-notes")


@blueprint.get("/")
def index() -> str:
    form = NoteForm() if can(current_user, "example.write") else None
    return render_template("example/index.html", notes=services.all_notes(), form=form)


@blueprint.post("/")
def add() -> ResponseReturnValue:
    require("example.write")
    form = NoteForm()
    if form.validate_on_submit():
        try:
            services.add_note(form.text.data or "")
        except services.NoteError as error:
            form.text.errors = [str(error)]
        else:
            flash(_("Note added."), "success")
            return redirect(url_for("example.index"))
    return render_template("example/index.html", notes=services.all_notes(), form=form), 400


@api_blueprint.get("")
def api_notes() -> ResponseReturnValue:
    return jsonify(results=[{"id": note.id, "text": note.text} for note in services.all_notes()])
