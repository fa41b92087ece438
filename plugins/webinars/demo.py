"""Demo events for ``crpm demo``: upcoming and past, in the zones of the network (idempotent)."""

from __future__ import annotations

from datetime import datetime, timedelta

from crpm_plugins.webinars.models import WebinarEvent
from crpm_plugins.webinars.services import EventData, MaterialData, SpeakerData, save_event
from sqlalchemy import select

from crpm_cms.plugin_api import Organisation, db, utcnow

# title (fr), title (en), kind, zone, days from today (None: the fixed date), hour, hours,
# format, place, countries, themes, organisers (acronyms), capacity, speakers
DemoEvent = tuple[str, str, str, str, int | None, int, int, str, str, list[str], list[str],
                  list[str], int | None, list[tuple[str, str | None, str | None]]]
DEMO_EVENTS: list[DemoEvent] = [
    ("Webinaire : la réintégration des femmes migrantes de retour",
     "Webinar: reintegrating returning women migrants", "webinar", "Africa/Dakar", 9, 15, 2,
     "online", "", ["SN"], ["gender", "return"], ["AFMRT", "PANES-M"], 40,
     [("Awa Diop", "AFMRT", "woman"), ("Mamadou Fall", "DGASE", "man")]),
    ("Forum national Mobilités, Droits humains et Diasporas — Rabat",
     "National forum on mobility, human rights and diasporas — Rabat", "national_forum",
     "Africa/Casablanca", None, 10, 6, "hybrid", "Rabat, Bibliothèque nationale", ["MA"],
     ["human_rights", "diaspora"], ["CMMD", "AFMO"], 120,
     [("Nadia Benali", "CMMD", "woman"), ("Youssef El Amrani", "AFMO", "man"),
      ("Khadija Tazi", None, "woman")]),
    ("Atelier régional de dialogue : données et politiques migratoires",
     "Regional dialogue workshop: data and migration policies", "regional_workshop",
     "Africa/Abidjan", 30, 9, 7, "in_person", "Abidjan, Plateau", ["CI", "GN", "SN"],
     ["policy_monitoring", "dialogue"], ["RISCM", "OIM-CI"], 35,
     [("Koffi N'Guessan", "OIM-CI", "man"), ("Fatoumata Camara", "COGUIMED", "woman")]),
    ("Atelier genre et migration : Comores et diaspora de Marseille",
     "Gender and migration workshop: the Comoros and the Marseille diaspora", "gender_workshop",
     "Indian/Comoro", 16, 14, 3, "online", "", ["KM", "FR"], ["gender", "diaspora"],
     ["RECAD", "CCMC"], 30,
     [("Salama Ahmed", "RECAD", "woman"), ("Ibrahim Said", "CCMC", None)]),
    ("Webinaire : protéger les travailleurs migrants malgaches dans le Golfe",
     "Webinar: protecting Malagasy migrant workers in the Gulf", "webinar",
     "Indian/Antananarivo", -20, 10, 2, "online", "", ["MG"], ["human_rights"],
     ["PMSCM", "CEMTA"], None,
     [("Hanta Rakoto", "CEMTA", "woman"), ("Fara Randria", "PMSCM", "woman")]),
    ("Rencontre institutionnelle : la diaspora tunisienne en France",
     "Institutional meeting: the Tunisian diaspora in France", "meeting", "Europe/Paris", -45,
     18, 2, "in_person", "Paris, Maison des associations", ["TN", "FR"], ["diaspora"],
     ["OTE", "FTGM"], 25,
     [("Leïla Ben Salah", "OTE", "woman"), ("Karim Jaziri", "FTGM", "man")]),
    ("Webinaire : la migration de retour au Cameroun", "Webinar: return migration in Cameroon",
     "webinar", "Africa/Douala", 45, 11, 2, "online", "", ["CM"], ["return", "governance"],
     ["PCOM"], 20, [("Jean-Paul Mbarga", "PCOM", "man")]),
]
RAMADAN_FORUM = datetime(2027, 2, 25, 10, 0)  # Morocco is on UTC+0 that day


def _start(days: int | None, hour: int) -> datetime:
    if days is None:
        return RAMADAN_FORUM
    today = utcnow().date() + timedelta(days=days)
    return datetime(today.year, today.month, today.day, hour)


def load() -> None:
    """Create the demo events that do not exist yet (looked up by their French title)."""
    by_acronym = {o.acronym: o.id for o in db.session.scalars(select(Organisation))}
    existing = set(db.session.scalars(select(WebinarEvent.title_fr)))
    for (title_fr, title_en, kind, zone_name, days, hour, hours, event_format, place, countries,
         themes, organisers, capacity, speakers) in DEMO_EVENTS:
        if title_fr in existing:
            continue
        starts = _start(days, hour)
        past = starts < utcnow()
        data = EventData(
            kind=kind, timezone=zone_name, starts_local=starts,
            ends_local=starts + timedelta(hours=hours), title_fr=title_fr, title_en=title_en,
            description_fr=f"{title_fr}. Échanges entre organisations de la société civile, "
                           "institutions publiques et associations de la diaspora.",
            description_en=f"{title_en}. An exchange between civil-society organisations, "
                           "public institutions and diaspora associations.",
            format=event_format, place=place, capacity=capacity,
            joining_url="" if event_format == "in_person"
            else "https://visio.example.org/crpm-" + kind.replace("_", "-"),
            organisation_ids=[by_acronym[a] for a in organisers if a in by_acronym],
            country_codes=countries, theme_codes=themes,
            speakers=[SpeakerData(name, affiliation or "", gender)
                      for name, affiliation, gender in speakers],
            materials=[MaterialData("recording", "Enregistrement",
                                    "https://video.example.org/crpm/replay")] if past else [])
        save_event(None, data, None)
