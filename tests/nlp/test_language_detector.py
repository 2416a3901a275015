"""Issue 17: one language detector (nlp.language) used by the collectors, intake and the NLP,
and `Post.language_supported` written from the NLP's verdict.

The grep test makes sure no second detector grows back: only nlp/language.py imports the
language-identification library."""

from __future__ import annotations

import ast
from pathlib import Path

from sqlalchemy import select

from collectors.models import RawPost
from nlp.language import detect, is_supported
from nlp.vocabulary import LANGUAGES
from signals.db.models import Post
from signals.db.session import get_engine, session_scope
from signals.enrichment import enrich_posts
from signals.intake import store_raw_posts
from signals.privacy.pseudonym import from_settings

REPO = Path(__file__).resolve().parents[2]
_LANGID_LIBRARIES = ("py3langid", "langid", "langdetect", "fasttext", "lingua")


def _imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_only_nlp_language_imports_a_language_identifier() -> None:
    importers = sorted(
        str(path.relative_to(REPO))
        for package in ("signals", "nlp", "collectors", "dags")
        for path in (REPO / package).rglob("*.py")
        if ".venv" not in path.parts and _imports_of(path) & set(_LANGID_LIBRARIES)
    )
    assert importers == ["nlp/language.py"]


def test_the_source_language_wins_on_short_or_doubtful_texts() -> None:
    assert detect("Zaterdag verzamelen", expected="nl") == "nl"
    assert detect("ok ok", expected="en") == "en"
    assert detect("🍕🍕🍕", expected="nl") == "nl"
    assert detect("🍕🍕🍕") == "und"


def test_dutch_cues_and_close_relatives_read_as_dutch() -> None:
    # langid alone called these Afrikaans, Frisian or Spanish (measured on the corpus).
    assert detect("gemeente Almere = maffia. Zo simpel is het.") == "nl"
    assert detect("morgen 19:30 de Esplanade") == "nl"
    assert detect("Die Bürgerinitiative protestiert heute gegen die Windräder") == "de"
    assert detect("Cumartesi saat 14'te herkes meydana, bıktığımızı gösterelim!") == "tr"


def test_a_short_dutch_insult_is_dutch() -> None:
    # langid called these German and Norwegian, so they were never scored: a post that is
    # nothing but a Dutch curse and its target.
    assert detect("vuile gutmensch") == "nl"
    assert detect("Kanker homos") == "nl"
    assert detect("Ich hasse Montage, alles ist kaputt") == "de"
    # A curse made of any word ("teringtransen") is Dutch; German "Kutter" and "Kloten" are not.
    assert detect("Teringtransen") == "nl"
    assert detect("Kutter im Hafen") == "de"
    assert detect("Kloten Flughafen") == "de"


def test_a_run_together_slur_is_scored_as_dutch() -> None:
    from nlp.api import enrich

    (result,) = enrich(["Kankerhomos"])
    assert result.language == "nl"
    assert result.labels["polarising"].flag


def test_supported_languages_come_from_the_vocabulary() -> None:
    assert all(is_supported(lang) for lang in LANGUAGES)
    assert not is_supported("tr") and not is_supported("und")
    assert is_supported(None)  # not known yet: scored, the NLP decides


def test_language_supported_records_whether_the_classifier_scored_the_post(
    signals_env: Path,
) -> None:
    raw = [
        RawPost("forum-a", "https://example.org/1", "",
                "Zaterdag 14u iedereen naar het Stadhuisplein, laat zien dat we het zat zijn!"),
        RawPost("forum-a", "https://example.org/2", "",
                "Cumartesi saat 14'te herkes Stadhuisplein'e, bıktığımızı gösterelim!"),
    ]
    with session_scope(get_engine()) as session:
        ids = store_raw_posts(session, raw, from_settings()).new_post_ids
        flagged = enrich_posts(session, ids)
        posts = {p.id: p for p in session.scalars(select(Post).where(Post.id.in_(ids)))}
    dutch, turkish = posts[ids[0]], posts[ids[1]]
    assert (dutch.language, dutch.language_supported) == ("nl", True)
    assert (turkish.language, turkish.language_supported) == ("tr", False)
    assert dutch.id in flagged and turkish.id not in flagged
