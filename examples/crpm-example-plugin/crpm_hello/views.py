"""``/hello/``: the greetings, and a form for members. Views parse, check and render; the rules
are in ``services.py``."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from crpm_cms.plugin_api import can, require, visitor
from crpm_hello import services
from crpm_hello.forms import GreetingForm

# URL prefix = the plugin's name; templates and static files travel with the plugin. While the
# plugin is disabled every route here, static files included, answers 404.
blueprint = Blueprint("hello", __name__, url_prefix="/hello", template_folder="templates",
                      static_folder="static")


@blueprint.get("/")
def index() -> str:
    form = GreetingForm() if can(visitor(), services.POST) else None
    return render_template("hello/index.html", greetings=services.latest(), form=form)


@blueprint.post("/")
def post() -> ResponseReturnValue:
    require(services.POST)  # the sign-in page for a visitor, 403 for an account without it
    form = GreetingForm()
    if form.validate_on_submit():
        try:
            services.add(visitor(), form.text.data or "")
        except services.GreetingError as error:
            form.text.errors = [str(error)]
        else:
            flash(_("Thank you: your greeting is on the page."), "success")
            return redirect(url_for("hello.index"))
    return render_template("hello/index.html", greetings=services.latest(), form=form), 400
