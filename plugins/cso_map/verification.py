"""The yearly "please confirm your record" campaign.

Organisations whose record was last checked (or, never checked, last changed) more than a year
ago get an e-mail with a signed link: one click confirms the record, or the link opens a form to
propose changes, which the focal point moderates. A row per organisation and year is written
before the e-mail goes, so running the campaign again the same year sends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from crpm_plugins.cso_map import places as place_rules
from crpm_plugins.cso_map.models import Profile, VerificationReminder
from flask import current_app, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError

from crpm_cms.plugin_api import Organisation, db, external_links, send_mail

SALT = "crpm-cso_map-verification"
LINK_MAX_AGE = 3600 * 24 * 90  # a link works for three months
RECORD_MAX_AGE = timedelta(days=365)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_token(organisation: Organisation, year: int) -> str:
    return _serializer().dumps([organisation.id, year])


def organisation_from_token(token: str) -> Organisation | None:
    """The organisation a link was sent for, or ``None`` if it is forged, old or unknown."""
    try:
        organisation_id, _year = _serializer().loads(token, max_age=LINK_MAX_AGE)
    except (BadSignature, ValueError, TypeError):
        return None
    return db.session.get(Organisation, organisation_id) if isinstance(organisation_id, int) \
        else None


def due(today: date) -> list[Organisation]:
    """Organisations with an e-mail address, not yet reminded this year, whose record is older
    than a year."""
    cutoff = today - RECORD_MAX_AGE
    reminded = select(VerificationReminder.organisation_id).where(
        VerificationReminder.year == today.year)
    query = (select(Organisation).outerjoin(Profile, Profile.organisation_id == Organisation.id)
             .where(Organisation.email.is_not(None), Organisation.email != "",
                    Organisation.id.not_in(reminded),
                    or_(Profile.last_verified_on < cutoff,
                        and_(Profile.last_verified_on.is_(None),
                             Organisation.updated_at < datetime.combine(cutoff, time()))))
             .order_by(Organisation.id))
    return list(db.session.scalars(query))


@dataclass
class CampaignResult:
    sent: int = 0
    already: int = 0

    def __str__(self) -> str:
        return _("%(sent)s reminder(s) sent, %(already)s already sent this year.",
                 sent=self.sent, already=self.already)


def _claim(organisation: Organisation, year: int) -> bool:
    """Record the reminder before sending it; ``False`` when another run already did."""
    db.session.add(VerificationReminder(organisation_id=organisation.id, year=year,
                                        sent_to=organisation.email or ""))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def _send(organisation: Organisation, year: int) -> None:
    token = make_token(organisation, year)
    send_mail(organisation.email or "", "cso_map/verification_reminder", None,
              organisation=organisation, year=year,
              link=url_for("cso_map.verify", token=token, _external=True),
              edit_link=url_for("cso_map.verify_edit", token=token, _external=True))


def send_reminders(today: date | None = None, site_url: str | None = None) -> CampaignResult:
    """Send this year's reminders that are due; safe to run again (from cron or by hand)."""
    today = today or date.today()
    result = CampaignResult()
    with external_links(site_url):
        for organisation in due(today):
            if _claim(organisation, today.year):
                _send(organisation, today.year)
                result.sent += 1
            else:
                result.already += 1
    return result


def confirm(organisation: Organisation) -> None:
    """The organisation confirmed its record through the e-mailed link."""
    place_rules.mark_verified(organisation.id, None, "email")
    db.session.commit()


def reminder_job() -> str:
    """``crpm jobs run cso_map.remind_verification``: this year's campaign."""
    return str(send_reminders())
