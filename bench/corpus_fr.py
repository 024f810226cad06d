"""French headlines for the benchmark corpus (the demo writes only Arabic and English).

A few (headline, lead) pairs per story kind, in the register of francophone wire copy, with slots
for the outlet's home country and numbers. Enough for French to be a real share of the corpus that
language detection, the country matcher and the query language meet; not a demo of French news.
"""

from __future__ import annotations

import random

from ingest.demo.stories import KINDS

# Country names as French copy writes them ("en Égypte", "au Liban" are avoided: the name stands alone).
_HOME = {"EG": "l'Égypte", "SA": "l'Arabie saoudite", "AE": "les Émirats arabes unis", "QA": "le Qatar",
         "LB": "le Liban", "JO": "la Jordanie", "IQ": "l'Irak", "RU": "la Russie", "TR": "la Turquie",
         "US": "les États-Unis", "GB": "le Royaume-Uni", "FR": "la France", "DE": "l'Allemagne"}
_CAPITAL = {"EG": "Le Caire", "SA": "Riyad", "AE": "Abou Dhabi", "QA": "Doha", "LB": "Beyrouth", "JO": "Amman",
            "IQ": "Bagdad", "RU": "Moscou", "TR": "Ankara", "US": "Washington", "GB": "Londres", "FR": "Paris",
            "DE": "Berlin"}

_TEMPLATES: dict[str, tuple[tuple[str, str], ...]] = {
    "gaza-mediation": (
        ("Gaza : les médiateurs relancent les négociations sur un cessez-le-feu",
         "L'Égypte, le Qatar et les États-Unis multiplient les contacts pour obtenir une trêve à Gaza."),
        ("Trêve à Gaza : nouvelle réunion au Caire sur l'échange d'otages",
         "Les délégations sont attendues au Caire pour discuter d'un échange d'otages et de prisonniers."),
    ),
    "us-russia-relations": (
        ("Lavrov évoque une rencontre entre Moscou et Washington",
         "Le ministre russe des Affaires étrangères a indiqué qu'une réunion avec les États-Unis était en préparation."),
        ("Sanctions : Washington prolonge les mesures contre des groupes russes",
         "Le Trésor américain a prolongé les sanctions visant plusieurs entreprises russes de l'énergie."),
    ),
    "ukraine-war": (
        ("Ukraine : nouvelle attaque de drones sur Kharkiv",
         "L'armée de l'air ukrainienne affirme avoir abattu {n} drones lancés par la Russie pendant la nuit."),
        ("Guerre en Ukraine : combats intenses près de Pokrovsk",
         "Kiev fait état de violents combats dans l'est du pays, où les forces russes poursuivent leur offensive."),
    ),
    "iran-nuclear": (
        ("Nucléaire iranien : reprise des discussions à Mascate",
         "Téhéran et Washington ont repris des pourparlers indirects sur le programme nucléaire iranien."),
        ("L'AIEA s'inquiète de l'enrichissement d'uranium en Iran",
         "L'Agence internationale de l'énergie atomique demande un meilleur accès aux sites iraniens."),
    ),
    "sudan-conflict": (
        ("Soudan : l'armée et les FSR s'affrontent autour d'El-Facher",
         "Les combats entre l'armée soudanaise et les Forces de soutien rapide ont fait des dizaines de morts."),
    ),
    "libya-political-process": (
        ("Libye : l'ONU présente une feuille de route vers des élections",
         "La mission des Nations unies en Libye propose un calendrier pour des élections présidentielle et législatives."),
    ),
    "red-sea-shipping": (
        ("Mer Rouge : un navire marchand visé par une attaque houthie",
         "Un cargo a signalé une explosion à proximité au large du Yémen, selon l'agence maritime britannique."),
    ),
    "egypt-us-relations": (
        ("Le Caire et Washington renforcent leur coopération",
         "Le ministre égyptien des Affaires étrangères a reçu un émissaire américain pour discuter de l'aide."),
    ),
    "syria-transition": (
        ("Syrie : levée partielle des sanctions européennes",
         "L'Union européenne a allégé certaines sanctions visant la Syrie pour soutenir la transition."),
    ),
    "lebanon-israel": (
        ("Liban : frappes israéliennes dans le sud du pays",
         "Des frappes israéliennes ont visé plusieurs localités du Sud-Liban, selon l'agence nationale libanaise."),
    ),
    "oil-opec": (
        ("Pétrole : l'Opep+ maintient sa production",
         "Les pays de l'Opep+ ont décidé de maintenir leur production, le Brent se stabilise autour de {price} dollars."),
    ),
    "economy": (
        ("Croissance : {home_cap} table sur {pct} % cette année",
         "Le gouvernement prévoit une croissance de {pct} %, portée par les services et l'investissement."),
        ("Inflation en baisse à {pct} % en {month}",
         "La hausse des prix ralentit pour le troisième mois consécutif, selon l'institut de statistique."),
    ),
    "markets": (
        ("La Bourse termine en hausse de {pct} %", "Les valeurs bancaires ont mené la hausse en fin de séance."),
    ),
    "politics": (
        ("Le Parlement adopte le budget", "Les députés ont adopté le projet de loi de finances par {n} voix."),
        ("Remaniement ministériel à {capital}", "Le chef du gouvernement a nommé {few} nouveaux ministres."),
    ),
    "sport": (
        ("Football : victoire {score} en championnat", "L'équipe locale s'impose à domicile et conforte sa place."),
    ),
    "weather": (
        ("Météo : vague de chaleur attendue à {capital}", "Les températures devraient dépasser les normales de saison."),
    ),
    "culture": (
        ("Festival de {capital} : {n} films en compétition", "Le festival s'ouvre ce soir avec une première mondiale."),
    ),
    "world": (
        ("Séisme de magnitude {mag} au Japon", "Aucune alerte au tsunami n'a été émise, selon l'agence météorologique."),
        ("Élections au Brésil : forte participation", "Plus de {pct_big} % des électeurs s'étaient rendus aux urnes à midi."),
    ),
}

_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre")

if set(_TEMPLATES) != set(KINDS):  # the demo gained a story kind: French copy must follow
    raise RuntimeError(f"French copy missing for {sorted(set(KINDS) - set(_TEMPLATES))}")


def compose_fr(rng: random.Random, kind: str, country: str) -> tuple[str, str]:
    """A French headline and lead for a story of `kind` by an outlet from `country`."""
    title, lead = rng.choice(_TEMPLATES[kind])
    home = _HOME[country]
    values = {
        "home_cap": home[:1].upper() + home[1:], "capital": _CAPITAL[country], "month": rng.choice(_MONTHS),
        "pct": f"{rng.uniform(0.1, 3.9):.1f}".replace(".", ","), "pct_big": str(rng.randrange(5, 41)),
        "n": str(rng.randrange(40, 900, 10)), "few": str(rng.randrange(4, 10)), "price": str(rng.randrange(58, 86)),
        "score": f"{rng.randrange(1, 5)}-{rng.randrange(0, 2)}", "mag": f"{rng.uniform(5.0, 7.4):.1f}",
    }
    return title.format_map(values), lead.format_map(values)
