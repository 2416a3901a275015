"""Versioned protocol of interventions (config/protocol/*.yml)."""

from signals.protocol.diff import diff_protocols
from signals.protocol.loader import (
    ProtocolError,
    find_version_file,
    load_protocol_file,
    load_protocol_text,
)
from signals.protocol.model import Intervention, LegalStatus, Protocol
from signals.protocol.ranking import Ranked, Situation, rank_interventions
from signals.protocol.service import (
    Choice,
    ProtocolActionError,
    ProtocolNotFound,
    activate,
    active_version,
    choose_interventions,
    decide_intervention,
    protocol_of,
    version_protocol,
)

__all__ = [
    "Choice",
    "Intervention",
    "LegalStatus",
    "Protocol",
    "ProtocolActionError",
    "ProtocolError",
    "ProtocolNotFound",
    "Ranked",
    "Situation",
    "activate",
    "active_version",
    "choose_interventions",
    "decide_intervention",
    "diff_protocols",
    "find_version_file",
    "load_protocol_file",
    "load_protocol_text",
    "protocol_of",
    "rank_interventions",
    "version_protocol",
]
