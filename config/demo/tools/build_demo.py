"""Regenerate config/demo/{site/,sources.yml,expected.yml,register.csv} from items.py.

The served files are static, so every absolute URL uses the fixed demo port 8765.
Run: .venv/bin/python config/demo/tools/build_demo.py

`build(target, shift_weeks)` writes the same files with every date moved by whole weeks (so each
weekday stays the weekday the text names): `signals demo` uses it to move the demo to the week it
runs in, so that the briefing of the current week has something to show. `shift_for(today)` is
the number of weeks that puts the demo's last post just before `today`.
"""

from __future__ import annotations

import csv
import html
import json
import shutil
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from demo_dates import human_date, shift_text, shifted  # noqa: E402, F401 (shift_text: read here by its test)
from demo_item import AMS, Item  # noqa: E402
from demo_markup import MARK, iso, page, sub, text_html, xml_text  # noqa: E402
from items import ITEMS  # noqa: E402

DEMO = Path(__file__).resolve().parent.parent
SITE = DEMO / "site"
BASE = "http://127.0.0.1:8765"
DC = "http://purl.org/dc/elements/1.1/"
ATOM = "http://www.w3.org/2005/Atom"
LEGAL_BASIS = "AVG art. 6 lid 1 sub e jo. Gemeentewet art. 172 lid 1"
TG_CHANNEL = "almere_alert"


def permalink(item: Item) -> str:
    """Path (no host) of the item's own page; unique per item, the key of expected.yml."""
    match item.source:
        case "demo-stadsnieuws":
            return f"/stadsnieuws/{item.slug}.html"
        case "demo-vandaag-web":
            return f"/nieuws/{item.slug}.html"
        case "demo-buurtforum":
            return f"/forum/{item.slug}.html"
        case "demo-reddit-almere":
            return f"/r/almere/comments/{item.slug}.html"
        case "demo-mastodon-almere":
            # Not /@handle/<id>: keep author handles out of stored URLs (content, not people).
            return f"/mastodon/statuses/{item.slug}.html"
        case "demo-buurtapp":
            return f"/buurtapp/{item.slug}.html"
        case "demo-telegram-almere-alert":
            return f"/telegram/{TG_CHANNEL}/{item.slug}"
    raise ValueError(item.source)


def guid(item: Item) -> str:
    if item.source == "demo-telegram-almere-alert":
        return f"{TG_CHANNEL}/{item.slug}"  # the data-post attribute
    if item.source == "demo-buurtapp":
        return f"buurtapp:{item.slug}"
    return BASE + permalink(item)


SOURCES: list[dict] = yaml.safe_load(
    (Path(__file__).resolve().parent / "sources.yml").read_text(encoding="utf-8"))
SOURCE_BY_ID = {s["id"]: s for s in SOURCES}


def items_of(source_id: str) -> list[Item]:
    return sorted(
        (i for i in ITEMS if i.source == source_id), key=lambda i: i.published, reverse=True
    )


def write(rel: str, text: str) -> None:
    path = SITE / rel.lstrip("/")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# ------------------------------------------------------------------ feeds


def rss(source_id: str, description: str, author_el: Callable[[ET.Element, Item], None]) -> None:
    ET.register_namespace("dc", DC)
    ET.register_namespace("atom", ATOM)
    meta = SOURCE_BY_ID[source_id]
    root = ET.Element("rss", {"version": "2.0"})
    channel = sub(root, "channel")
    sub(channel, "title", f"{meta['name']} - {MARK}")
    sub(channel, "link", f"{BASE}/")
    sub(channel, "description", f"{MARK}: {description} Alle berichten zijn verzonnen.")
    sub(channel, "language", "nl-nl")
    sub(channel, f"{{{ATOM}}}link", href=f"{BASE}/{meta['file']}", rel="self",
        type="application/rss+xml")
    items = items_of(source_id)
    sub(channel, "lastBuildDate", format_datetime(items[0].published))
    for item in items:
        el = sub(channel, "item")
        sub(el, "title", item.title)
        sub(el, "link", BASE + permalink(item))
        sub(el, "guid", guid(item), isPermaLink="true")
        sub(el, "pubDate", format_datetime(item.published))
        author_el(el, item)
        sub(el, "description", text_html(item.text))
    write(meta["file"], xml_text(root))


def dc_creator(el: ET.Element, item: Item) -> None:
    sub(el, f"{{{DC}}}creator", item.author)


def rss_author(el: ET.Element, item: Item) -> None:
    # RSS 2.0 wants an e-mail address; example.com is reserved, and feedparser then yields
    # author_detail.name == the handle.
    sub(el, "author", f"noreply@example.com ({item.author})")


def atom_feed() -> None:
    ET.register_namespace("", ATOM)
    meta = SOURCE_BY_ID["demo-mastodon-almere"]
    items = items_of("demo-mastodon-almere")
    a = f"{{{ATOM}}}"
    root = ET.Element(f"{a}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "nl"})
    sub(root, f"{a}id", f"{BASE}/mastodon/tags/almere")
    sub(root, f"{a}title", f"#almere op mastodon.demo.invalid - {MARK}")
    sub(root, f"{a}subtitle", f"{MARK}: openbare berichten met #almere. Alles is verzonnen.")
    sub(root, f"{a}updated", iso(items[0].published))
    sub(root, f"{a}link", rel="self", href=f"{BASE}/{meta['file']}")
    sub(root, f"{a}link", rel="alternate", href=f"{BASE}/mastodon/tags/almere", type="text/html")
    for item in items:
        entry = sub(root, f"{a}entry")
        sub(entry, f"{a}id", guid(item))
        # Mastodon posts have no title; a snippet without the handle keeps authors out of text.
        sub(entry, f"{a}title", item.text.split(". ")[0][:80])
        sub(entry, f"{a}link", rel="alternate", href=BASE + permalink(item), type="text/html")
        sub(entry, f"{a}published", iso(item.published))
        sub(entry, f"{a}updated", iso(item.published))
        author = sub(entry, f"{a}author")
        sub(author, f"{a}name", item.author)
        sub(entry, f"{a}content", text_html(item.text), type="html")
    write(meta["file"], xml_text(root))


def json_feed() -> None:
    meta = SOURCE_BY_ID["demo-buurtapp"]
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": f"{meta['name']} - {MARK}",
        "home_page_url": f"{BASE}/buurtapp/",
        "feed_url": f"{BASE}/{meta['file']}",
        "description": f"{MARK}: openbare buurtmeldingen uit Almere. Alles is verzonnen.",
        "language": "nl",
        "items": [
            {
                "id": guid(item),
                "url": BASE + permalink(item),
                "title": item.title,
                "content_text": item.text,
                "date_published": iso(item.published),
                "authors": [{"name": item.author}],
                "language": "nl",
            }
            for item in items_of("demo-buurtapp")
        ],
    }
    write(meta["file"], json.dumps(feed, ensure_ascii=False, indent=2) + "\n")


# ------------------------------------------------------------------ html

def article_page(item: Item, site_name: str) -> str:
    head = (
        f'<meta property="og:type" content="article">\n'
        f'<meta property="og:title" content="{html.escape(item.title)}">\n'
        f'<meta property="og:site_name" content="{html.escape(site_name)}">\n'
        f'<meta property="article:published_time" content="{iso(item.published)}">\n'
        f'<meta name="author" content="{html.escape(item.author or "")}">\n'
        f'<link rel="canonical" href="{BASE}{permalink(item)}">\n'
    )
    paragraphs = [item.text, *item.paragraphs]
    body = (
        f'<header><a href="/nieuws/index.html">{html.escape(site_name)}</a></header>\n'
        "<main>\n<article>\n"
        f"<h1>{html.escape(item.title)}</h1>\n"
        f'<p class="byline">Door {html.escape(item.author or "")} - '
        f'<time datetime="{iso(item.published)}">{human_date(item.published)}</time></p>\n'
        + "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
        + "\n</article>\n</main>\n"
        f"<footer><p>{MARK}. Dit artikel is verzonnen.</p></footer>"
    )
    return page(item.title, body, head)


def post_page(item: Item, site_name: str) -> str:
    """A permalink page for a feed item, so links in the UI resolve offline."""
    title = item.title or f"Bericht van {item.author}"
    return article_page(
        Item(**{**{f: getattr(item, f) for f in item.__slots__}, "title": title}), site_name
    )


def news_site() -> None:
    site_name = SOURCE_BY_ID["demo-vandaag-web"]["name"]
    items = items_of("demo-vandaag-web")
    rows = "\n".join(
        f'<li><a href="/nieuws/{i.slug}.html">{html.escape(i.title)}</a> '
        f'<time datetime="{iso(i.published)}">{human_date(i.published)}</time></li>'
        for i in items
    )
    body = (
        f"<header><h1>{html.escape(site_name)}</h1></header>\n<main>\n"
        f'<ul class="article-list">\n{rows}\n</ul>\n</main>\n<footer>{MARK}</footer>'
    )
    write("nieuws/index.html", page(site_name, body))
    for item in items:
        write(permalink(item), article_page(item, site_name))


def telegram() -> None:
    items = sorted(items_of("demo-telegram-almere-alert"), key=lambda i: i.published)
    messages = []
    for item in items:
        post = f"{TG_CHANNEL}/{item.slug}"
        text = "<br/>".join(html.escape(line) for line in item.text.split("\n"))
        forwarded = ""
        if item.forwarded_from:
            forwarded = (
                '<div class="tgme_widget_message_forwarded_from accent_color">Forwarded from '
                f'<a class="tgme_widget_message_forwarded_from_name" href="{BASE}/telegram/s/'
                f'polder_opstand.html"><span dir="auto">{html.escape(item.forwarded_from)}</span>'
                "</a></div>"
            )
        messages.append(
            '<div class="tgme_widget_message_wrap js-widget_message_wrap">\n'
            '<div class="tgme_widget_message text_not_supported_wrap js-widget_message" '
            f'data-post="{post}" data-view="demo">\n'
            '<div class="tgme_widget_message_bubble">\n'
            '<div class="tgme_widget_message_author accent_color">'
            f'<a class="tgme_widget_message_owner_name" href="{BASE}/telegram/s/{TG_CHANNEL}.html">'
            '<span dir="auto">Almere Alert</span></a></div>\n'
            f"{forwarded}\n"
            f'<div class="tgme_widget_message_text js-message_text" dir="auto">{text}</div>\n'
            '<div class="tgme_widget_message_footer compact js-message_footer">\n'
            '<div class="tgme_widget_message_info short js-message_info">\n'
            '<span class="tgme_widget_message_views">1.4K</span>'
            '<span class="copyonly"> views</span>'
            '<span class="tgme_widget_message_meta"><a class="tgme_widget_message_date" '
            f'href="{BASE}{permalink(item)}"><time datetime="{iso(item.published)}" '
            f'class="time">{item.published:%H:%M}</time></a></span>\n'
            "</div>\n</div>\n</div>\n</div>\n</div>"
        )
        write(permalink(item) + "/index.html", post_page(item, "Telegram almere_alert"))
    head = (
        f'<meta property="og:title" content="Almere Alert - {MARK}">\n'
        f'<meta property="og:description" content="{MARK}: fictief kanaal.">\n'
    )
    oldest = items[0].slug
    body = (
        '<header class="tgme_header"><div class="tgme_channel_info">'
        '<div class="tgme_channel_info_header_title"><span dir="auto">Almere Alert</span></div>'
        f'<div class="tgme_channel_info_header_username"><a href="{BASE}/telegram/s/'
        f'{TG_CHANNEL}.html">@{TG_CHANNEL}</a></div>'
        f'<div class="tgme_channel_info_description">{MARK}. Verzonnen kanaal voor de demo.'
        "</div></div></header>\n"
        '<main class="tgme_main"><section class="tgme_channel_history js-message_history">\n'
        f'<div class="tme_messages_more js-messages_more" data-before="{oldest}"></div>\n'
        + "\n".join(messages)
        + "\n</section></main>"
    )
    write("telegram/s/almere_alert.html", page("Almere Alert", body, head))
    # The forward source exists only so its link resolves; it holds no messages.
    write("telegram/s/polder_opstand.html", page("Polder Opstand", "<main>Geen berichten.</main>"))


def permalink_pages() -> None:
    for item in ITEMS:
        if item.source in ("demo-vandaag-web", "demo-telegram-almere-alert"):
            continue
        write(permalink(item), post_page(item, SOURCE_BY_ID[item.source]["name"]))


def landing() -> None:
    rows = "\n".join(
        f'<li><a href="/{s["file"]}">{html.escape(s["name"])}</a> ({s["kind"]})</li>'
        for s in SOURCES
    )
    body = f"<main><h1>oov-signals demo</h1>\n<ul>\n{rows}\n</ul></main>"
    write("index.html", page("oov-signals demo", body))
    write("robots.txt", "User-agent: *\nAllow: /\n")


# ------------------------------------------------------------------ config files


def sources_yml() -> None:
    entries = []
    for s in SOURCES:
        entry = {
            "id": s["id"], "kind": s["kind"], "url": s["url"], "name": s["name"],
            "poll_interval_minutes": 15, "enabled": True, "language": "nl",
            "purpose": s["purpose"], "legal_basis": LEGAL_BASIS,
            "public_because": s["public_because"],
        }
        for key in ("max_depth", "max_pages", "follow_pattern"):
            if key in s:
                entry[key] = s[key]
        entries.append(entry)
    header = (
        "# Sources of the offline demo (SYNTHETISCHE DEMODATA). Generated by tools/build_demo.py.\n"
        "# {base_url} is replaced by the loader with http://127.0.0.1:8765.\n"
    )
    (DEMO / "sources.yml").write_text(
        header + yaml.safe_dump({"sources": entries}, sort_keys=False, allow_unicode=True,
                                width=100),
        encoding="utf-8",
    )


def kind(item: Item) -> str:
    if item.announced:
        return "announced_gathering"
    if item.flag:
        return "positive"
    return "negative" if item.case == "neutral" else "hard_negative"


def expected_yml() -> None:
    items = {}
    for item in sorted(ITEMS, key=lambda i: (i.source, i.published)):
        entry: dict = {
            "source": item.source,
            "guid": guid(item),
            "url": BASE + permalink(item),
            "published": iso(item.published),
            "flag": item.flag,
            "labels": list(item.labels),
            "in_almere": item.in_almere,
            "kind": kind(item),
            "case": item.case,
            "places": list(item.places),
            "when": item.when,
        }
        if item.cluster:
            entry["cluster"] = item.cluster
        if item.announced:
            entry["register_ref"] = "WOM-2026-0412"
        items[permalink(item)] = entry
    header = (
        "# Expected outcome per demo item (SYNTHETISCHE DEMODATA). Generated by "
        "tools/build_demo.py.\n"
        "# Key: URL path of the item's link (RawPost.url without host). `guid` is the feed GUID\n"
        "# (Telegram: the data-post attribute, e.g. almere_alert/118).\n"
        "# flag: true when any of the four ANNOTATION.md labels applies (should become a signal).\n"
        "# kind: positive | hard_negative | negative (plain filler) | announced_gathering\n"
        "#   (a call_to_gathering matching register.csv: it is a signal, but marked announced,\n"
        "#   never 'niet aangemeld').\n"
        "# cluster: items with the same value are near-duplicate reposts of one call.\n"
    )
    (DEMO / "expected.yml").write_text(
        header + yaml.safe_dump({"items": items}, sort_keys=False, allow_unicode=True, width=100),
        encoding="utf-8",
    )


REGISTER = [
    ("WOM-2026-0398", "ORG-2026-117", "Stadhuisplein", (21, 13), (21, 15), "bevestigd",
     "Protest tegen bezuinigingen op de bibliotheekvestigingen"),
    ("WOM-2026-0412", "ORG-2026-124", "Esplanade", (28, 14), (28, 16), "bevestigd",
     "Demonstratie tegen het plan voor een nieuw azc"),
    ("WOM-2026-0420", "ORG-2026-131", "Grote Markt", (35, 12), (35, 14), "ingetrokken",
     "Stille tocht voor verkeersveiligheid (ingetrokken door organisator)"),
]


def register_csv() -> None:
    def moment(day_hour: tuple[int, int]) -> str:
        day, hour = day_hour
        month, day = (12, day - 30) if day > 30 else (11, day)
        return iso(datetime(2026, month, day, hour, tzinfo=AMS) + timedelta(weeks=SHIFT_WEEKS))

    with (DEMO / "register.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["reference", "organiser_ref", "place", "start", "end", "status",
                         "description"])
        for ref, org, place, start, end, status, desc in REGISTER:
            writer.writerow([ref, org, place, moment(start), moment(end), status, desc])


# ------------------------------------------------------------------ moving the demo in time

SHIFT_WEEKS = 0  # set by build(); 0 for the committed files


def shift_for(today: date) -> int:
    """Whole weeks that move the demo's last post to before `today` (never after it): the
    demo then reads as last week's and this week's posts, about this week's gatherings."""
    last = max(item.published for item in ORIGINAL_ITEMS).date()
    return (today - (last + timedelta(days=1))).days // 7


ORIGINAL_ITEMS = list(ITEMS)


def build(target: Path, shift_weeks: int = 0) -> None:
    """Write site/, sources.yml, expected.yml and register.csv under `target`, with every date
    moved by `shift_weeks` weeks."""
    global DEMO, SITE, ITEMS, SHIFT_WEEKS
    DEMO, SITE, SHIFT_WEEKS = target, target / "site", shift_weeks
    ITEMS = [shifted(item, shift_weeks) for item in ORIGINAL_ITEMS]
    target.mkdir(parents=True, exist_ok=True)
    _write_all()


def main() -> None:
    build(Path(__file__).resolve().parent.parent, 0)


def _write_all() -> None:
    if SITE.exists():
        shutil.rmtree(SITE)
    SITE.mkdir(parents=True)
    rss("demo-stadsnieuws", "lokaal nieuws uit Almere.", dc_creator)
    rss("demo-buurtforum", "nieuwe onderwerpen op het buurtforum.", rss_author)
    rss("demo-reddit-almere", "nieuwe berichten in het stadsforum over Almere.", dc_creator)
    atom_feed()
    json_feed()
    news_site()
    telegram()
    permalink_pages()
    landing()
    sources_yml()
    expected_yml()
    register_csv()


if __name__ == "__main__":
    main()
