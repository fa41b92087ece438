"""French-aware relevance, on both backends: accents, plurals, elision (' and ’), mixed case and
accent typos must put the expected record in the top three."""

from __future__ import annotations

from flask import Flask

from tests.test_search_support import (
    document,
    organisation,
    publish,
    search_app_fixture,
    titles,
)

search_app = search_app_fixture()

CORPUS = {
    "Politique nationale de migration du Sénégal":
        "Le gouvernement adopte une politique nationale pour encadrer la migration de travail.",
    "Les femmes dans la diaspora comorienne":
        "Portrait de femmes entrepreneures installées à Marseille et de leurs associations.",
    "Migration et développement durable":
        "Comment les projets de développement local s'appuient sur l'épargne des migrants.",
    "L’éducation des enfants migrants":
        "Accès à l’école des enfants en situation de mobilité dans la sous-région.",
    "Portabilité de la sécurité sociale":
        "Les accords bilatéraux garantissent la sécurité sociale des travailleurs à l'étranger.",
    "Les transferts de fonds de la diaspora":
        "Le coût des transferts de fonds vers Madagascar et les Comores reste élevé.",
    "Retour et réintégration des migrants":
        "Accompagnement psychosocial et insertion économique après le retour au pays.",
    "Dialogue avec la société civile ivoirienne":
        "Atelier d’échange à Abidjan entre les autorités et les organisations de Côte d’Ivoire.",
    "Women migrant workers in the Gulf":
        "Recruitment fees and labour rights of women who migrate for domestic work.",
    "Border management policies":
        "Cooperation on border management between Morocco and Tunisia.",
    # distractors that share the common words
    "Rapport annuel du réseau": "Le réseau publie son rapport sur la migration et la diaspora.",
    "Note sur les mobilités régionales": "Les migrations régionales et les politiques publiques.",
    "Compte rendu de l'assemblée générale": "Les membres du réseau ont voté le budget annuel.",
    "Étude sur les migrations climatiques": "Sécheresse, agriculture et départs des jeunes ruraux.",
}

# query → the title expected in the top three
QUERIES = {
    "migrations": "Politique nationale de migration du Sénégal",
    "femme": "Les femmes dans la diaspora comorienne",
    "developpement": "Migration et développement durable",
    "dèveloppement durable": "Migration et développement durable",  # wrong accent
    "éducation": "L’éducation des enfants migrants",
    "L'education": "L’éducation des enfants migrants",  # straight apostrophe, no accent
    "l’Éducation des enfants": "L’éducation des enfants migrants",
    "SÉCURITÉ SOCIALE": "Portabilité de la sécurité sociale",
    "securite sociale": "Portabilité de la sécurité sociale",
    "sécurite": "Portabilité de la sécurité sociale",
    "transfert de fond": "Les transferts de fonds de la diaspora",
    '"transferts de fonds"': "Les transferts de fonds de la diaspora",
    "reintegration": "Retour et réintégration des migrants",
    "Réintégrations": "Retour et réintégration des migrants",
    "côte d'ivoire": "Dialogue avec la société civile ivoirienne",
    "COTE D’IVOIRE": "Dialogue avec la société civile ivoirienne",
    "les migrations climatiques": "Étude sur les migrations climatiques",
    "women worker": "Women migrant workers in the Gulf",
    "policy": "Border management policies",
    "Borders": "Border management policies",
}


ENGLISH = ("Women migrant workers in the Gulf", "Border management policies")


def add_corpus(app: Flask) -> None:
    """The corpus spread over three kinds of record: news, library documents, organisations
    (organisations are described in French, so the English texts are news and documents)."""
    for number, (title, text) in enumerate(CORPUS.items()):
        if title in ENGLISH:
            publish(app, title, text, language="en") if number % 2 else \
                document(app, title, text, language="en")
        elif number % 3 == 0:
            publish(app, title, text, country_code="SN")
        elif number % 3 == 1:
            document(app, title, text)
        else:
            organisation(app, title, text)


def test_the_expected_record_is_in_the_top_three(search_app: Flask) -> None:
    add_corpus(search_app)
    client = search_app.test_client()
    misses = {}
    for query, expected in QUERIES.items():
        found = titles(client, q=query)
        if expected not in found[:3]:
            misses[query] = found[:3]
    assert not misses, f"expected record not in the top three: {misses}"
