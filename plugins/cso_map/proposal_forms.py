"""Between the forms and the rules: filling the proposal form and the record editor from an
organisation, turning them into ``ProposalData`` / places, and putting the rules' messages
on the fields they concern."""

from __future__ import annotations

from crpm_plugins.cso_map import places as place_rules
from crpm_plugins.cso_map.forms import MapRecordForm, PlaceForm, ProfileFields, ProposalForm
from crpm_plugins.cso_map.places import PlaceData
from crpm_plugins.cso_map.proposals import ProposalData
from crpm_plugins.cso_map.vocabulary import target_group_labels
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from crpm_cms.plugin_api import (
    Organisation,
    StaleRecord,
    User,
    countries,
    db,
    saving,
    seen_version,
    theme_choices,
)
from crpm_cms.plugin_api import organisation_kind_labels as kind_labels


def proposal_choices(form: ProposalForm) -> None:
    form.kind.choices = list(kind_labels().items())
    form.country.choices = [(country.code, country.name) for country in countries()]
    form.themes.choices = [choice for group in theme_choices(lambda t: t.code).values()
                           for choice in group]
    form.target_groups.choices = list(target_group_labels().items())
    form.place.form.country.choices = [("", "")]  # the proposal's place is in its country


def _fill_place(subform: PlaceForm, place: place_rules.Place) -> None:
    subform.country.data = place.country_code
    subform.city.data, subform.region.data = place.city, place.region
    subform.latitude.data = "" if place.latitude is None else f"{place.latitude:g}"
    subform.longitude.data = "" if place.longitude is None else f"{place.longitude:g}"
    subform.precision.data = place.precision


def _fill_profile(form: ProfileFields, organisation_id: int) -> None:
    profile = place_rules.profile_of(organisation_id)
    if profile is not None:
        form.target_groups.data = profile.target_group_codes
        form.gender_focus.data = profile.gender_focus
        form.working_languages.data = ";".join(profile.language_codes)


def fill_proposal_form(form: ProposalForm, organisation: Organisation) -> None:
    """Start a change proposal from the organisation's record as it is."""
    form.name.data, form.acronym.data = organisation.name, organisation.acronym
    form.kind.data, form.country.data = organisation.kind, organisation.country_code
    form.themes.data = [term.code for term in organisation.themes]
    form.description_fr.data = organisation.description_fr
    form.website.data, form.email.data = organisation.website, organisation.email
    current = place_rules.places_of(organisation.id)
    if current:
        _fill_place(form.place.form, current[0])
    _fill_profile(form, organisation.id)


def proposal_data(form: ProposalForm) -> ProposalData:
    place = None if form.place.form.is_empty() else form.place.form.place_data(form.country.data)
    profile = form.profile_data()
    return ProposalData(
        name=(form.name.data or "").strip(), kind=form.kind.data, country=form.country.data,
        acronym=(form.acronym.data or "").strip(), website=(form.website.data or "").strip(),
        email=(form.email.data or "").strip(), description_fr=form.description_fr.data or "",
        themes=list(form.themes.data or []), place=place.as_dict() if place else None,
        target_groups=profile.target_groups, gender_focus=profile.gender_focus,
        working_languages=profile.working_languages)


def _place_errors(subform: PlaceForm, place: PlaceData) -> bool:
    problems = place_rules.place_problems(place)
    for name, message in problems.items():
        field = getattr(subform, name)
        field.errors = [*field.errors, message]
    return not problems


def _profile_errors(form: ProfileFields) -> bool:
    problems = place_rules.profile_problems(form.profile_data())
    for name, message in problems.items():
        field = getattr(form, name)
        field.errors = [*field.errors, message]
    return not problems


def attach_problems(form: ProposalForm, needs_contact: bool) -> bool:
    """The rules' checks, as messages on the fields; ``True`` when there are none."""
    valid = _profile_errors(form)
    if not form.place.form.is_empty():
        valid = _place_errors(form.place.form,
                              form.place.form.place_data(form.country.data)) and valid
    for field in (form.submitter_name, form.submitter_email) if needs_contact else ():
        if not (field.data or "").strip():
            field.errors = [*field.errors, _("This field is required.")]
            valid = False
    return valid


def record_form(organisation: Organisation) -> MapRecordForm:
    """The editor of the places and directory fields, filled until it is posted."""
    form = MapRecordForm()
    form.target_groups.choices = list(target_group_labels().items())
    if not form.is_submitted():
        current = place_rules.places_of(organisation.id)
        while len(form.places) < len(current) + 1:
            form.places.append_entry()
        for subform, place in zip(form.places, current, strict=False):
            _fill_place(subform.form, place)
        _fill_profile(form, organisation.id)
        profile = place_rules.profile_of(organisation.id)
        form.version.data = str(profile.version if profile is not None else 0)
    every_country = [(country.code, country.name) for country in countries()]
    for subform in form.places:
        subform.form.country.choices = every_country
        subform.form.country.data = subform.form.country.data or organisation.country_code
    return form


def record_form_as_stored(organisation: Organisation) -> MapRecordForm:
    """The directory fields as the database holds them now (to show what someone changed)."""
    form = MapRecordForm(formdata=None)
    form.target_groups.choices = list(target_group_labels().items())
    _fill_profile(form, organisation.id)
    return form


def save_record_form(form: MapRecordForm, organisation: Organisation, editor: User) -> bool:
    """Check every place and the directory fields, then save them in one transaction."""
    filled = [subform.form for subform in form.places if not subform.form.is_empty()]
    wanted = [subform.place_data(organisation.country_code) for subform in filled]
    valid = _profile_errors(form)
    for subform, place in zip(filled, wanted, strict=True):
        valid = _place_errors(subform, place) and valid
    if not valid:
        return False
    profile = place_rules.profile_of(organisation.id)
    started_without = (form.version.data or "") == "0"  # the form saw no directory fields
    if profile is None and form.version.data and not started_without:
        raise StaleRecord(None)  # the record was deleted meanwhile
    if profile is not None and started_without:
        raise StaleRecord(profile.version)  # someone saved the first one meanwhile
    try:
        if profile is None:  # inserted now: a concurrent first save fails on its key
            profile = place_rules.start_profile(organisation.id)
        with saving(profile, seen_version(form.version.data)):
            place_rules.set_places(organisation.id, wanted)
            place_rules.set_profile(organisation.id, form.profile_data())
            if form.verified.data:
                place_rules.mark_verified(organisation.id, editor, "account")
            db.session.commit()
    except IntegrityError:  # another first save made the profile meanwhile
        db.session.rollback()
        raise StaleRecord(1) from None
    return True
