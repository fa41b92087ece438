"""Realistic demo content for the eight CRPM countries and the diaspora in France (idempotent)."""

from __future__ import annotations

from sqlalchemy import select

from crpm_cms.extensions import db
from crpm_cms.organisations import services as organisations
from crpm_cms.organisations.models import Organisation
from crpm_cms.taxonomies.models import Term
from crpm_cms.users import services as users

DEMO_ACCOUNTS = (
    ("admin@demo.crpm", "admin"),
    ("editor@demo.crpm", "editor"),
    ("member@demo.crpm", "member"),
)

# name, acronym, kind, country, themes, description (fr), description (en), identifier
DemoOrganisation = tuple[str, str, str, str, tuple[str, ...], str, str, tuple[str, str] | None]
DEMO_ORGANISATIONS: list[DemoOrganisation] = [
    ("Plateforme des acteurs non étatiques du Sénégal pour les migrations", "PANES-M", "network",
     "SN", ("governance", "dialogue", "policy_monitoring"),
     "Point focal national du réseau CRPM au Sénégal ; coordonne le suivi de la politique "
     "nationale de migration avec les services de l'État.",
     "CRPM national focal point in Senegal; coordinates civil-society monitoring of the national "
     "migration policy.", ("SN-NINEA", "005432178")),
    ("Association des femmes migrantes de retour de Thiès", "AFMRT", "cso", "SN",
     ("gender", "return"),
     "Accompagne la réinsertion économique des femmes revenues d'émigration dans la région de "
     "Thiès.", "Supports the economic reintegration of returning women migrants around Thiès.",
     None),
    ("Direction générale d'appui aux Sénégalais de l'extérieur", "DGASE", "public_institution",
     "SN", ("diaspora", "governance"),
     "Service public chargé du lien avec les Sénégalais établis à l'étranger.",
     "Public service in charge of relations with Senegalese citizens living abroad.", None),
    ("Réseau ivoirien de la société civile sur les migrations", "RISCM", "network", "CI",
     ("governance", "human_rights", "dialogue"),
     "Point focal national en Côte d'Ivoire ; anime les forums nationaux sur la mobilité.",
     "National focal point in Côte d'Ivoire; runs the national forums on mobility.",
     ("CI-RCCM", "CI-ABJ-2014-B-1123")),
    ("Observatoire ivoirien des mobilités", "OIM-CI", "research", "CI",
     ("policy_monitoring", "regional_mobility"),
     "Centre de recherche universitaire sur les mobilités ouest-africaines.",
     "University research centre on West African mobility.", None),
    ("Collectif guinéen pour la migration et le développement", "COGUIMED", "network", "GN",
     ("development", "dialogue"),
     "Point focal national en Guinée ; fédère une quarantaine d'associations à Conakry et en "
     "région.", "National focal point in Guinea; brings together some forty associations.",
     None),
    ("Association guinéenne des jeunes pour une migration sûre", "AGJMS", "cso", "GN",
     ("human_rights", "return"),
     "Sensibilise les jeunes aux risques de la migration irrégulière et aux voies légales.",
     "Informs young people about the risks of irregular migration and regular pathways.", None),
    ("Plateforme camerounaise des OSC sur les migrations", "PCOM", "network", "CM",
     ("governance", "gender", "dialogue"),
     "Point focal national au Cameroun ; travaille à Douala, Yaoundé et dans l'Extrême-Nord.",
     "National focal point in Cameroon, active in Douala, Yaoundé and the Far North.", None),
    ("Ministère des Relations extérieures — Division des Camerounais de l'étranger", "MINREX-DCE",
     "public_institution", "CM", ("diaspora",),
     "Division ministérielle en charge de la diaspora camerounaise.",
     "Ministry division in charge of the Cameroonian diaspora.", None),
    ("Réseau comorien des associations de développement", "RECAD", "network", "KM",
     ("development", "diaspora"),
     "Point focal national aux Comores ; relie les villages et leurs associations en France.",
     "National focal point in the Comoros; links villages with their associations in France.",
     None),
    ("Plateforme malgache société civile et migrations", "PMSCM", "network", "MG",
     ("governance", "human_rights"),
     "Point focal national à Madagascar ; suit la protection des travailleurs migrants.",
     "National focal point in Madagascar; follows the protection of migrant workers.", None),
    ("Centre d'études sur la migration de travail à Antananarivo", "CEMTA", "research", "MG",
     ("policy_monitoring",), "Études sur la migration de travail vers les pays du Golfe.",
     "Studies on labour migration to the Gulf countries.", None),
    ("Collectif marocain migrations et droits", "CMMD", "network", "MA",
     ("human_rights", "regional_mobility", "dialogue"),
     "Point focal national au Maroc ; accompagne l'accès aux droits des personnes migrantes.",
     "National focal point in Morocco; helps migrants access their rights.", None),
    ("Association Femmes et mobilités de l'Oriental", "AFMO", "cso", "MA", ("gender",),
     "Soutien psychosocial et juridique aux femmes migrantes dans la région de l'Oriental.",
     "Psychosocial and legal support for women migrants in the Oriental region.", None),
    ("Forum tunisien pour la gouvernance des migrations", "FTGM", "network", "TN",
     ("governance", "policy_monitoring"),
     "Point focal national en Tunisie ; produit des notes de positionnement.",
     "National focal point in Tunisia; writes position notes.", None),
    ("Office des Tunisiens à l'étranger", "OTE", "public_institution", "TN", ("diaspora",),
     "Établissement public d'accompagnement des Tunisiens résidant à l'étranger.",
     "Public body supporting Tunisians living abroad.", None),
    ("Fédération des associations de la diaspora sénégalaise en France", "FADSF", "diaspora",
     "FR", ("diaspora", "development"),
     "Fédère des associations de ressortissants sénégalais en Île-de-France et à Lyon.",
     "Federates Senegalese home-town associations in the Paris region and Lyon.",
     ("FR-RNA", "W751234567")),
    ("Collectif des Comoriens de Marseille pour le codéveloppement", "CCMC", "diaspora", "FR",
     ("diaspora", "development"),
     "Finance et suit des projets d'eau et d'éducation dans les villages de Grande Comore.",
     "Funds and follows water and school projects in Grande Comore villages.", None),
    ("Association des Guinéens de France pour la solidarité", "AGFS", "diaspora", "FR",
     ("diaspora", "return"),
     "Accompagne les projets de retour volontaire et d'investissement en Guinée.",
     "Supports voluntary return and investment projects in Guinea.", None),
]


def load_demo_data(password: str) -> None:
    """Create the demo organisations and accounts that do not exist yet."""
    theme_ids = {term.code: term.id for term in db.session.scalars(
        select(Term).where(Term.vocabulary == "theme"))}
    by_acronym = {}
    for name, acronym, kind, country, themes, text_fr, text_en, identifier in DEMO_ORGANISATIONS:
        existing = db.session.scalar(select(Organisation).where(Organisation.name == name))
        if existing is None:
            existing = organisations.save(None, organisations.OrganisationData(
                name=name, acronym=acronym, kind=kind, country_code=country,
                description_fr=text_fr, description_en=text_en,
                countries=[country], themes=[theme_ids[code] for code in themes],
                identifiers=[identifier] if identifier else [],
            ), actor=None)
        by_acronym[acronym] = existing
    organisations_of = {"admin": None, "editor": by_acronym["PANES-M"],
                        "member": by_acronym["AFMRT"]}
    names = {"admin": "Aïssatou Diallo", "editor": "Moussa Ndiaye", "member": "Fatou Sarr"}
    for email, role in DEMO_ACCOUNTS:
        if users.find_by_email(email) is not None:
            continue
        organisation = organisations_of[role]
        user = users.create_user(email, names[role], password, language="fr",
                                 organisation_id=organisation.id if organisation else None)
        users.set_roles(user, [(role, "SN" if role == "editor" else None)])
