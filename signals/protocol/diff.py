"""What changed between two protocol versions, in Dutch, for supervisors and the briefing."""

from __future__ import annotations

from nlp.vocabulary import ROLE_NL as ROLE_NAMES_NL
from signals.dates_nl import long_date
from signals.protocol.model import Intervention, LegalStatus, Protocol

FIELD_NAMES = {
    "name": "naam",
    "description": "omschrijving",
    "category": "categorie",
    "legal_basis": "juridische grondslag",
    "legal_status": "juridische status",
    "approver_role": "goedkeuring door",
    "applies_to": "van toepassing op",
    "min_severity": "minimale ernst",
    "preconditions": "voorwaarden",
    "selectable": "kiesbaar",
}
STATUS_NL = {
    LegalStatus.ESTABLISHED: "vastgesteld",
    LegalStatus.CONTESTED: "omstreden",
    LegalStatus.PENDING: "wetsvoorstel (nog niet in werking)",
    LegalStatus.UNAVAILABLE: "niet beschikbaar",
}
ROLE_NL: dict[str | None, str] = {None: "geen", **ROLE_NAMES_NL}


def _show(field: str, value: object) -> str:
    if field == "legal_status":
        return STATUS_NL[LegalStatus(value)]
    if field == "approver_role":
        return ROLE_NL.get(value, str(value))  # type: ignore[arg-type]
    if field == "selectable":
        return {True: "ja", False: "nee", None: "volgens status"}[value]  # type: ignore[index]
    if isinstance(value, tuple):
        return ", ".join(map(str, value)) or "geen"
    return str(value)


def _changes(old: Intervention, new: Intervention) -> list[str]:
    lines = []
    for field, label in FIELD_NAMES.items():
        before, after = getattr(old, field), getattr(new, field)
        if before != after:
            lines.append(f"  - {label}: {_show(field, before)} → {_show(field, after)}")
    return lines


def diff_protocols(old: Protocol, new: Protocol) -> list[str]:
    """Human-readable Dutch lines; empty when the interventions are identical."""
    lines: list[str] = [
        f"Protocol {old.version} → {new.version} (ingangsdatum {long_date(new.effective_date)})"
    ]
    body: list[str] = []
    old_ids = {i.id: i for i in old.interventions}
    new_ids = {i.id: i for i in new.interventions}
    for item in new.interventions:
        if item.id not in old_ids:
            body.append(
                f"Toegevoegd: {item.name} ({item.id}) — {item.legal_basis}, "
                f"{STATUS_NL[item.legal_status]}"
            )
    for item in old.interventions:
        if item.id not in new_ids:
            body.append(f"Verwijderd: {item.name} ({item.id})")
    for item in new.interventions:
        if item.id in old_ids and (changes := _changes(old_ids[item.id], item)):
            body.append(f"Gewijzigd: {item.name} ({item.id})")
            body.extend(changes)
    if not body:
        body.append("Geen wijzigingen in de interventies.")
    if old.rationale != new.rationale:
        body.append(f"Toelichting bij deze versie: {new.rationale}")
    return lines + body
