"""One signal per gathering: copies cluster, different calls stay apart, clusters grow."""
# ruff: noqa: E501  (the variants are real-length posts; wrapping them would hide the typos)

from __future__ import annotations

from datetime import timedelta

from detect_support import NOW, SATURDAY_14, MakePost, at
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from signals import clustering
from signals.db.models import Enrichment, Signal, SignalPost
from signals.detection.lifecycle import detect
from tests.factories import make_enriched_post, make_enrichment

BASE = "Zaterdag 14:00 iedereen naar het Stadhuisplein! Laat zien dat we het zat zijn, neem je vrienden mee"

# Twenty copies as they circulate: forwards, reposts, emoji, typos, links, hashtags, shouting.
VARIANTS = [
    BASE,
    "Fwd: " + BASE,
    "FW: Fwd: " + BASE + " 🔥🔥🔥",
    "RT @actie036: " + BASE,
    "Doorgestuurd: " + BASE + " https://t.me/joinchat/abc123",
    "DELEN!! " + BASE.upper(),
    BASE + " #almere #036 #genoegisgenoeg",
    "Zaterdag 14:00 iedereen naar het Stadhuisplijn! Laat zien dat we het zat zijn, neem je vrienden mee",
    "Zaterdag 14.00 iedereen naar t Stadhuisplein!! Laat zien dat we t zat zijn, neem je vrienden mee",
    "zaterdag 14:00 iedereen naar het stadhuisplein laat zien dat we het zat zijn neem je vriende mee",
    "Zatredag 14:00 iederen naar het Stadhuisplein! Laat zien dat we het zat zyn, neem je vrienden mee",
    "📢📢 " + BASE + " 📢📢",
    "Zaterdag 14:00 iedereen naar het Stadhuisplein! Laat zien dat we het zat zijn, neem je vrienden mee!!!",
    "Repost: " + BASE + " (via telegram)",
    "@iedereen " + BASE,
    "Zaterdag 14:00 iedereen naar het Stadhuisplein! Laat zien dat we het zat zijn. Neem je vrienden mee ✊",
    "> " + BASE,
    "Zaterdag 14:00 iedereen naar het Stadhuisplein! Laat zien dat we het zat zijn, neem je vriendinnen mee",
    "Zaterdag 14:00 ALLEMAAL naar het Stadhuisplein! Laat zien dat we het zat zijn, neem je vrienden mee",
    "Deel dit: " + BASE + " 🇳🇱",
]


def _ids_for(make_post: MakePost, texts: list[str], **kwargs) -> list[int]:
    return [make_post(t, source=f"src-{i % 5}", **kwargs) for i, t in enumerate(texts)]


def test_normalise_strips_what_copies_add() -> None:
    assert clustering.normalise("Fwd: RT @x: DELEN!! Hallo 🔥 https://t.co/a #Almere") == (
        "hallo almere"
    )


def test_twenty_variants_become_one_signal(session: Session, make_post: MakePost) -> None:
    assert len(VARIANTS) == 20
    ids = _ids_for(make_post, VARIANTS)
    result = detect(session, ids, now=NOW)

    assert len(result.signal_ids) == 1
    signal = session.get(Signal, result.signal_ids[0])
    assert signal.post_count == 20
    assert signal.source_count == 5
    assert signal.types == ["call_to_gathering"]
    assert signal.status == "new"
    assert signal.place == "Stadhuisplein"
    assert signal.minhash and len(signal.minhash) == clustering.NUM_PERM
    assert "Oproep tot samenkomst" in signal.title and "Stadhuisplein" in signal.title
    assert "za 28 nov 14:00" in signal.title


def test_variants_cluster_on_text_alone(session: Session, make_post: MakePost) -> None:
    """Without any place or time from the NLP, only the MinHash text match can join them."""
    ids = _ids_for(make_post, VARIANTS, place=None, event_time=None)
    result = detect(session, ids, now=NOW)
    assert len(result.signal_ids) == 1
    assert session.get(Signal, result.signal_ids[0]).post_count == 20


def test_variants_cluster_across_calls(session: Session, make_post: MakePost) -> None:
    """Copies arriving one by one in separate detect() calls (and transactions) still join."""
    first = detect(session, [make_post(VARIANTS[0])], now=NOW)
    session.commit()
    clustering.reset_index()  # as after a restart: rebuilt from stored signatures
    for i, text in enumerate(VARIANTS[1:], start=1):
        result = detect(session, [make_post(text, source=f"src-{i % 5}")], now=at(hours=i))
        session.commit()
        assert result.signal_ids == first.signal_ids
        assert result.grown_signal_ids == first.signal_ids
    assert session.scalar(select(func.count()).select_from(Signal)) == 1
    assert session.get(Signal, first.signal_ids[0]).post_count == 20


def test_two_different_calls_stay_two(session: Session, make_post: MakePost) -> None:
    a = make_post(BASE)
    # Same template, another place and another day: another gathering.
    b = make_post(
        "Zondag 15:00 iedereen naar de Esplanade! Laat zien dat we het zat zijn, neem je vrienden mee",
        place="Esplanade",
        event_time=SATURDAY_14 + timedelta(days=1, hours=1),
    )
    c = make_post(
        "Vanavond pullen we up bij de Kruidenwijk, neem vuurwerk mee voor de blauwe",
        flags=("call_to_gathering", "threat", "anti_government"),
        place="Kruidenwijk",
        event_time=at(hours=8),
    )
    result = detect(session, [a, b, c], now=NOW)
    assert len(result.new_signal_ids) == 3
    counts = [session.get(Signal, sid).post_count for sid in result.signal_ids]
    assert counts == [1, 1, 1]
    places = {session.get(Signal, sid).place for sid in result.signal_ids}
    assert places == {"Stadhuisplein", "Esplanade", "Kruidenwijk"}


def test_same_text_other_time_is_another_gathering(session: Session, make_post: MakePost) -> None:
    a = make_post(BASE)
    b = make_post(BASE + "!", event_time=SATURDAY_14 + timedelta(days=1, hours=5))
    session.execute(
        Enrichment.__table__.update()
        .where(Enrichment.post_id == b)
        .values(event_time_text="zondag 19:00")
    )
    assert len(detect(session, [a, b], now=NOW).new_signal_ids) == 2


def test_same_call_reposted_a_week_later_is_a_new_gathering(
    session: Session, make_post: MakePost
) -> None:
    first = detect(session, [make_post(BASE)], now=NOW)
    week = timedelta(days=7)
    later = make_post(BASE, event_time=SATURDAY_14 + week, fetched_at=NOW + week, source="b")
    second = detect(session, [later], now=NOW + week)
    assert second.new_signal_ids and second.new_signal_ids != first.new_signal_ids


def test_same_words_resolved_to_different_days_stay_one(
    session: Session, make_post: MakePost
) -> None:
    """ "zaterdag 14:00" read on Friday and on Saturday morning may resolve a week apart."""
    a = make_post(BASE)
    b = make_post("Fwd: " + BASE, event_time=SATURDAY_14 + timedelta(days=7), source="b")
    assert len(detect(session, [a, b], now=NOW).signal_ids) == 1


def test_same_place_and_time_different_words_join(session: Session, make_post: MakePost) -> None:
    a = make_post(BASE)
    b = make_post(
        "Kom allemaal zaterdag om 2 uur naar het plein bij het stadhuis, wij pikken het niet meer",
        source="forum-b",
        event_time=SATURDAY_14 + timedelta(minutes=30),
    )
    result = detect(session, [a, b], now=NOW)
    assert len(result.signal_ids) == 1
    signal = session.get(Signal, result.signal_ids[0])
    assert (signal.post_count, signal.source_count) == (2, 2)


def test_cluster_grows_and_versions_on_later_arrivals(
    session: Session, make_post: MakePost
) -> None:
    first = detect(session, [make_post(VARIANTS[0], source="forum-a")], now=NOW)
    signal = session.get(Signal, first.new_signal_ids[0])
    assert (signal.post_count, signal.source_count, signal.version) == (1, 1, 1)
    severity_before = signal.severity
    session.commit()

    later = at(hours=5)
    ids = [
        make_post(VARIANTS[1], source="forum-b", fetched_at=later),
        make_post(
            VARIANTS[3],
            source="forum-c",
            fetched_at=later,
            flags=("call_to_gathering", "threat"),
            probs={"threat": 0.8},
        ),
    ]
    grown = detect(session, ids, now=later)
    assert grown.new_signal_ids == []
    assert grown.grown_signal_ids == [signal.id]
    session.refresh(signal)
    assert (signal.post_count, signal.source_count) == (3, 3)
    assert signal.types == ["call_to_gathering", "threat"]
    assert signal.last_activity_at == later
    assert signal.first_seen_at == NOW
    assert signal.version == 2
    assert signal.severity > severity_before
    assert "dreiging" in signal.title


def test_detect_is_idempotent_and_ignores_unflagged(session: Session, make_post: MakePost) -> None:
    flagged = make_post(BASE)
    plain = make_post("Leuke markt vandaag op de Esplanade", flags=(), place="Esplanade")
    first = detect(session, [flagged, plain], now=NOW)
    assert len(first.signal_ids) == 1
    again = detect(session, [flagged, plain], now=NOW)
    assert again.signal_ids == []
    links = session.scalar(select(func.count()).select_from(SignalPost))
    assert links == 1


def test_newest_enrichment_decides(session: Session, make_post: MakePost) -> None:
    from signals.db.models import Enrichment

    pid = make_post(BASE)
    older = session.scalars(select(Enrichment).where(Enrichment.post_id == pid)).one()
    make_enrichment(
        session,
        pid,
        model_version="test-2",
        labels={"call_to_gathering": {"p": 0.1, "flag": False}},
        flags=[],
        places=[],
        in_almere=None,
        created_at=older.created_at + timedelta(hours=1),
    )
    assert detect(session, [pid], now=NOW).signal_ids == []


def test_dismissed_signal_does_not_collect_new_copies(
    session: Session, make_post: MakePost
) -> None:
    first = detect(session, [make_post(BASE)], now=NOW)
    session.get(Signal, first.new_signal_ids[0]).status = "dismissed"
    session.flush()
    second = detect(session, [make_post("Fwd: " + BASE, source="forum-b")], now=NOW)
    assert second.new_signal_ids and second.new_signal_ids != first.new_signal_ids


def test_non_call_signal_has_no_notification_status(session: Session, make_post: MakePost) -> None:
    pid = make_post(
        "De burgemeester is een landverrader, tribunaal!",
        flags=("anti_government",),
        place=None,
        event_time=None,
    )
    signal = session.get(Signal, detect(session, [pid], now=NOW).signal_ids[0])
    assert signal.notification_status is None
    assert signal.title == "Anti-overheid-uiting"
    assert "pseu_" not in signal.title


def test_date_only_copy_joins_and_the_precise_time_wins(
    session: Session, make_post: MakePost
) -> None:
    """The NLP puts "zaterdag" at noon; it is still the gathering "zaterdag 14:00" names."""
    noon = SATURDAY_14 - timedelta(hours=2)
    vague = make_post("Zaterdag allemaal naar het Stadhuisplein!", event_time=noon)
    session.execute(
        Enrichment.__table__.update()
        .where(Enrichment.post_id == vague)
        .values(event_time_text="zaterdag")
    )
    precise = make_post(
        "Kom zaterdag om 14:00 naar het plein voor het stadhuis, we zijn het zat", source="b"
    )
    result = detect(session, [vague, precise], now=NOW)
    assert len(result.signal_ids) == 1
    signal = session.get(Signal, result.signal_ids[0])
    assert signal.post_count == 2
    assert signal.event_time == SATURDAY_14
    assert "14:00" in signal.title


def test_coarse_place_copy_joins_a_precise_one(session: Session, make_post: MakePost) -> None:
    a = make_post(VARIANTS[0], place="Almere", source="a")
    b = make_post(VARIANTS[1], place="Stadhuisplein", source="b")
    result = detect(session, [a, b], now=NOW)
    assert len(result.signal_ids) == 1
    assert session.get(Signal, result.signal_ids[0]).place == "Stadhuisplein"


def test_rolled_back_signal_leaves_no_trace_in_the_index(engine) -> None:
    """A detect() whose transaction rolls back must not make later posts join a ghost."""
    from signals.db.session import session_scope

    def add(session: Session, text: str, n: int) -> int:
        return make_enriched_post(
            session,
            post={"text": text, "source_id": "s", "key": f"rb{n}", "fetched_at": NOW,
                  "published_at": None, "author": None, "enriched": False},
            flags=["anti_government"],
            labels={"anti_government": {"p": 0.9, "flag": True}},
            places=[],
            in_almere=None,
        )

    hostile = "De burgemeester is een landverrader en de hele raad hoort voor een tribunaal"
    try:
        with session_scope(engine) as session:
            ghost = detect(session, [add(session, hostile, 1)], now=NOW)
            assert ghost.new_signal_ids
            raise RuntimeError("abort the transaction")
    except RuntimeError:
        pass
    with session_scope(engine) as session:
        # Another signal now gets the id the ghost had.
        other = detect(
            session,
            [add(session, "Totaal andere tekst over de plandemie en het systeem", 2)],
            now=NOW,
        )
        assert other.new_signal_ids == ghost.new_signal_ids
        again = detect(session, [add(session, hostile + "!!", 3)], now=NOW)
        assert again.new_signal_ids and again.new_signal_ids != other.new_signal_ids
        assert session.get(Signal, other.new_signal_ids[0]).post_count == 1


def test_short_texts_do_not_cluster_on_text(session: Session, make_post: MakePost) -> None:
    a = make_post("Kom allemaal!", flags=("anti_government",), place=None, event_time=None)
    b = make_post("Kom allemaal!!", flags=("anti_government",), place=None, event_time=None)
    assert len(detect(session, [a, b], now=NOW).new_signal_ids) == 2


def test_template_call_in_another_district_stays_apart(
    session: Session, make_post: MakePost
) -> None:
    """A district only absorbs copies about places inside it."""
    template = "Vanavond pullen we up bij {}, niemand blijft thuis. 21:00 verzamelen bij de ingang"
    a = make_post(template.format("de Grote Markt"), place="Grote Markt")
    b = make_post(template.format("Almere Haven"), place="Almere Haven", source="b")
    c = make_post(template.format("Almere Stad"), place="Almere Stad", source="c")
    result = detect(session, [a, b, c], now=NOW)
    assert len(result.new_signal_ids) == 2
    by_place = {session.get(Signal, sid).place: sid for sid in result.signal_ids}
    assert set(by_place) == {"Grote Markt", "Almere Haven"}
    assert session.get(Signal, by_place["Grote Markt"]).post_count == 2


def test_copy_with_misspelt_weekday_joins_and_the_named_day_wins(
    session: Session, make_post: MakePost
) -> None:
    """ "Zatredag 14:00" leaves the NLP only "14:00", which it puts on today: still a copy."""
    today_14 = NOW.replace(hour=13)  # 14:00 in Almere, today instead of Saturday
    typo = make_post(VARIANTS[10], event_time=today_14)
    session.execute(
        Enrichment.__table__.update()
        .where(Enrichment.post_id == typo)
        .values(event_time_text="14:00")
    )
    first = detect(session, [typo], now=NOW)
    rest = detect(session, [make_post(v, source="b") for v in VARIANTS[:3]], now=NOW)
    assert rest.grown_signal_ids == first.new_signal_ids
    signal = session.get(Signal, first.new_signal_ids[0])
    assert signal.post_count == 4
    assert signal.event_time == SATURDAY_14


def test_other_posts_cluster_on_text_whatever_places_they_mention(
    session: Session, make_post: MakePost
) -> None:
    text = "Het systeem lacht ons uit, de elite in Den Haag wil ons allemaal kapot hebben"
    a = make_post(text, flags=("anti_government",), place="Den Haag", event_time=None)
    b = make_post(text + " #almere", flags=("anti_government",), place="Almere", event_time=None)
    assert len(detect(session, [a, b], now=NOW).signal_ids) == 1


def test_template_sibling_without_a_place_needs_a_close_copy(
    session: Session, make_post: MakePost
) -> None:
    template = "Vanavond pullen we up bij {}, niemand blijft thuis. 21:00 verzamelen bij de ingang"
    first = detect(session, [make_post(template.format("de Grote Markt"), place="Grote Markt")])
    # The NLP missed the misspelt place: a sibling call, not a copy.
    sibling = make_post(template.format("Alemre Buiten"), place=None, source="b")
    # A forward of the first call, also without a place: a copy.
    copy = make_post("Fwd: " + template.format("de Grote Markt") + " 🔥", place=None, source="c")
    result = detect(session, [sibling, copy], now=NOW)
    assert result.grown_signal_ids == first.new_signal_ids
    assert len(result.new_signal_ids) == 1
    assert session.get(Signal, first.new_signal_ids[0]).post_count == 2


def _city_only_call(make_post: MakePost) -> int:
    """A call that names no place but the city itself."""
    return make_post(
        "Zaterdagmiddag 14:00 samenkomen in #Almere, we laten ons niet langer negeren",
        place="Almere",
        source="b",
    )


def test_call_naming_only_the_city_joins_the_one_call_there(
    session: Session, make_post: MakePost
) -> None:
    precise = make_post("Vrijdag 21:00 iedereen naar het Stadhuisplein, genoeg is genoeg")
    vague = _city_only_call(make_post)
    result = detect(session, [precise, vague], now=NOW)
    assert len(result.signal_ids) == 1
    assert session.get(Signal, result.signal_ids[0]).place == "Stadhuisplein"


def test_call_naming_only_the_city_stays_apart_when_ambiguous(
    session: Session, make_post: MakePost
) -> None:
    one = make_post("Vrijdag 21:00 iedereen naar het Stadhuisplein, genoeg is genoeg")
    two = make_post(
        "Kom allemaal naar de Esplanade, we pikken de sluiting van het buurthuis niet",
        place="Esplanade",
        event_time=SATURDAY_14 + timedelta(hours=1),
        source="c",
    )
    vague = _city_only_call(make_post)
    result = detect(session, [one, two, vague], now=NOW)
    assert len(result.new_signal_ids) == 3
