"""`page` sources: Scrapy really crawls the fixture site in a subprocess."""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from collectors import SourceConfig, collect_source
from collectors.text import canonical_url
from tests.fixture_server import LEGAL_FIELDS, local_settings, serve_fixtures

ARTICLE_PATTERN = r"/site/nieuws/[a-z0-9\-]+\.html$"


@pytest.fixture(scope="module", autouse=True)
def _bytecode_cache():
    """This sandbox sets PYTHONDONTWRITEBYTECODE, so each Scrapy subprocess would recompile
    every import (seconds). Let the children cache bytecode in a temp dir instead."""
    saved = {k: os.environ.get(k) for k in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    # Kept across sessions (outside the repository and the venv).
    os.environ["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "oov-signals-pycache")
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="module")
def site():
    # One server and one crawl for the module: a Scrapy subprocess costs seconds to start.
    with serve_fixtures() as server:
        settings = local_settings(timeout_s=2.0, retries=0)
        source = SourceConfig(
            id="lokaal",
            kind="page",
            url=server.url("/site/nieuws/"),
            max_depth=1,
            max_pages=20,
            follow_pattern=ARTICLE_PATTERN,
            **LEGAL_FIELDS,
        )
        result = collect_source(source, None, settings)
        yield server, source, settings, result, list(server.requests), server.max_in_flight


@pytest.fixture
def crawled(site):
    return site[1], site[3]


def test_listing_crawl_yields_articles_with_their_stated_dates(site):
    fixture_server, _, _, result, _, _ = site
    assert result.error is None
    by_url = {p.url.removeprefix(fixture_server.base_url): p for p in result.posts}
    assert set(by_url) == {
        "/site/nieuws/demonstratie-stadhuisplein.html",
        "/site/nieuws/nieuws-markt.html",
        "/site/nieuws/raad-jsonld.html",
        "/site/nieuws/cafe-cp1252.html",
        "/site/nieuws/cafe-utf8.html",
    }
    # The pages' own dates (meta, <time>, JSON-LD), never script stamps or the crawl time.
    assert by_url["/site/nieuws/demonstratie-stadhuisplein.html"].published_at == datetime(
        2026, 11, 24, 20, 15, tzinfo=UTC
    )
    assert by_url["/site/nieuws/nieuws-markt.html"].published_at == datetime(
        2026, 11, 23, 9, 15, tzinfo=UTC
    )
    assert by_url["/site/nieuws/raad-jsonld.html"].published_at == datetime(
        2026, 11, 22, 7, 0, tzinfo=UTC
    )
    demo = by_url["/site/nieuws/demonstratie-stadhuisplein.html"]
    assert demo.title == "Demonstratie op het Stadhuisplein verliep rustig"
    assert demo.text.startswith("Ongeveer tweehonderd mensen kwamen dinsdagavond samen")
    assert "dataLayer" not in demo.text and "Meer nieuws" not in demo.text
    assert demo.author == "Redactie Almere Lokaal"
    assert demo.language == "nl"
    # A lying charset label (either way) does not garble the text.
    for name in ("cafe-cp1252", "cafe-utf8"):
        cafe = by_url[f"/site/nieuws/{name}.html"]
        assert cafe.title == "Café De Kroon krijgt één jaar extra vergunning"
        assert 'René is blij: "Geen privé-feestje' in cafe.text
    # Tracking parameters from the listing link are gone from the id.
    assert all("utm_" not in (p.external_id or "") for p in result.posts)


def test_crawl_skips_with_reasons_and_respects_robots_and_site(site):
    fixture_server, _, _, result, requests, max_in_flight = site
    reasons = {s.url.removeprefix(fixture_server.base_url): s.reason for s in result.skipped}
    assert reasons["/site/nieuws/zonder-datum.html"] == "item has no publication date"
    assert reasons["/site/nieuws/verborgen-concept.html"] == "forbidden by robots.txt"
    assert reasons["/site/nieuws/bestaat-niet.html"] == "HTTP 404"
    paths = {r.path.split("?")[0] for r in requests}
    assert "/site/nieuws/verborgen-concept.html" not in paths  # robots: never fetched
    assert "/site/over-ons.html" not in paths  # outside follow_pattern
    agents = {r.headers["User-Agent"] for r in requests}
    assert agents == {"oov-signals-test/0.1 (+mailto:test@example.org)"}
    assert max_in_flight == 1


def test_recrawl_with_state_fetches_only_the_listing(site):
    fixture_server, source, settings, first, _, _ = site
    fixture_server.clear()
    second = collect_source(source, first.state, settings)

    assert second.posts == [] and second.error is None
    fetched = {r.path.split("?")[0] for r in fixture_server.requests}
    assert "/site/nieuws/demonstratie-stadhuisplein.html" not in fetched
    assert "/site/nieuws/zonder-datum.html" not in fetched
    assert "/site/nieuws/" in fetched


def test_sitemap_start_and_page_limit(make_source, settings):
    source = make_source("/site/sitemap.xml", kind="page", max_pages=2)
    result = collect_source(source, None, settings)

    assert result.error is None
    assert len(result.posts) == 2  # three same-site articles listed, limit two
    assert [s.reason for s in result.skipped] == [
        "page limit reached (max_pages=2): 1 more links not followed"
    ]


def test_single_article_page(make_source, settings):
    article = collect_source(
        make_source("/site/nieuws/raad-jsonld.html", kind="page", max_depth=0), None, settings
    )
    assert [p.title for p in article.posts] == ["Raad stemt in met nieuw parkeerbeleid"]
    assert article.posts[0].author == "Pieter Bakker"


def test_huge_start_page_is_cut_at_the_size_cap(make_source, settings):
    huge = collect_source(make_source("/huge", kind="page", max_depth=0), None, settings)
    assert huge.posts == [] and "size cap" in (huge.error or "")


def test_compression_bomb_is_stopped_while_decompressing(make_source, settings):
    bomb = collect_source(make_source("/bomb.xml", kind="page", max_depth=0), None, settings)
    assert bomb.posts == [] and "DOWNLOAD_MAXSIZE" in (bomb.error or "")


def test_robots_disallowed_start_page_is_an_error(make_source, settings, fixture_server):
    private = collect_source(make_source("/private/x.html", kind="page"), None, settings)
    assert "forbidden by robots.txt" in (private.error or "")
    assert fixture_server.hits("/private/x.html") == []


def test_429_on_a_page_is_retried_after_the_servers_retry_after(
    make_source, settings, fixture_server
):
    settings.retries = 1
    source = make_source(
        "/ratelimited/pg?after=1&n=1&file=/site/nieuws/raad-jsonld.html",
        kind="page",
        max_depth=0,
    )
    result = collect_source(source, None, settings)

    assert result.error is None
    assert [p.title for p in result.posts] == ["Raad stemt in met nieuw parkeerbeleid"]
    hits = fixture_server.hits("/ratelimited/pg")
    assert len(hits) == 2
    assert hits[1].at - hits[0].at >= 1.0  # waited as the server asked


def test_slow_drip_page_is_cut_off_at_the_request_deadline(make_source, settings):
    # Scrapy's download timeout is a wall-clock limit for the whole response.
    settings.timeout_s = 1.5
    result = collect_source(
        make_source("/drip?interval=0.5&for=30", kind="page", max_depth=0), None, settings
    )
    assert result.posts == []
    assert "took longer than 1.5 seconds" in (result.error or "")
    assert result.latency_ms is not None and result.latency_ms < 20_000


# -- issue 16: control characters, and pages an older extractor found empty --------------


def _stuurtekens(make_source):
    return make_source(
        "/stuurtekens/index.html",
        kind="page",
        source_id="stuurtekens",
        max_depth=1,
        follow_pattern=r"/stuurtekens/artikel\.html$",
    )


def test_page_with_control_characters_is_collected(make_source, settings):
    result = collect_source(_stuurtekens(make_source), None, settings)

    assert result.error is None
    assert [s.reason for s in result.skipped] == []
    [post] = result.posts
    assert post.title == "Demonstratie op het Stadhuisplein verliep rustig"
    assert len(post.text) > 400
    assert not any(c in post.text for c in "\x01\x0b\x0c")


def test_pages_an_older_extractor_found_empty_are_fetched_once_more(
    make_source, settings, fixture_server
):
    from collectors.models import SourceState
    from collectors.seen import SeenItems

    source = _stuurtekens(make_source)
    # The cursor an older version left: the article remembered as "no article text found".
    old = SeenItems()
    old.remember(canonical_url(fixture_server.url("/stuurtekens/artikel.html")), "")
    state = SourceState("stuurtekens", cursor=old.to_cursor(100))

    retried = collect_source(source, state, settings)
    assert [p.title for p in retried.posts] == ["Demonstratie op het Stadhuisplein verliep rustig"]
    assert len(fixture_server.hits("/stuurtekens/artikel.html")) == 1

    again = collect_source(source, retried.state, settings)
    assert again.posts == [] and again.error is None
    assert len(fixture_server.hits("/stuurtekens/artikel.html")) == 1  # known now: not refetched
