"""The markup the demo's pages and feeds share: XML helpers and the page frame with its banner.
Every page says it is synthetic demo data (MARK)."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from datetime import datetime

MARK = "SYNTHETISCHE DEMODATA"


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def xml_text(root: ET.Element) -> str:
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = text
    return el


def text_html(text: str) -> str:
    return "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n") if p.strip())


BANNER = (
    '<div class="demo-banner" role="note" style="background:#ffe08a;padding:.5em;'
    f'font-weight:bold">{MARK} - fictieve berichten voor de demo van oov-signals</div>'
)


def page(title: str, body: str, head: str = "") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)} - {MARK}</title>\n"
        f'<meta name="description" content="{MARK}">\n{head}</head>\n<body>\n'
        f"{BANNER}\n{body}\n</body>\n</html>\n"
    )
