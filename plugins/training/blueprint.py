"""The plugin's two blueprints and what every view module shares.

``/trainings/…`` carries the pages (views, manage, review and coaching modules add their routes
to it); ``/api/v1/trainings`` is the JSON list. Both answer 404 while the plugin is disabled.
"""

from __future__ import annotations

from crpm_plugins.training import services
from crpm_plugins.training.models import Training
from flask import Blueprint, abort, render_template
from flask_login import current_user

from crpm_cms.plugin_api import csrf, require, visitor

blueprint = Blueprint("training", __name__, url_prefix="/trainings",
                      template_folder="templates")
api_blueprint = Blueprint("training_api", __name__, url_prefix="/api/v1/trainings")
csrf.exempt(api_blueprint)

REFUSED = 409  # a step the rules do not allow from the current state


def training_or_404(training_id: int) -> Training:
    """A training this visitor may see (drafts only for those who manage them)."""
    training = services.get_training(training_id)
    if training is None or not services.visible(visitor(), training):
        abort(404)
    return training


def managed_or_403(training_id: int) -> Training:
    """A training the signed-in person manages (sign-in page for visitors, 403 for others)."""
    require("training.manage")
    training = services.get_training(training_id)
    if training is None:
        abort(404)
    if not services.can_manage(current_user, training):
        abort(403)
    return training


def refused(message: str, back: str) -> tuple[str, int]:
    """The page for a step that was not taken: what happened and the way back."""
    return render_template("training/refused.html", message=message, back=back), REFUSED
