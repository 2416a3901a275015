"""How the audit log reads to a person: Dutch names for every audit action, for the targets and
the detail fields, and the details of an event as readable Dutch key/value lines.

The log itself keeps the stable codes (`signal.decide`); this module is the one place that
turns them into words, for the auditors' page, its filter and anything else that shows the log.
tests/audit/test_audit_names.py fails when an action or a detail field is recorded anywhere in
the code without a name here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, Final

from nlp.vocabulary import LABEL_NL, NOTIFICATION_NL, PROBE_FAMILY_NL, ROLE_NL, STATUS_NL, TZ
from signals.triage import DISMISS_REASONS

# Infinitive phrases ("signaal bekijken"), so that a refusal reads as well as the act itself:
# "geweigerd: weekbriefing maken".
ACTION_NL: Final = MappingProxyType(
    {
        "login.success": "inloggen",
        "login.failure": "inloggen mislukt",
        "login.throttled": "inloggen vertraagd (te veel pogingen)",
        "logout": "uitloggen",
        "signal.list": "signalenlijst bekijken",
        "signal.view": "signaal bekijken",
        "signal.decide": "besluit over een signaal vastleggen",
        "signal.decide.refused": "besluit over een signaal geweigerd",
        "signal.export": "signalenlijst exporteren (CSV)",
        "signal.assign": "signaal toewijzen",
        "signal.unassign": "toewijzing van een signaal intrekken",
        "signal.note.add": "notitie bij een signaal toevoegen",
        "briefing.snippet.set": "fragment markeren voor de weekbriefing",
        "briefing.snippet.clear": "markering voor de weekbriefing weghalen",
        "search": "zoeken",
        "search.reindex": "zoekindex opnieuw opbouwen",
        "label.correct": "label corrigeren",
        "signal.rescore": "signaal opnieuw beoordelen na labelcorrectie",
        "explanation.view": "uitleg bekijken (ernst of model)",
        "register.list": "register bekijken",
        "register.view": "registerregel bekijken",
        "register.import": "register importeren (CSV)",
        "register.create": "registerregel toevoegen",
        "register.update": "registerregel wijzigen",
        "user.list": "gebruikers bekijken",
        "user.create": "account aanmaken",
        "user.role": "rol wijzigen",
        "user.role_grant.request": "rol aanvragen (vier ogen)",
        "user.role_grant.approve": "rol goedkeuren (vier ogen)",
        "user.role_grant.reject": "rol afwijzen (vier ogen)",
        "user.enable": "account activeren",
        "user.disable": "account uitschakelen",
        "user.password": "wachtwoord wijzigen",
        "audit.query": "auditlog raadplegen",
        "audit.verify": "hashketen controleren",
        "audit.export": "auditlog exporteren",
        "protocol.view": "protocol bekijken",
        "protocol.activate": "protocolversie activeren",
        "intervention.view": "interventies bij een signaal bekijken",
        "intervention.list": "goedkeuringen bekijken",
        "intervention.propose": "interventies voorstellen",
        "intervention.approve": "interventie goedkeuren (vier ogen)",
        "intervention.reject": "interventie afwijzen (vier ogen)",
        "privacy.view": "privacypagina bekijken",
        "privacy.lookup": "inzageverzoek uitvoeren",
        "privacy.erase": "gegevens wissen (verwijderverzoek)",
        "privacy.reporter.lookup": "gegevens van een melder opzoeken (inzageverzoek)",
        "privacy.reporter.erase": "melder loskoppelen van meldingen (verwijderverzoek)",
        "privacy.reveal.request": "onthulling van een auteur aanvragen",
        "privacy.reveal.approve": "onthulling goedkeuren (vier ogen)",
        "privacy.reveal.reject": "onthulling afwijzen",
        "privacy.reveal": "auteur onthullen",
        "autotag.on": "automatisch labelen aanzetten",
        "autotag.off": "automatisch labelen uitzetten",
        "pipeline.run": "bronnen verzamelen en verwerken",
        "model.promote": "nieuw model in gebruik nemen",
        "model.keep": "huidig model houden",
        "retention.purge": "opschonen volgens bewaartermijnen",
        "alert.sent": "melding versturen",
        "alert.role_change": "melding over rolwijziging versturen",
        "briefing.view": "weekbriefingpagina bekijken",
        "briefing.generate": "weekbriefing maken",
        "briefing.download": "weekbriefing downloaden",
        "source.health": "bronnen bekijken",
        "partner.report.check": "melding van een partner controleren",
        "partner.report.refused": "melding van een partner geweigerd (persoonsgegevens)",
        "partner.report.create": "melding van een partner indienen",
        "partner.report.view_own": "eigen melding bekijken (partner)",
        "partner.report.list_own": "eigen meldingen bekijken (partner)",
        "partner.reporter.view": "melder van een melding inzien",
        "partner.organisation.create": "partnerorganisatie toevoegen",
        "partner.organisation.list": "partnerorganisaties bekijken",
        "partner.account.create": "partneraccount aanmaken",
        "partner.token.create": "API-sleutel voor een partner aanmaken",
        "partner.token.revoke": "API-sleutel van een partner intrekken",
    }
)
# A refused act is recorded as its action plus this suffix (signals/cli/actor.py,
# signals/privacy/access.py).
DENIED_SUFFIX: Final = ".denied"

TARGET_NL: Final = MappingProxyType(
    {
        "signal": "signaal",
        "signals": "signalen",
        "post": "bericht",
        "posts": "berichten",
        "audit": "auditlog",
        "briefing": "weekbriefing",
        "cli": "opdrachtregel",
        "data_subject_request": "verzoek van betrokkene",
        "explanation": "uitleg",
        "model": "model",
        "pipeline": "verwerking",
        "privacy": "privacy",
        "protocol": "protocol",
        "register": "register",
        "register_entry": "registerregel",
        "retention": "bewaartermijnen",
        "reveal_request": "onthullingsverzoek",
        "search_index": "zoekindex",
        "setting": "instelling",
        "user": "gebruiker",
        "partner_organisation": "partnerorganisatie",
        "partner_report": "melding van een partner",
        "partner_token": "API-sleutel van een partner",
    }
)

# Detail fields, as recorded by the acts (keys of `details`), and the nested ones (filters,
# counts, the read audit's query).
KEY_NL: Final = MappingProxyType(
    {
        # triage, labels, interventions
        "decision_id": "besluit",
        "from": "van",
        "to": "naar",
        "reason_code": "reden",
        "protocol_version": "protocolversie",
        "version": "versie",
        "stale": "verouderd",
        "reason": "reden",
        "correction_id": "correctie",
        "severity_before": "ernst ervoor",
        "severity_after": "ernst erna",
        "types_before": "soorten ervoor",
        "types_after": "soorten erna",
        "label": "label",
        "value": "waarde",
        "interventions": "interventies",
        "intervention": "interventie",
        "chosen_intervention_id": "gekozen interventie",
        "chosen_intervention_ids": "gekozen interventies",
        "conditions_met": "wettelijke voorwaarden vervuld",
        "one_action_to": "stap van één handeling naar",
        "previous": "vorige versie",
        "sha256": "vingerafdruk (SHA-256)",
        "html_sha256": "vingerafdruk (SHA-256)",
        "signals": "signalen",
        "week": "week",
        "note_id": "notitie",
        "length": "lengte (tekens)",
        "was_marked": "was al gemarkeerd",
        # partner reports
        "new_signal": "nieuw signaal",
        "met_online": "samen met online berichten",
        "name": "naam",
        "organisation_id": "partnerorganisatie",
        "token_id": "API-sleutel",
        "prefix": "begin van de sleutel",
        # accounts
        "username": "account",
        "role": "rol",
        "pending": "wacht op goedkeuring",
        "kind": "soort",
        "grant_id": "aanvraag",
        "requested_by": "aangevraagd door",
        "by": "door",
        "client": "adres",
        "wait_seconds": "wachttijd (seconden)",
        # reads, searches, exports
        "channel": "via",
        "filters": "filters",
        "verify": "keten gecontroleerd",
        "checked": "regels gecontroleerd",
        "ok": "in orde",
        "query": "zoekopdracht",
        "total": "aantal",
        "hits": "treffers",
        "signal_ids": "signalen",
        "rows": "regels",
        "format": "formaat",
        "route": "pagina",
        "params": "gegevens",
        "documents": "documenten",
        "backend": "index",
        "file": "bestand",
        # audit filters and the queue's filters
        "actor": "gebruiker",
        "action": "handeling",
        "signal_id": "signaal",
        "date_from": "van",
        "date_to": "tot en met",
        "page": "pagina",
        "status": "status",
        "type": "soort",
        "district": "stadsdeel",
        "q": "zoektekst",
        "min_severity": "minimale ernst",
        "sort": "sortering",
        "order": "volgorde",
        "mine": "alleen eigen",
        "upcoming": "komende bijeenkomsten",
        "notification": "aanmelding",
        # register
        "created": "toegevoegd",
        "updated": "bijgewerkt",
        "entry_id": "registerregel",
        "entry_ids": "registerregels",
        "fields": "velden",
        "signals_rematched": "signalen opnieuw vergeleken",
        # privacy
        "post_id": "bericht",
        "post_ids": "berichten",
        "report_ids": "meldingen",
        "source_id": "bron",
        "periods_searched": "doorzochte maanden",
        "signals_deleted": "signalen verwijderd",
        "signals_updated": "signalen bijgewerkt",
        # pipeline, retention, model, alerts
        "mode": "wijze",
        "sources": "bronnen",
        "sources_not_due": "bronnen nog niet aan de beurt",
        "source_errors": "bronnen met fouten",
        "new_posts": "nieuwe berichten",
        "duplicates": "dubbele berichten",
        "new_signals": "nieuwe signalen",
        "enriched": "geanalyseerd",
        "counts": "aantallen",
        "audit_events_purged": "auditregels verwijderd",
        "audit_anchor_hash": "ankerhash",
        "keys_destroyed": "sleutels vernietigd",
        "policy": "bewaarbeleid",
        "champion": "huidig model",
        "challenger": "nieuw model",
        "champion_scores": "scores huidig model",
        "challenger_scores": "scores nieuw model",
        "corrections": "correcties",
        "feedback": "terugkoppeling van analisten",
        "confirmed": "terecht gemarkeerd",
        "false_alarms": "vals alarm",
        "missed": "gemist",
        "rightly_unflagged": "terecht niet gemarkeerd",
        "unknown": "bericht niet meer bewaard",
        "promoted": "in gebruik genomen",
        "reasons": "redenen om het nieuwe model niet in gebruik te nemen",
        "check": "controle",
        "subject": "waarop",
        "candidate": "nieuw model",
        "shipped": "huidig model",
        "candidate_wrong": "zinnen verkeerd gelezen door het nieuwe model",
        "shipped_wrong": "zinnen verkeerd gelezen door het huidige model",
        "severity": "ernst",
        "escalation": "opschaling",
        "delivered": "verstuurd via",
        "failed": "mislukt via",
    }
)

# Values that are codes of their own: shown by their Dutch name wherever they appear.
VALUE_NL: Final = MappingProxyType(
    {
        "web": "webpagina",
        "api": "API",
        "cli": "opdrachtregel",
        "csv": "CSV",
        "watch": "doorlopend (watch)",
        "create": "nieuw account",
        "raise": "rolverhoging",
        "unknown": "onbekende gebruikersnaam",
        "bad_password": "onjuist wachtwoord",
        "disabled": "account uitgeschakeld",
        "StaleDecisionError": "iemand anders besliste eerst",
        "InvalidTransitionError": "deze stap is vanuit de huidige status niet mogelijk",
        "DecisionValidationError": "besluit onvolledig",
        "NotFoundError": "signaal bestaat niet",
        "email": "e-mail",
        "desc": "aflopend",
        "asc": "oplopend",
        "webhook": "webhook",
        # The weekly retrain's reasons (nlp.shipping_rule.Finding).
        "frozen_f1": "F1 op de bevroren testset lager",
        "cv_f1": "kruisgevalideerde F1 lager dan toegestaan",
        "cv_false_alarms": "kruisgevalideerd vals alarm hoger dan toegestaan",
        "probe": "controlezinnen de verkeerde kant op",
        "probe_unrecorded": "controlezinnen niet vastgelegd voor het huidige model",
        "fairness": "groepen ongelijk behandeld in de tegenfeitelijke zinnen",
        "_false_alarms": "alle labels",
    }
)
# Fields that hold names people chose (accounts, sources): shown as they are, never translated.
AS_IS: Final = frozenset({"username", "actor", "by", "requested_by", "source_id", "query", "q"})
MAX_LIST = 12
HASH_CHARS = 16


def action_name(action: str | None) -> str:
    """The Dutch name of an audit action; a refusal reads "geweigerd: <act>". An action this
    module does not know yet shows as "onbekende handeling" with its code, so nothing is hidden."""
    if not action:
        return "—"
    if action in ACTION_NL:
        return ACTION_NL[action]
    if action.endswith(DENIED_SUFFIX):
        return "geweigerd: " + action_name(action[: -len(DENIED_SUFFIX)])
    if action.endswith("."):  # a filter on a family ("signal.")
        family = [name for code, name in ACTION_NL.items() if code.startswith(action)]
        return "alle: " + ", ".join(family) if family else f"onbekende handelingen ({action}…)"
    return f"onbekende handeling ({action})"


def target_name(target_type: str | None, target_id: str | None = None) -> str:
    if not target_type:
        return ""
    name = TARGET_NL.get(target_type, target_type)
    return f"{name} {target_id}" if target_id else name


def role_name(role: str | None) -> str:
    if not role:
        return "—"
    return ROLE_NL.get(role, role)


def _time(text: str) -> str | None:
    """An ISO timestamp as Amsterdam time; None if the text is not one."""
    if len(text) < 16 or text[4:5] != "-" or "T" not in text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(TZ).strftime("%d-%m-%Y %H:%M")


def _scalar(key: str, value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".").replace(".", ",")
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if key in AS_IS:
        return text
    if key.endswith("hash") or key.endswith("sha256"):
        return text[:HASH_CHARS] + "…" if len(text) > HASH_CHARS else text
    if key == "action":
        return action_name(text)
    if key == "reason_code":
        return DISMISS_REASONS.get(text, text)
    for names in (STATUS_NL, ROLE_NL, LABEL_NL, NOTIFICATION_NL, PROBE_FAMILY_NL, VALUE_NL):
        if text in names:
            return names[text]
    return _time(text) or text


def format_value(key: str, value: Any) -> str:
    """One detail value as Dutch text: lists joined, nested fields as "naam: waarde"."""
    if isinstance(value, Mapping):
        # Unset filters and empty fields say nothing; leave them out.
        shown = {k: v for k, v in value.items() if v not in (None, "", [], {})}
        if not shown:
            return "geen"
        return "; ".join(f"{key_name(k)}: {format_value(k, v)}" for k, v in shown.items())
    if isinstance(value, list | tuple):
        if not value:
            return "geen"
        shown = [format_value(key, v) for v in value[:MAX_LIST]]
        more = f" … ({len(value)} in totaal)" if len(value) > MAX_LIST else ""
        # Records of several fields are told apart by a bar; their fields already use ";" and ",".
        joiner = " | " if any(isinstance(v, Mapping) for v in value) else ", "
        return joiner.join(shown) + more
    return _scalar(key, value)


def key_name(key: str) -> str:
    return KEY_NL.get(key, key.replace("_", " "))


def describe(details: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """The details of an event as (Dutch field name, Dutch value) pairs, in recorded order.
    The read audit's route and its parameters become one "pagina" line with the ids filled in."""
    data = dict(details or {})
    route, params = data.pop("route", None), data.pop("params", None)
    out: list[tuple[str, str]] = []
    if isinstance(route, str):
        for name, value in (params or {}).items() if isinstance(params, Mapping) else ():
            route = route.replace("{" + str(name) + "}", str(value))
        out.append((key_name("route"), route))
    elif params:
        out.append((key_name("params"), format_value("params", params)))
    out.extend((key_name(k), format_value(k, v)) for k, v in data.items())
    return out
