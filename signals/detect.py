"""Detection: turn flagged, enriched posts into signals, one signal per gathering.

A flagged post joins an existing open signal when it is a copy of the same text (MinHash/LSH on
normalised character shingles) or, for calls to gather, when it names the same canonical place
and an event time close to the signal's. Otherwise it starts a new signal. A text match is
refused when the two name different places or clearly different times: two calls written from
one template ("zaterdag 14u naar X") are different gatherings.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event, func, or_, select
from sqlalchemy.orm import Session

from nlp.gazetteer import DEFAULT_DISTRICT_KINDS, district_named_in
from nlp.vocabulary import (
    ALMERE_DISTRICTS,
    CALL,
    LABEL_TITLE,
    NOT_NOTIFIED,
    NOTIFIED,
    OPEN_STATUSES,
    OUTSIDE_ALMERE,
    TZ,
)
from signals import clustering, register, severity
from signals.db.models import Enrichment, Post, Signal, SignalPost
from signals.db.types import utcnow

log = logging.getLogger(__name__)

# Signals quiet for longer than this no longer collect copies; a call that resurfaces later
# becomes a new signal and is looked at afresh.
CLUSTER_WINDOW = timedelta(days=14)
# Two calls at one canonical place whose event times lie this close are one gathering.
SAME_GATHERING = timedelta(hours=3)
# Text similarity needed to join a call whose place is known on one side only.
STRICT_SIMILARITY = 0.8
# Copies that give their time in the same words and arrive this close together are one moment.
SAME_WORDS_SPAN = timedelta(days=3)
# Gazetteer kinds too coarse to identify a gathering place on their own.
COARSE_KINDS = frozenset({"city", "district", "region", "province", "country", "municipality"})


LOCAL_TZ = TZ
# Title heads by label, in order of precedence (nlp.vocabulary); alerts use them too.
TYPE_TITLES = LABEL_TITLE
_DAYS = ("ma", "di", "wo", "do", "vr", "za", "zo")
_MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def format_when(moment: datetime) -> str:
    """Almere local time the Dutch way: "za 28 nov 14:00"."""
    local = moment.astimezone(LOCAL_TZ)
    return f"{_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]} {local:%H:%M}"


def signal_title(types: list[str], place: str | None, event_time: datetime | None) -> str:
    """A short neutral Dutch title from type, place and time only: never an author or a quote."""
    main = next((t for t in TYPE_TITLES if t in types), None)
    head = TYPE_TITLES.get(main, "Signaal") if main else "Signaal"
    if main == CALL and "threat" in types:
        head += " met dreiging"
    details = [part for part in (place, format_when(event_time) if event_time else None) if part]
    return f"{head} – {', '.join(details)}" if details else head


@dataclass(slots=True)
class DetectResult:
    signal_ids: list[int] = field(default_factory=list)
    new_signal_ids: list[int] = field(default_factory=list)
    grown_signal_ids: list[int] = field(default_factory=list)


@dataclass(slots=True)
class _Facts:
    """What one flagged post contributes to a signal."""

    post: Post
    enrichment: Enrichment
    flags: list[str]
    place: str | None
    district: str | None
    in_almere: bool | None
    event_time: datetime | None
    event_time_text: str | None
    minhash: Any


def _place_entry(canonical: str) -> Any:
    try:
        from nlp.gazetteer import by_canonical
    except ImportError:
        return None
    return by_canonical().get(canonical)


def _place_kind(canonical: str) -> str | None:
    entry = _place_entry(canonical)
    return entry.kind if entry else None


def compatible_places(a: str, b: str) -> bool:
    """Whether two canonical places can name one gathering: equal, or a coarse place (the city,
    a district) that contains the other ("Almere Stad" and "Grote Markt", not "Almere Haven")."""
    if a == b:
        return True
    ea, eb = _place_entry(a), _place_entry(b)
    if ea is None or eb is None:
        return False
    coarse_a, coarse_b = ea.kind in COARSE_KINDS, eb.kind in COARSE_KINDS
    if not (coarse_a or coarse_b):
        return False  # two specific places: two gatherings
    for wide, narrow in ((ea, eb), (eb, ea)):
        if wide.kind not in COARSE_KINDS:
            continue
        if wide.kind == "city" and wide.in_almere and narrow.in_almere:
            return True
        if wide.district and wide.district == narrow.district:
            return True
    return False


def _main_place(places: list[Any], text: str = "") -> tuple[str | None, str | None]:
    """The most specific place of a post and its Almere district: a square or street beats a
    district or the city. A district or neighbourhood named in the text beats the default
    district of a landmark ("het azc in Almere Poort" is in Almere Poort). A place outside
    Almere has no district."""
    usable = [p for p in places if isinstance(p, dict) and p.get("canonical")]
    if not usable:
        return None, None
    ranked = sorted(
        enumerate(usable),
        key=lambda ip: (
            (_place_kind(ip[1]["canonical"]) or "") in COARSE_KINDS,
            not ip[1].get("in_almere", False),
            ip[0],
        ),
    )
    best = ranked[0][1]
    if best.get("in_almere") is False:
        # A gathering elsewhere ("Dam", "Malieveld") has no Almere district; the gazetteer's
        # district column there names the city, which is no district of Almere.
        return best["canonical"], None
    district = best.get("district")
    if not district or _place_kind(best["canonical"]) in DEFAULT_DISTRICT_KINDS:
        # "Stadhuis Almere" has no district of its own, but "Almere Stad" next to it does.
        named = _named_district(usable, best) or (district_named_in(text) if text else None)
        district = named or district or next(
            (p.get("district") for p in usable if p.get("district") and p.get("in_almere")), None
        )
    return best["canonical"], district if district in ALMERE_DISTRICTS else None


def _named_district(usable: list[dict], best: dict) -> str | None:
    """The Almere district of a district or neighbourhood named next to the main place."""
    for place in usable:
        if place is best or not place.get("in_almere") or not place.get("district"):
            continue
        if _place_kind(place["canonical"]) in ("district", "neighbourhood"):
            return str(place["district"])
    return None


def _newest_enrichments(session: Session, post_ids: list[int]) -> dict[int, Enrichment]:
    newest: dict[int, Enrichment] = {}
    rows = session.scalars(
        select(Enrichment)
        .where(Enrichment.post_id.in_(post_ids))
        .order_by(Enrichment.post_id, Enrichment.created_at, Enrichment.id)
    )
    for enrichment in rows:
        newest[enrichment.post_id] = enrichment  # ordered ascending: the last one wins
    return newest


def _facts(post: Post, enrichment: Enrichment) -> _Facts | None:
    flags = [f for f in (enrichment.flags or []) if isinstance(f, str)]
    if not flags:
        flags = [
            name
            for name, score in (enrichment.labels or {}).items()
            if isinstance(score, dict) and score.get("flag")
        ]
    if not flags:
        return None
    title, body = (post.title or "").strip(), (post.text or "").strip()
    text = body if not title or body.startswith(title) else f"{title}\n{body}"
    place, district = _main_place(enrichment.places or [], text)
    return _Facts(
        post=post,
        enrichment=enrichment,
        flags=flags,
        place=place,
        district=district,
        in_almere=enrichment.in_almere,
        event_time=enrichment.event_time,
        event_time_text=enrichment.event_time_text,
        minhash=clustering.minhash_of(text),
    )


def _db_key(session: Session) -> str:
    return session.get_bind().engine.url.render_as_string(hide_password=True)


_PENDING = "signals.detect.pending_keys"


def _forget_on_rollback(session: Session, index: clustering.SignalIndex, key: str) -> None:
    """Remember that `key` was indexed inside this transaction, so a rollback takes it out."""
    pending = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = []

        def committed(sess: Session) -> None:
            sess.info.get(_PENDING, []).clear()

        def rolled_back(sess: Session) -> None:
            for idx, keys in _group(sess.info.get(_PENDING, [])).items():
                idx.remove_keys(keys)
            sess.info.get(_PENDING, []).clear()

        event.listen(session, "after_commit", committed)
        event.listen(session, "after_rollback", rolled_back)
    pending.append((index, key))


def _group(
    pending: list[tuple[clustering.SignalIndex, str]],
) -> dict[clustering.SignalIndex, list[str]]:
    grouped: dict[clustering.SignalIndex, list[str]] = {}
    for index, key in pending:
        grouped.setdefault(index, []).append(key)
    return grouped


def _refresh_index(session: Session, index: clustering.SignalIndex, now: datetime) -> None:
    """Add signals created since the index last looked (by this or another process)."""
    rows = session.execute(
        select(Signal.id, Signal.minhash)
        .where(
            Signal.id > index.max_signal_id,
            Signal.status.in_(OPEN_STATUSES),
            Signal.last_activity_at >= now - CLUSTER_WINDOW,
        )
        .order_by(Signal.id)
    ).all()
    for signal_id, values in rows:
        mh = clustering.from_list(values or [])
        if mh is not None:
            index.add(f"s{signal_id}", signal_id, mh)
        index.max_signal_id = max(index.max_signal_id, signal_id)


_CLOCK = re.compile(r"\d{1,2}\s*[:.hu]\s*\d{0,2}|\d{1,2}\s*uur|\b(?:om|at|vanaf)\s+\d", re.I)
_DAYPART = re.compile(r"avond|middag|ochtend|morgens|nacht|tonight|evening|afternoon|morning", re.I)


def time_precision(event_time_text: str | None) -> int:
    """2 for a clock time, 1 for a part of the day, 0 for a date only. The NLP layer puts a
    bare date at noon and a part of the day at a conventional hour, so only clock times may be
    compared to the hour."""
    text = event_time_text or ""
    if _CLOCK.search(text):
        return 2
    if _DAYPART.search(text):
        return 1
    return 0


_DAY = re.compile(
    r"(maan|dins|woens|donder|vrij|zater|zon)dag|\b(ma|di|wo|do|vr|za|zo)\b|vandaag|morgen|"
    r"vanavond|vannacht|vanmiddag|vanochtend|weekend|monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday|today|tonight|tomorrow|\d{1,2}\s*[-/]\s*\d{1,2}|"
    r"\d{1,2}\s+(jan|feb|mrt|maa|apr|mei|jun|jul|aug|sep|okt|oct|nov|dec)",
    re.I,
)


def names_day(event_time_text: str | None) -> bool:
    """Whether the time as written names its day. "13:00" alone does not: the NLP layer then
    assumes a day, which for a copy with a misspelt weekday ("dnisdag 13:00") is a guess."""
    return bool(_DAY.search(event_time_text or ""))


def same_time(a: datetime, a_text: str | None, b: datetime, b_text: str | None) -> bool:
    """Whether two extracted event times can be the same gathering."""
    pa, pb = time_precision(a_text), time_precision(b_text)
    if pa == pb and pa > 0:
        return abs(a - b) <= SAME_GATHERING
    if pa > 0 and pb > 0:
        # A part of the day against a clock time: "zaterdagavond" (put at 20:00) is 18:00 or
        # 22:00, but not 14:00.
        return abs(a - b) <= SAME_GATHERING + timedelta(hours=1)
    return a.astimezone(LOCAL_TZ).date() == b.astimezone(LOCAL_TZ).date()


def _same_clock(a: datetime, b: datetime) -> bool:
    """Same time of day within the window, whatever the day."""
    la, lb = a.astimezone(LOCAL_TZ), b.astimezone(LOCAL_TZ)
    diff = abs((la.hour * 60 + la.minute) - (lb.hour * 60 + lb.minute))
    return min(diff, 24 * 60 - diff) <= SAME_GATHERING.total_seconds() / 60


def _conflicts(signal: Signal, facts: _Facts) -> bool:
    """True when a text match must not merge because the post names another gathering.

    Only calls are compared on place and time: for other posts the place is a subject, not a
    meeting point, and a near-identical text is the same post. When one side does not name a
    day, only the time of day is compared: copies of one text that differ there are typos."""
    if CALL not in (signal.types or []) or CALL not in facts.flags:
        return False
    if signal.place and facts.place and not compatible_places(signal.place, facts.place):
        return True
    if signal.event_time and facts.event_time:
        a_text, b_text = signal.event_time_text, facts.event_time_text
        same_words = (a_text or "").strip().casefold() == (b_text or "").strip().casefold()
        seen = facts.post.fetched_at
        if same_words and seen and abs(seen - signal.last_activity_at) <= SAME_WORDS_SPAN:
            # The same words ("donderdag 14:00") seen within a few days of each other are the
            # same moment, even when the NLP resolved them against different publication days.
            return False
        if names_day(a_text) and names_day(b_text):
            return not same_time(signal.event_time, a_text, facts.event_time, b_text)
        if time_precision(a_text) == time_precision(b_text) > 0:
            return not _same_clock(signal.event_time, facts.event_time)
    return False


def _time_rank(event_time_text: str | None) -> tuple[bool, int]:
    return names_day(event_time_text), time_precision(event_time_text)


def _usable(
    session: Session, index: clustering.SignalIndex, signal_id: int, key: str, now: datetime
) -> Signal | None:
    """The signal behind an index hit, if it still exists, is open and recent. A signal key is
    also checked against the stored signature, since ids can be reused after a rollback."""
    signal = session.get(Signal, signal_id)
    if signal is None or signal.status not in OPEN_STATUSES:
        return None
    if signal.last_activity_at < now - CLUSTER_WINDOW:
        return None
    if key.startswith("s") and signal.minhash != clustering.to_list(index.signatures[key]):
        return None
    return signal


def _find_by_text(
    session: Session, index: clustering.SignalIndex, facts: _Facts, now: datetime
) -> Signal | None:
    rejected: set[int] = set()
    for signal_id, sim, key in index.candidates(facts.minhash):
        if signal_id in rejected:
            continue
        signal = _usable(session, index, signal_id, key, now)
        if signal is None:
            continue  # this key is stale; another key may still vouch for the signal
        if _conflicts(signal, facts):
            rejected.add(signal_id)
            continue
        if sim < STRICT_SIMILARITY and _place_unknown_on_one_side(signal, facts):
            # Calls written from one template differ only in the place; when the NLP missed
            # the place ("Alemre Buiten"), a merely similar text may be a sibling call.
            continue
        return signal
    return None


def _place_unknown_on_one_side(signal: Signal, facts: _Facts) -> bool:
    if CALL not in (signal.types or []) or CALL not in facts.flags:
        return False
    return (signal.place is None) != (facts.place is None)


def _call_at_time(signal: Signal, facts: _Facts, now: datetime) -> bool:
    return (
        signal.event_time is not None
        and facts.event_time is not None
        and signal.status in OPEN_STATUSES
        and CALL in (signal.types or [])
        and signal.last_activity_at >= now - CLUSTER_WINDOW
        and same_time(
            signal.event_time, signal.event_time_text, facts.event_time, facts.event_time_text
        )
    )


def _find_by_gathering(
    session: Session, facts: _Facts, now: datetime, touched: dict[int, Signal]
) -> Signal | None:
    """An open call at the same place and time. The same canonical place wins; failing that, a
    call that names only the city or a district joins the one call inside it at that time, and
    stays apart when there are several (it could be any of them). Signals touched in this call
    are checked in memory: their newest place and time are not flushed yet."""
    if CALL not in facts.flags or not facts.place or facts.event_time is None:
        return None
    rows = session.scalars(
        select(Signal).where(
            Signal.status.in_(OPEN_STATUSES),
            Signal.event_time >= facts.event_time - timedelta(days=1),
            Signal.event_time <= facts.event_time + timedelta(days=1),
            Signal.last_activity_at >= now - CLUSTER_WINDOW,
        )
    ).all()
    at_time = {s.id: s for s in [*touched.values(), *rows] if _call_at_time(s, facts, now)}
    event_time = facts.event_time
    exact = [s for s in at_time.values() if s.place == facts.place]
    if exact:
        return min(exact, key=lambda s: abs(s.event_time - event_time))
    inside = [
        s
        for s in at_time.values()
        if s.place
        and (_place_kind(s.place) in COARSE_KINDS or _place_kind(facts.place) in COARSE_KINDS)
        and compatible_places(s.place, facts.place)
    ]
    return inside[0] if len(inside) == 1 else None


def _merge_labels(old: dict[str, float], enrichment: Enrichment) -> dict[str, float]:
    merged = dict(old)
    for name, score in (enrichment.labels or {}).items():
        if isinstance(score, dict):
            try:
                p = float(score.get("p", 0.0))
            except (TypeError, ValueError):
                continue
            merged[name] = max(merged.get(name, 0.0), p)
    return merged


def _visible(signal: Signal) -> tuple[Any, ...]:
    return (
        tuple(signal.types or []),
        signal.severity,
        signal.title,
        signal.place,
        signal.district,
        signal.in_almere,
        signal.event_time,
        signal.event_time_text,
        signal.notification_status,
        signal.register_entry_id,
        signal.post_count,
        signal.source_count,
    )


def _apply(signal: Signal, facts: _Facts) -> None:
    """Fold one post's facts into the signal; the first known value of a fact is kept."""
    types = list(signal.types or [])
    for flag in facts.flags:
        if flag not in types:
            types.append(flag)
    signal.types = types
    if facts.place and (
        signal.place is None
        or (
            _place_kind(signal.place) in COARSE_KINDS
            and _place_kind(facts.place) not in COARSE_KINDS
        )
    ):
        # "Almere" in the first copy, "Stationsplein Almere" in a later one: keep the precise.
        signal.place = facts.place
        signal.district = facts.district or signal.district
    if signal.district is None and facts.district:
        signal.district = facts.district
    if signal.in_almere is None and facts.in_almere is not None:
        signal.in_almere = facts.in_almere
    elif facts.in_almere and signal.in_almere is False:
        signal.in_almere = True  # one copy placing it in Almere is enough to look at it
    if facts.event_time is not None and (
        signal.event_time is None
        or _time_rank(facts.event_time_text) > _time_rank(signal.event_time_text)
    ):
        # A later copy may say "zaterdag 14:00" where the first said only "zaterdag".
        signal.event_time = facts.event_time
        signal.event_time_text = facts.event_time_text
    seen = facts.post.fetched_at
    if seen is not None:
        if signal.first_seen_at is None or seen < signal.first_seen_at:
            signal.first_seen_at = seen
        if signal.last_activity_at is None or seen > signal.last_activity_at:
            signal.last_activity_at = seen


def _rescore(session: Session, signal: Signal, labels: dict[str, float], now: datetime) -> None:
    posts, sources = session.execute(
        select(func.count(), func.count(func.distinct(Post.source_id)))
        .select_from(SignalPost)
        .join(Post, Post.id == SignalPost.post_id)
        .where(SignalPost.signal_id == signal.id)
    ).one()
    signal.post_count, signal.source_count = int(posts), int(sources)
    if signal.district is not None and (
        signal.in_almere is False or signal.district not in ALMERE_DISTRICTS
    ):
        # Stored before districts were Almere's only ("Amsterdam" for the Dam): no district.
        signal.district = None
    if CALL in (signal.types or []) and signal.in_almere is False:
        # Almere's register says nothing about a gathering on the Dam or the Malieveld.
        signal.register_entry_id = None
        signal.notification_status = OUTSIDE_ALMERE
    elif CALL in (signal.types or []):
        entry = register.match(session, signal.place, signal.event_time)
        signal.register_entry_id = entry.id if entry else None
        signal.notification_status = NOTIFIED if entry else NOT_NOTIFIED
    else:
        signal.register_entry_id = None
        signal.notification_status = None
    value, breakdown = severity.score(
        labels={name: {"p": p} for name, p in labels.items()},
        in_almere=signal.in_almere,
        event_time=signal.event_time,
        now=now,
        post_count=signal.post_count,
        source_count=signal.source_count,
        notification_status=signal.notification_status,
    )
    signal.severity = value
    signal.severity_breakdown = breakdown
    signal.title = signal_title(signal.types or [], signal.place, signal.event_time)


def _signal_of_earlier_version(
    session: Session, post: Post, touched: dict[int, Signal]
) -> Signal | None:
    """The open signal holding an earlier version of this (edited) post, if any."""
    first = post.version_of_id
    if first is None:
        return None
    rows = session.execute(
        select(SignalPost.signal_id)
        .join(Post, Post.id == SignalPost.post_id)
        .where(
            or_(Post.id == first, Post.version_of_id == first),
            Post.id != post.id,
        )
        .order_by(Post.version.desc())
    ).all()
    for (signal_id,) in rows:
        signal = touched.get(signal_id) or session.get(Signal, signal_id)
        if signal is not None and signal.status in OPEN_STATUSES:
            return signal
    return None


def _apply_edit(signal: Signal, facts: _Facts) -> None:
    """An edit by the author corrects the item: its place and time replace the earlier ones."""
    if facts.place:
        signal.place = facts.place
        signal.district = facts.district or signal.district
    if facts.event_time is not None:
        signal.event_time = facts.event_time
        signal.event_time_text = facts.event_time_text


def detect(session: Session, post_ids: list[int], *, now: datetime | None = None) -> DetectResult:
    """Attach each flagged post (by its newest enrichment) to the signal of its gathering or
    start a new one. Idempotent: a post already in a signal is skipped. Runs in the caller's
    transaction; nothing is committed here."""
    now = now or utcnow()
    result = DetectResult()
    if not post_ids:
        return result
    unique_ids = list(dict.fromkeys(post_ids))
    already = set(
        session.scalars(select(SignalPost.post_id).where(SignalPost.post_id.in_(unique_ids)))
    )
    todo = [pid for pid in unique_ids if pid not in already]
    if not todo:
        return result
    enrichments = _newest_enrichments(session, todo)
    posts = {p.id: p for p in session.scalars(select(Post).where(Post.id.in_(todo)))}

    index = clustering.index_for(_db_key(session))
    with index.lock:
        _refresh_index(session, index, now)

    touched: dict[int, Signal] = {}
    before: dict[int, tuple[Any, ...]] = {}
    labels: dict[int, dict[str, float]] = {}
    new_ids: set[int] = set()
    # No autoflush inside the loop: each lookup would otherwise flush the links added so far.
    with index.lock, session.no_autoflush:
        for pid in todo:
            post, enrichment = posts.get(pid), enrichments.get(pid)
            if post is None or enrichment is None:
                continue
            facts = _facts(post, enrichment)
            if facts is None:
                continue
            # An edited item joins the signal its earlier version is in, whatever it now says.
            earlier = _signal_of_earlier_version(session, post, touched)
            signal = (
                earlier
                or _find_by_text(session, index, facts, now)
                or _find_by_gathering(session, facts, now, touched)
            )
            if signal is None:
                seen = post.fetched_at or now
                signal = Signal(
                    types=[],
                    status="new",
                    minhash=clustering.to_list(facts.minhash),
                    first_seen_at=seen,
                    last_activity_at=seen,
                    post_count=0,
                    source_count=0,
                    version=1,
                )
                session.add(signal)
                session.flush()
                new_ids.add(signal.id)
                if index.add(f"s{signal.id}", signal.id, facts.minhash):
                    _forget_on_rollback(session, index, f"s{signal.id}")
                index.max_signal_id = max(index.max_signal_id, signal.id)
            if signal.id not in touched:
                touched[signal.id] = signal
                before[signal.id] = _visible(signal)
                labels[signal.id] = dict((signal.severity_breakdown or {}).get("labels") or {})
            session.add(SignalPost(signal_id=signal.id, post_id=pid, added_at=now))
            if index.add(f"p{pid}", signal.id, facts.minhash):
                _forget_on_rollback(session, index, f"p{pid}")
            _apply(signal, facts)
            if earlier is not None:
                _apply_edit(signal, facts)
            labels[signal.id] = _merge_labels(labels[signal.id], enrichment)

    session.flush()
    for signal_id, signal in touched.items():
        _rescore(session, signal, labels[signal_id], now)
        if signal_id in new_ids:
            result.new_signal_ids.append(signal_id)
        else:
            if _visible(signal) != before[signal_id]:
                signal.version = (signal.version or 1) + 1
            result.grown_signal_ids.append(signal_id)
        result.signal_ids.append(signal_id)
    session.flush()
    if touched:
        log.info(
            "detect: %d post(s) -> %d new, %d grown signal(s)",
            len(todo),
            len(result.new_signal_ids),
            len(result.grown_signal_ids),
        )
    return result


def refresh_signals(
    session: Session, signal_ids: list[int] | None = None, *, now: datetime | None = None
) -> list[int]:
    """Recompute register match, severity and title of open signals (the given ones, or every
    open signal active within the window). For after a register change, and periodically so
    that urgency follows the clock. Returns the ids whose visible state changed; their version
    is bumped so that a decision made on the old state is refused as stale."""
    now = now or utcnow()
    query = select(Signal).where(Signal.status.in_(OPEN_STATUSES))
    if signal_ids is None:
        query = query.where(Signal.last_activity_at >= now - CLUSTER_WINDOW)
    else:
        if not signal_ids:
            return []
        query = query.where(Signal.id.in_(signal_ids))
    changed: list[int] = []
    for signal in session.scalars(query.order_by(Signal.id)).all():
        before = _visible(signal)
        labels = dict((signal.severity_breakdown or {}).get("labels") or {})
        _rescore(session, signal, labels, now)
        if _visible(signal) != before:
            signal.version = (signal.version or 1) + 1
            changed.append(signal.id)
    session.flush()
    return changed
