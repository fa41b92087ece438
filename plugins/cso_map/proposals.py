"""Self-submission and moderation: a member or a visitor proposes a new organisation or a change
to their own; the focal point of its country approves or rejects it with a message, and the
person who proposed it is told by e-mail.

A decision claims the proposal with one conditional ``UPDATE … WHERE status = 'pending'``, so
two focal points deciding at the same moment cannot both apply it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from crpm_plugins.cso_map import places as place_rules
from crpm_plugins.cso_map import search
from crpm_plugins.cso_map.models import Proposal
from crpm_plugins.cso_map.places import PlaceData, ProfileData
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import CursorResult, select, update

from crpm_cms.plugin_api import (
    THEME_VOCABULARIES,
    Organisation,
    Term,
    User,
    can,
    countries_for,
    db,
    holders,
    organisations,
    send_mail,
)

MODERATE = "cso_map.moderate"


class ProposalError(ValueError):
    """The proposal cannot be decided; the message is translated, for the moderator."""


@dataclass
class ProposalData:
    """What a proposal asks for: the organisation's main fields, one place, directory fields."""

    name: str
    kind: str
    country: str
    acronym: str = ""
    website: str = ""
    email: str = ""
    description_fr: str = ""
    themes: list[str] = field(default_factory=list)
    place: dict[str, Any] | None = None
    target_groups: list[str] = field(default_factory=list)
    gender_focus: str = "none"
    working_languages: list[str] = field(default_factory=list)

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> ProposalData:
        known = {name: payload[name] for name in cls.__dataclass_fields__ if name in payload}
        return cls(**known)

    def place_data(self) -> PlaceData | None:
        return PlaceData(**self.place) if self.place else None

    def profile_data(self) -> ProfileData:
        return ProfileData(self.target_groups, self.gender_focus, self.working_languages)


def submit(data: ProposalData, organisation: Organisation | None, submitter: User | None,
           name: str, email: str, language: str, note: str = "") -> Proposal:
    """Store the proposal and tell the focal points of its country."""
    proposal = Proposal(
        organisation_id=organisation.id if organisation else None,
        country_code=organisation.country_code if organisation else data.country,
        payload=asdict(data), note=note.strip(), submitter_id=submitter.id if submitter else None,
        submitter_name=name.strip(), submitter_email=email.strip(), language=language)
    db.session.add(proposal)
    db.session.commit()
    link = url_for("cso_map.proposal", proposal_id=proposal.id, _external=True)
    for moderator in holders(MODERATE, proposal.country_code):
        send_mail(moderator.email, "cso_map/proposal_received", moderator.language,
                  proposal=proposal, data=data, link=link)
    return proposal


def may_moderate(user: User | None, proposal: Proposal) -> bool:
    return can(user, MODERATE, proposal.country_code)


def pending_for(user: User | None) -> list[Proposal]:
    """Proposals waiting for this moderator: their countries', or every one for an admin."""
    scope = countries_for(user, MODERATE)
    query = select(Proposal).where(Proposal.status == "pending").order_by(Proposal.created_at)
    if scope is not None:
        query = query.where(Proposal.country_code.in_(scope or {""}))
    return list(db.session.scalars(query))


def recent_decisions(user: User | None, limit: int = 20) -> list[Proposal]:
    scope = countries_for(user, MODERATE)
    query = select(Proposal).where(Proposal.status != "pending")
    if scope is not None:
        query = query.where(Proposal.country_code.in_(scope or {""}))
    return list(db.session.scalars(query.order_by(Proposal.decided_at.desc()).limit(limit)))


def _claim(proposal: Proposal, status: str, moderator: User, message: str) -> None:
    """Mark the proposal decided, unless someone else decided it first."""
    # The ORM answers an UPDATE with a CursorResult; its type says only Result.
    claimed = cast(CursorResult[Any], db.session.execute(
        update(Proposal).where(Proposal.id == proposal.id, Proposal.status == "pending")
        .values(status=status, decision_message=message.strip(), decided_by_id=moderator.id,
                decided_at=datetime.now(UTC).replace(tzinfo=None))))
    if claimed.rowcount != 1:
        db.session.rollback()
        raise ProposalError(_("This proposal has already been decided."))


def organisation_data(data: ProposalData,
                      current: Organisation | None) -> organisations.OrganisationData:
    """The core record the proposal asks for; what it does not carry is kept."""
    theme_ids = list(db.session.scalars(select(Term.id).where(
        Term.vocabulary.in_(THEME_VOCABULARIES), Term.code.in_(data.themes))))
    return organisations.OrganisationData(
        name=data.name, kind=data.kind, country_code=data.country, acronym=data.acronym or None,
        website=data.website or None, email=data.email or None,
        description_fr=data.description_fr,
        description_en=current.description_en if current else "",
        visibility=current.visibility if current else "public",
        parent_id=current.parent_id if current else None, themes=theme_ids,
        countries=[country.code for country in current.countries] if current else [],
        identifiers=[(i.scheme, i.value) for i in current.identifiers] if current else [])


def approve(proposal: Proposal, moderator: User, message: str = "") -> Organisation:
    """Apply the proposal (the first place is replaced, other places kept) and tell its author."""
    data = ProposalData.from_payload(proposal.payload)
    current = proposal.organisation
    _claim(proposal, "approved", moderator, message)

    def write_map_record(saved: list[Organisation]) -> None:
        organisation = saved[0]
        kept = place_rules.places_of(organisation.id)[1:]
        wanted = [PlaceData(p.country_code, p.city, p.region, p.latitude, p.longitude,
                            p.precision) for p in kept]
        place = data.place_data()
        place_rules.set_places(organisation.id, ([place] if place else []) + wanted)
        place_rules.set_profile(organisation.id, data.profile_data())
        place_rules.mark_verified(organisation.id, moderator, "account")
        proposal.organisation_id = organisation.id

    with search.recording():
        saved = organisations.save_all([(current, organisation_data(data, current))], moderator,
                                       before_commit=write_map_record)[0]
    _tell_submitter(proposal, saved)
    return saved


def reject(proposal: Proposal, moderator: User, message: str) -> None:
    if not message.strip():
        raise ProposalError(_("Say why the proposal is rejected: the message is sent to its "
                              "author."))
    _claim(proposal, "rejected", moderator, message)
    db.session.commit()
    _tell_submitter(proposal, proposal.organisation)


def _tell_submitter(proposal: Proposal, organisation: Organisation | None) -> None:
    db.session.refresh(proposal)
    link = (url_for("organisations.detail", slug=organisation.slug, _external=True)
            if organisation is not None and proposal.status == "approved" else None)
    send_mail(proposal.submitter_email, "cso_map/proposal_decided", proposal.language,
              proposal=proposal, name=ProposalData.from_payload(proposal.payload).name,
              link=link)
