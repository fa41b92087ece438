"""Demo trainings of the four kinds, with sessions, intake questions, quotas, an application of
the demo member and two coaching slots (``crpm demo``; looked up by title, so it can rerun)."""

from __future__ import annotations

from datetime import datetime, timedelta

from crpm_plugins.training import applications, coaching, services
from crpm_plugins.training.models import CoachingSlot, Training
from sqlalchemy import select

from crpm_cms.plugin_api import Term, db, find_user_by_email, to_utc, utcnow

# kind, country, zone, titles, description, objectives, capacity, quotas, themes, sessions
# (days from now, hours, place or "" for online), questions
DEMO = [
    ("collective", "SN", "Africa/Dakar",
     ("Intégrer le genre dans les politiques migratoires",
      "Mainstreaming gender in migration policies"),
     ("Trois jours pour analyser une politique migratoire nationale avec les outils de "
      "l'analyse de genre, à partir des cas du Sénégal, de la Guinée et de la Côte d'Ivoire.",
      "Three days to analyse a national migration policy with gender-analysis tools, from the "
      "cases of Senegal, Guinea and Côte d'Ivoire."),
     ("Savoir conduire un diagnostic genre ; proposer des mesures de plaidoyer.",
      "Run a gender diagnosis; propose advocacy measures."),
     20, {"sex": {"man": 10}, "country": {"SN": 8}}, ("gender", "governance"),
     [(40, 9, "Dakar, Maison de la société civile"), (41, 9, "Dakar, Maison de la société civile"),
      (42, 9, "Dakar, Maison de la société civile")],
     [("text", "Quel est votre rôle dans votre organisation ?", ""),
      ("choice", "Votre expérience de l'analyse de genre", "Débutante\nIntermédiaire\nAvancée"),
      ("yes_no", "Votre organisation a-t-elle déjà un plan d'action genre ?", "")]),
    ("study_visit", "MA", "Africa/Casablanca",
     ("Visite d'études : le dialogue pluri-acteurs à Rabat et Oujda",
      "Study visit: multi-stakeholder dialogue in Rabat and Oujda"),
     ("Rencontres avec les services de l'État, les collectivités et les associations qui "
      "accompagnent les personnes migrantes au Maroc.",
      "Meetings with state services, local authorities and associations supporting migrants "
      "in Morocco."),
     ("Comparer les cadres de concertation ; ramener des pratiques transposables.",
      "Compare dialogue frameworks; bring back transferable practices."),
     12, {}, ("dialogue", "regional_mobility"),
     [(60, 9, "Rabat"), (62, 9, "Oujda")],
     [("text", "Quelle pratique aimeriez-vous observer ?", "")]),
    ("professional_exchange", "CI", "Africa/Abidjan",
     ("Échange professionnel : suivre une politique publique migratoire",
      "Professional exchange: monitoring a public migration policy"),
     ("Deux organisations de pays différents travaillent ensemble pendant une semaine sur leurs "
      "tableaux de bord de suivi.",
      "Two organisations from different countries work together for a week on their monitoring "
      "dashboards."),
     ("Construire des indicateurs partagés.", "Build shared indicators."),
     6, {}, ("policy_monitoring",), [(75, 10, "")], []),
    ("coaching", None, "Africa/Dakar",
     ("Accompagnement personnalisé : monter un programme avec la diaspora",
      "Personalised coaching: building a programme with the diaspora"),
     ("Des séances individuelles avec une coach pour structurer un projet de codéveloppement.",
      "One-to-one sessions with a coach to structure a co-development project."),
     ("Un projet prêt à être présenté à un bailleur.", "A project ready for a funder."),
     None, {}, ("diaspora", "development"), [(30, 15, "")], []),
]


def _training(entry: tuple, now: datetime) -> Training:
    (kind, country, zone, titles, descriptions, objectives, capacity, quotas, themes,
     sessions, questions) = entry
    existing = db.session.scalar(select(Training).where(Training.title_fr == titles[0]))
    if existing is not None:
        return existing
    theme_ids = list(db.session.scalars(select(Term.id).where(
        Term.vocabulary == "theme", Term.code.in_(themes))))
    training = services.save_training(None, services.TrainingData(
        kind=kind, title_fr=titles[0], title_en=titles[1], description_fr=descriptions[0],
        description_en=descriptions[1], objectives_fr=objectives[0], objectives_en=objectives[1],
        prerequisites_fr="Travailler dans une organisation membre du réseau.",
        prerequisites_en="Work in a member organisation of the network.",
        country_code=country, timezone=zone, target_countries=[country] if country else [],
        target_kinds=["cso", "network", "diaspora"], theme_ids=theme_ids,
        applications_open_at=now - timedelta(days=7),
        applications_close_at=now + timedelta(days=25), published=True, capacity=capacity,
        quotas=quotas), None)
    for days, hour, place in sessions:
        start = (now + timedelta(days=days)).replace(hour=hour, minute=0, second=0,
                                                     microsecond=0)
        services.add_session(training, to_utc(start, zone), to_utc(start, zone)
                             + timedelta(hours=7), zone, place=place, online=not place,
                             trainers="Équipe CRPM")
    for kind_, label, choices in questions:
        services.add_question(training, kind_, label, choices)
    return training


def load() -> None:
    now = utcnow()
    trainings = [_training(entry, now) for entry in DEMO]
    member = find_user_by_email("member@demo.crpm")
    if member is not None and applications.own_registration(trainings[0], member) is None:
        answers = {str(q.id): a for q, a in zip(trainings[0].questions,
                                                 ("Chargée de programme", "Intermédiaire",
                                                  "no"), strict=False)}
        applications.apply(trainings[0], member, answers)
    coach = find_user_by_email("admin@demo.crpm")
    if coach is None or db.session.scalar(select(CoachingSlot.id).limit(1)) is not None:
        return
    for days, topic in ((10, "Structurer un projet de codéveloppement"),
                        (12, "Préparer une note de plaidoyer")):
        start = (now + timedelta(days=days)).replace(hour=10, minute=0, second=0, microsecond=0)
        coaching.create_slot(coach, topic, to_utc(start, "Africa/Dakar"),
                             to_utc(start + timedelta(hours=1), "Africa/Dakar"), "Africa/Dakar")

