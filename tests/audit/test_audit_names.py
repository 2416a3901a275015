"""Issue 13: audit action names and details in Dutch. Every action and every detail field that
the code records must have a Dutch name in signals/audit_names.py; the details read as Dutch
key/value text (statuses, roles, labels in Dutch; times in Amsterdam)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from signals.audit_names import (
    ACTION_NL,
    KEY_NL,
    TARGET_NL,
    action_name,
    describe,
    format_value,
    role_name,
    target_name,
)

REPO = Path(__file__).resolve().parents[2]
SKIP = ("signals/migrations/",)
# Built at run time from a variable part (f-strings, concatenation): their possible values.
DYNAMIC = {
    "privacy.reveal.approve",
    "privacy.reveal.reject",
    "autotag.on",
    "autotag.off",
}


def _modules() -> list[tuple[str, ast.Module]]:
    out = []
    for path in sorted((REPO / "signals").rglob("*.py")):
        rel = path.relative_to(REPO).as_posix()
        if not rel.startswith(SKIP):
            out.append((rel, ast.parse(path.read_text(encoding="utf-8"))))
    return out


def _strings(node: ast.AST | None) -> list[str]:
    """The constant strings an expression can evaluate to (`"a"`, `"a" if c else "b"`)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    return []


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _keyword_strings(node: ast.AST, arg: str) -> list[str]:
    """The constant strings `node`, if a call, passes as keyword argument `arg`."""
    if not isinstance(node, ast.Call):
        return []
    return [value for kw in node.keywords if kw.arg == arg for value in _strings(kw.value)]


def recorded_actions() -> dict[str, str]:
    found: dict[str, str] = {}
    for rel, tree in _modules():
        for node in ast.walk(tree):
            found.update((a, rel) for a in _keyword_strings(node, "action"))
            if (isinstance(node, ast.Call) and _call_name(node) in {"audited", "audited_by_handler"}
                    and node.args):
                found.update((a, rel) for a in _strings(node.args[0]))
            # action, purpose = "search", "..." (the queue's two kinds of read)
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple):
                for target in node.targets:
                    if isinstance(target, ast.Tuple):
                        for name, value in zip(target.elts, node.value.elts, strict=False):
                            if isinstance(name, ast.Name) and name.id == "action":
                                found.update((a, rel) for a in _strings(value))
    return found


def _dict_keys(node: ast.AST | None) -> list[str]:
    if isinstance(node, ast.Dict):
        keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
        for value in node.values:
            keys += _dict_keys(value)
        return [k for k in keys if isinstance(k, str)]
    if isinstance(node, ast.Call) and _call_name(node) == "dict":
        return [kw.arg for kw in node.keywords if kw.arg]
    return []


def recorded_detail_keys() -> dict[str, str]:
    found: dict[str, str] = {}
    for rel, tree in _modules():
        assigned: dict[str, list[str]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name) and "details" in target.id:
                        assigned.setdefault(target.id, []).extend(_dict_keys(node.value))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            for kw in node.keywords:
                if kw.arg in {"details", "audit_details"}:
                    keys = _dict_keys(kw.value)
                    if isinstance(kw.value, ast.Name):
                        keys = assigned.get(kw.value.id, [])
                    found.update((k, rel) for k in keys)
    return found


def test_the_scan_finds_the_known_acts() -> None:
    """The scan is only worth something if it sees acts recorded in each way."""
    actions = recorded_actions()
    for known in ("signal.decide", "search", "signal.list", "register.list", "audit.query"):
        assert known in actions, known
    keys = recorded_detail_keys()
    for known in ("decision_id", "filters", "signal_ids", "html_sha256", "enriched"):
        assert known in keys, known


def test_every_recorded_action_has_a_dutch_name() -> None:
    missing = {
        a: where for a, where in recorded_actions().items() if a not in ACTION_NL
    } | {a: "dynamic" for a in DYNAMIC if a not in ACTION_NL}
    assert not missing, f"add a Dutch name to signals/audit_names.ACTION_NL: {missing}"


def test_every_recorded_target_has_a_dutch_name() -> None:
    found: dict[str, str] = {}
    for rel, tree in _modules():
        for node in ast.walk(tree):
            found.update((t, rel) for t in _keyword_strings(node, "target_type"))
    assert "signal" in found and "register_entry" in found
    missing = {t: where for t, where in found.items() if t not in TARGET_NL}
    assert not missing, f"add a Dutch name to signals/audit_names.TARGET_NL: {missing}"


def test_every_recorded_detail_field_has_a_dutch_name() -> None:
    missing = {k: where for k, where in recorded_detail_keys().items() if k not in KEY_NL}
    assert not missing, f"add a Dutch name to signals/audit_names.KEY_NL: {missing}"


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("signal.decide", "besluit over een signaal vastleggen"),
        ("briefing.generate.denied", "geweigerd: weekbriefing maken"),
        ("privacy.reveal.request.denied", "geweigerd: onthulling van een auteur aanvragen"),
        ("login.failure", "inloggen mislukt"),
    ],
)
def test_action_names(code: str, name: str) -> None:
    assert action_name(code) == name


def test_an_unknown_action_is_shown_as_unknown_not_hidden() -> None:
    assert action_name("made.up") == "onbekende handeling (made.up)"
    assert action_name("signal.").startswith("alle: ")
    assert "signaal bekijken" in action_name("signal.")


def test_details_of_a_decision_read_as_dutch() -> None:
    lines = describe(
        {
            "decision_id": 7,
            "from": "in_review",
            "to": "dismissed",
            "reason_code": "news_report",
            "protocol_version": "v1",
            "version": 3,
        }
    )
    assert lines == [
        ("besluit", "7"),
        ("van", "in behandeling"),
        ("naar", "afgewezen"),
        ("reden", "Nieuwsbericht of verslag, geen oproep"),
        ("protocolversie", "v1"),
        ("versie", "3"),
    ]


def test_details_roles_labels_times_hashes_lists() -> None:
    assert dict(describe({"username": "piet", "from": "analyst", "to": "admin"})) == {
        "account": "piet",
        "van": "analist",
        "naar": "beheerder",
    }
    assert dict(describe({"label": "polarising", "value": False})) == {
        "label": "polariserend",
        "waarde": "nee",
    }
    # 13:05 UTC in December is 14:05 in Amsterdam.
    assert format_value("at", "2026-12-05T13:05:00+00:00") == "05-12-2026 14:05"
    assert format_value("html_sha256", "ab" * 32) == "abababababababab…"
    assert format_value("signal_ids", list(range(1, 21))).endswith("… (20 in totaal)")
    queue = dict(describe({"filters": {"status": "new", "type": "threat"}, "total": 2}))
    assert queue == {"filters": "status: nieuw; soort: dreiging", "aantal": "2"}
    page = describe({"route": "/signalen/{signal_id}", "params": {"signal_id": "12"}})
    assert page == [("pagina", "/signalen/12")]
    assert role_name("auditor") == "auditor" and role_name("supervisor") == "supervisor"
    assert target_name("register_entry", "4") == "registerregel 4"


def test_the_weekly_retrains_reasons_read_as_dutch() -> None:
    reasons = [{"check": "frozen_f1", "subject": "threat", "candidate": 0.84, "shipped": 0.85},
               {"check": "probe", "subject": "fireworks chatter", "candidate": 0.2031,
                "shipped": 0.0746}]
    (line,) = describe({"reasons": reasons})
    assert line == (
        "redenen om het nieuwe model niet in gebruik te nemen",
        "controle: F1 op de bevroren testset lager; waarop: dreiging; nieuw model: 0,84; "
        "huidig model: 0,85 | controle: controlezinnen de verkeerde kant op; waarop: alledaagse "
        "berichten over vuurwerk; nieuw model: 0,2031; huidig model: 0,0746")


def test_a_fairness_reason_reads_as_dutch() -> None:
    reason = {"check": "fairness", "subject": "Al die {G} zijn tuig.", "candidate": 0.06,
              "shipped": None}
    (line,) = describe({"reasons": [reason]})
    assert line[1] == ("controle: groepen ongelijk behandeld in de tegenfeitelijke zinnen; "
                       "waarop: Al die {G} zijn tuig.; nieuw model: 0,06")


def test_every_probe_family_has_a_dutch_name() -> None:
    from nlp.probes import families
    from nlp.vocabulary import PROBE_FAMILY_NL

    assert [f.name for f in families() if f.name not in PROBE_FAMILY_NL] == []
