"""Everyday posts, generated: what most of a public stream is (shops, weather, pets, sport,
lost and found). The benchmarks mix them with relevant posts to measure on a realistic stream."""

from __future__ import annotations

import random

SUBJECTS = ["De nieuwe bakker", "Mijn buurvrouw", "Het weer", "De bus naar Lelystad", "Onze hond",
            "De Jumbo in Almere Buiten", "De speeltuin in de Filmwijk", "Het zwembad",
            "Mijn schoonmoeder", "De kapper op de hoek", "Die nieuwe serie", "Ajax", "Almere City",
            "De marathon", "Het verkeer op de A6", "De markt op woensdag", "Onze moestuin"]
PREDICATES = ["is echt top", "valt tegen vandaag", "had weer vertraging", "is dicht tot maandag",
              "was super gezellig", "heeft nieuwe openingstijden", "verdient een compliment",
              "is de beste van Almere", "maakt me gek", "viel best mee", "gaat vanavond los",
              "staat weer vol", "doet het eindelijk weer", "kost tegenwoordig een fortuin"]
TAILS = ["", " 😂", " Iemand tips?", " #almere", " Wie weet meer?", " Echt een aanrader.",
         " Zondag weer proberen.", " 👍👍", " Dank aan de vrijwilligers!", " Wat een dag."]
EXTRA = ["Recept voor stamppot boerenkool met rookworst, makkelijk en snel.",
         "Te koop: kinderfiets 16 inch, ophalen in Almere Haven.",
         "Weet iemand een goede loodgieter in de buurt? Lekkage in de badkamer.",
         "Vanavond pizza of toch friet? Moeilijke keuzes.",
         "Check my new playlist, fire tracks only 🔥",
         "Gevonden: zwarte kat met witte poten bij het Weerwater.",
         "Iemand zin om zaterdag te tennissen? Baan is al geboekt."]


def chatter(rng: random.Random) -> str:
    if rng.random() < 0.2:
        return rng.choice(EXTRA)
    return f"{rng.choice(SUBJECTS)} {rng.choice(PREDICATES)}.{rng.choice(TAILS)}"


def unique_chatter(rng: random.Random, n: int) -> str:
    """An everyday post no other post of the stream repeats. The templates above give a few
    thousand texts; a stream of them repeats itself, and the embedding cache then hides what
    each new post costs (real everyday posts are nearly all different)."""
    return f"{chatter(rng)} ({n})"
