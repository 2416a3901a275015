"""Every functionality of the suite, in a fixed order."""

from __future__ import annotations

from nlp.functional.spec import Functionality
from nlp.functional.templates.contrasts import NON_HATEFUL
from nlp.functional.templates.gathering import GATHERING
from nlp.functional.templates.government import GOVERNMENT
from nlp.functional.templates.polarising import HATEFUL
from nlp.functional.templates.threat import THREAT

FUNCTIONALITIES: tuple[Functionality, ...] = (
    *HATEFUL, *NON_HATEFUL, *THREAT, *GATHERING, *GOVERNMENT,
)
BY_ID: dict[str, Functionality] = {f.id: f for f in FUNCTIONALITIES}

__all__ = ["BY_ID", "FUNCTIONALITIES"]
