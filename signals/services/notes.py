"""Notes on a signal: a colleague's working notes, audited, deleted with the signal.

A note is about the signal, never about a post author: text that contains a pseudonym, an
@handle or a link to a profile is refused (signals.privacy.mentions)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from nlp.vocabulary import ANALYST, SUPERVISOR
from signals.db.models import Signal, SignalNote
from signals.errors import DomainError, NotAllowed, NotFound
from signals.privacy.mentions import author_mentions
from signals.services import Actor, record_as

MAX_NOTE = 2000
NOTE_ROLES = frozenset({ANALYST, SUPERVISOR})


class NoteRefused(DomainError):
    status_code = 422


def check_note_text(text: str) -> str:
    """The note as it will be stored, or NoteRefused with the reason in Dutch."""
    text = (text or "").strip()
    if not text:
        raise NoteRefused("Een notitie mag niet leeg zijn.")
    if len(text) > MAX_NOTE:
        raise NoteRefused(f"Een notitie is maximaal {MAX_NOTE} tekens.")
    found = author_mentions(text)
    if found:
        kinds = ", ".join(dict.fromkeys(m.kind for m in found))
        raise NoteRefused(
            f"Niet opgeslagen: de notitie bevat gegevens over een auteur ({kinds}). "
            "Persoonsgegevens van auteurs van berichten horen niet in een notitie; "
            "verwijs naar het bericht met zijn nummer."
        )
    return text


def add_note(session: Session, actor: Actor, signal_id: int, text: str) -> SignalNote:
    if actor.role not in NOTE_ROLES:
        raise NotAllowed("Alleen analisten en supervisors schrijven notities.")
    if session.get(Signal, signal_id) is None:
        raise NotFound(f"Signaal {signal_id} bestaat niet.")
    note = SignalNote(signal_id=signal_id, author=actor.username, text=check_note_text(text))
    session.add(note)
    session.flush()
    # Length, not content: the audit trail says that a note was written, the note says what.
    record_as(
        session, actor, action="signal.note.add", target_type="signal", target_id=signal_id,
        purpose="triage: notitie", details={"note_id": note.id, "length": len(note.text)},
    )
    return note

