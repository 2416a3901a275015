"""Check the generated demo: well-formed feeds, valid sources, every item reachable and expected.

Serves config/demo/site on port 8765 (must be free), walks every source like a collector would,
and prints label counts. Run: .venv/bin/python config/demo/tools/check_demo.py
"""

from __future__ import annotations

import collections
import json
import urllib.request
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import feedparser
import yaml
from parsel import Selector

from collectors.models import SourceConfig
from collectors.replay import serve_directory

DEMO = Path(__file__).resolve().parent.parent
SITE = DEMO / "site"
MARK = "SYNTHETISCHE DEMODATA"
BASE = "http://127.0.0.1:8765"
WINDOW = (
    datetime.fromisoformat("2026-11-16T00:00+01:00"),
    datetime.fromisoformat("2026-11-26T23:59+01:00"),
)


def get(url: str) -> str:
    with urllib.request.urlopen(url) as response:
        assert response.status == 200, url
        return response.read().decode("utf-8")


def walk_feed(source: SourceConfig, body: str, base: str) -> list[str]:
    if str(source.url).endswith(".json"):
        feed = json.loads(body)
        assert feed["version"] == "https://jsonfeed.org/version/1.1"
        assert MARK in feed["title"] and MARK in feed["description"]
        for entry in feed["items"]:
            assert entry["authors"][0]["name"]
            datetime.fromisoformat(entry["date_published"])
            get(entry["url"])
        return [entry["url"].removeprefix(base) for entry in feed["items"]]
    parsed = feedparser.parse(body)
    assert not parsed.bozo, (source.id, parsed.bozo_exception)
    assert MARK in parsed.feed.title
    assert MARK in parsed.feed.get("description", parsed.feed.get("subtitle", ""))
    for entry in parsed.entries:
        assert entry.get("author") and entry.get("published_parsed"), entry.link
        get(entry.link)
    return [entry.link.removeprefix(base) for entry in parsed.entries]


def walk_pages(body: str, base: str) -> list[str]:
    paths = Selector(body).css("ul.article-list a::attr(href)").getall()
    for href in paths:
        article = Selector(get(base + href))
        assert article.css("article h1::text").get(), href
        assert article.css("article time::attr(datetime)").get(), href
        assert article.css('meta[property="article:published_time"]::attr(content)').get()
    return paths


def walk_telegram(body: str, base: str, expected: dict) -> list[str]:
    paths = []
    for message in Selector(body).css("div.tgme_widget_message_wrap > div.tgme_widget_message"):
        link = message.css("a.tgme_widget_message_date::attr(href)").get()
        path = link.removeprefix(base)
        assert expected[path]["guid"] == message.attrib["data-post"]
        assert "".join(message.css("div.tgme_widget_message_text ::text").getall()).strip()
        assert message.css("time::attr(datetime)").get()
        get(link)
        paths.append(path)
    return paths


def main() -> None:
    for name in ("news.xml", "forum.rss", "reddit-almere.rss", "mastodon-almere.atom"):
        ET.parse(SITE / name)
    for html_file in SITE.rglob("*.html"):
        assert MARK in html_file.read_text(encoding="utf-8"), html_file
    raw = (DEMO / "sources.yml").read_text(encoding="utf-8").replace("{base_url}", BASE)
    sources = [SourceConfig.model_validate(s) for s in yaml.safe_load(raw)["sources"]]
    expected = yaml.safe_load((DEMO / "expected.yml").read_text(encoding="utf-8"))["items"]
    seen: collections.Counter[str] = collections.Counter()
    with serve_directory(SITE, port=8765) as base:
        get(base + "/robots.txt")
        for source in sources:
            body = get(str(source.url))
            if source.kind == "page":
                seen.update(walk_pages(body, base))
            elif source.kind == "telegram_public":
                seen.update(walk_telegram(body, base, expected))
            else:
                seen.update(walk_feed(source, body, base))
    assert set(seen) == set(expected), set(seen) ^ set(expected)
    assert all(count == 1 for count in seen.values())
    for key, item in expected.items():
        assert WINDOW[0] <= datetime.fromisoformat(item["published"]) <= WINDOW[1], key
        assert item["flag"] == bool(item["labels"]), key
    labels = collections.Counter(label for item in expected.values() for label in item["labels"])
    print(f"{len(sources)} sources, {len(expected)} items, "
          f"{sum(item['flag'] for item in expected.values())} flagged")
    print("labels:", dict(labels))
    print("kinds:", dict(collections.Counter(item["kind"] for item in expected.values())))


if __name__ == "__main__":
    main()
