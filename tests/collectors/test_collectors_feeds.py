"""Feeds of every format, from the local fixture server, through the public API."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from collectors import CollectorSettings, SourceState, collect_source
from collectors.models import RawPost
from collectors.text import canonical_url


def test_rss2_items_with_guid_dates_and_clean_text(make_source, settings) -> None:
    result = collect_source(make_source("/feeds/omroep-flevoland.rss"), None, settings)

    assert result.error is None
    assert [p.external_id for p in result.posts] == [
        "omroepflevoland-412345",
        "omroepflevoland-412300",
        "omroepflevoland-412211",
    ]
    first = result.posts[0]
    assert first.title == "Honderden mensen bij bijeenkomst over azc op Stadhuisplein"
    assert "nieuwe asielzoekerscentrum" in first.text and "<strong>" not in first.text
    assert first.published_at == datetime(2026, 11, 25, 16, 42, tzinfo=UTC)
    assert first.author == "Redactie Omroep Flevoland"
    assert first.language == "nl"
    assert first.fetched_at is not None and first.source_id == "src"


@pytest.mark.parametrize(
    ("path", "expected_ids", "expected_date"),
    [
        (
            "/feeds/almere-deze-week.atom",
            [
                "tag:almeredezeweek.nl,2026:article-88231",
                "tag:almeredezeweek.nl,2026:article-88190",
            ],
            datetime(2026, 11, 25, 14, 30, tzinfo=UTC),
        ),
        (
            "/feeds/buurtplatform.json",
            ["buurt-2026-11-25-001", "buurt-2026-11-24-007"],
            datetime(2026, 11, 25, 19, 15, tzinfo=UTC),
        ),
    ],
)
def test_atom_and_json_feed(make_source, settings, path, expected_ids, expected_date) -> None:
    result = collect_source(make_source(path), None, settings)

    assert result.error is None
    assert [p.external_id for p in result.posts] == expected_ids
    assert result.posts[0].published_at == expected_date
    assert all(p.text for p in result.posts)
    assert result.posts[0].author  # handle as found; intake pseudonymises it


def test_rss10_uses_item_url_as_stable_id(make_source, settings, fixture_server) -> None:
    result = collect_source(make_source("/feeds/gemeente-almere.rdf"), None, settings)

    assert result.error is None
    assert result.posts[0].external_id == fixture_server.url(
        "/gemeente/nieuws/noodverordening-opgeheven"
    )
    assert result.posts[0].published_at == datetime(2026, 11, 23, 11, 5, tzinfo=UTC)


def test_rss091_undated_item_skipped_by_default_kept_when_configured(
    make_source, settings
) -> None:
    source = make_source("/feeds/wijkkrant-091.rss")
    skipped = collect_source(source, None, settings)
    assert skipped.posts == []
    assert [s.reason for s in skipped.skipped] == ["item has no publication date"]

    settings.keep_undated = True
    kept = collect_source(source, None, settings)
    assert len(kept.posts) == 1
    assert kept.posts[0].published_at is None
    assert kept.posts[0].title == "Buurthuis zoekt vrijwilligers voor de kerstmarkt"


def test_canonical_url_drops_tracking_and_fragment() -> None:
    assert (
        canonical_url("HTTPS://Www.Example.NL:443/nieuws/1?utm_source=rss&id=4&fbclid=x#reacties")
        == "https://www.example.nl/nieuws/1?id=4"
    )


def test_conditional_get_gives_304_and_no_items(make_source, settings, fixture_server) -> None:
    source = make_source("/feeds/omroep-flevoland.rss")
    first = collect_source(source, None, settings)
    assert first.state is not None and first.state.etag and first.state.last_modified

    second = collect_source(source, first.state, settings)

    assert second.not_modified is True
    assert second.posts == [] and second.error is None
    hits = fixture_server.hits("/feeds/omroep-flevoland.rss")
    assert hits[-1].headers.get("If-None-Match") == first.state.etag
    assert second.state is not None and second.state.etag == first.state.etag


def test_rerun_without_validators_yields_nothing_new_but_changes_come_through(
    make_source, settings, fixture_server
) -> None:
    # The generated feed has no ETag/Last-Modified: dedup must come from the remembered ids.
    source = make_source("/gen/feed/7.xml?items=5")
    first = collect_source(source, None, settings)
    assert len(first.posts) == 5 and first.state and first.state.etag is None

    second = collect_source(source, first.state, settings)
    assert second.not_modified is False and second.posts == []

    third = collect_source(make_source("/gen/feed/7.xml?items=8"), second.state, settings)
    assert len(third.posts) == 3  # only the three new items


def test_duplicate_guid_missing_id_and_undated_items_are_skipped_with_reasons(
    make_source, settings
) -> None:
    result = collect_source(make_source("/feeds/messy.rss"), None, settings)

    assert result.error is None
    assert [p.external_id for p in result.posts] == ["av-1001", "av-1003"]
    reasons = sorted(s.reason for s in result.skipped)
    assert reasons == [
        "duplicate GUID 'av-1001' in the feed",
        "item has neither a GUID nor a link",
        "item has no publication date",
    ]


def test_items_in_other_languages_are_kept_and_marked(make_source, settings) -> None:
    result = collect_source(make_source("/feeds/messy.rss"), None, settings)
    languages = {p.external_id: p.language for p in result.posts}
    assert languages == {"av-1001": "nl", "av-1003": "de"}


def _kroon_posts(make_source, settings, path: str) -> list[RawPost]:
    """The posts of the feed at `path` (a test page in an awkward encoding), collected without
    error, the first with the café's title decoded right."""
    result = collect_source(make_source(path), None, settings)
    assert result.error is None
    assert result.posts[0].title == "Café De Kroon in Almere Haven krijgt één jaar extra vergunning"
    return result.posts


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/cp1252-labelled-utf8.rss",
        "/feeds/utf8-labelled-cp1252.rss",
        "/feeds/no-charset.rss",
    ],
)
def test_wrong_or_missing_charset_still_decodes_correctly(make_source, settings, path) -> None:
    post = _kroon_posts(make_source, settings, path)[0]
    assert 'René is blij: "Geen privé-feestje' in post.text


def test_malformed_xml_keeps_recoverable_items_and_records_error(make_source, settings) -> None:
    result = collect_source(make_source("/feeds/malformed.rss"), None, settings)

    assert result.error is not None and "malformed" in result.error
    assert [p.title for p in result.posts] == ["Eerste bericht over de buurtbarbecue"]


def test_html_served_as_feed_is_a_clear_error(make_source, settings) -> None:
    result = collect_source(make_source("/feeds/not-a-feed.html"), None, settings)
    assert result.posts == []
    assert result.error is not None and "HTML page" in result.error


def test_mastodon_tag_feed(make_source, settings) -> None:
    result = collect_source(make_source("/tags/almere.rss", kind="mastodon_tag"), None, settings)

    assert result.error is None
    assert len(result.posts) == 2
    call = result.posts[1]
    assert call.text.startswith("Zaterdag om 14.00 uur verzamelen bij het station")
    assert call.author == "@nieuwsjunkie@andere.instance"
    assert call.published_at == datetime(2026, 11, 25, 16, 20, 3, tzinfo=UTC)


def test_reddit_feed_drops_the_submitted_by_trailer(make_source, settings) -> None:
    result = collect_source(make_source("/r/Almere/new/.rss", kind="reddit"), None, settings)

    assert result.error is None
    assert [p.external_id for p in result.posts] == ["t3_1h0abcd", "t3_1gzxyz9"]
    assert "submitted by" not in result.posts[0].text
    assert result.posts[0].author == "/u/Stadsbewoner_036"
    assert [p.language for p in result.posts] == ["nl", "en"]


def test_identifying_user_agent_is_sent(make_source, settings, fixture_server) -> None:
    collect_source(make_source("/feeds/omroep-flevoland.rss"), None, settings)
    for request in fixture_server.requests:
        assert request.headers["User-Agent"] == settings.user_agent
        assert request.headers["From"] == "test@example.org"


def test_state_is_per_source_and_untouched_on_error(make_source, settings) -> None:
    state = SourceState(source_id="src", etag='"abc"', cursor=None)
    result = collect_source(make_source("/status/404"), state, settings)
    assert result.error is not None and "HTTP 404" in result.error
    assert result.state is state


def test_settings_from_defaults_block() -> None:
    built = CollectorSettings.from_defaults({"contact": "oov@almere.nl", "timeout_s": 5})
    assert "mailto:oov@almere.nl" in built.user_agent
    assert built.timeout_s == 5


def test_gzip_encoded_feed_is_decoded(make_source, settings) -> None:
    result = collect_source(make_source("/gzip/feeds/omroep-flevoland.rss"), None, settings)
    assert result.error is None and len(result.posts) == 3


# -- issue 16: encodings, relative links, skips reported once ---------------------------


@pytest.mark.parametrize(
    "path",
    [
        # UTF-16/32 without a byte-order mark, Content-Type without a charset: feedparser
        # recognises them from the XML declaration's bytes.
        "/feeds/utf16le-nobom.xml",
        "/feeds/utf16be-nobom.xml",
        "/feeds/utf32le-nobom.xml",
        "/feeds/utf32be-nobom.xml",
        # iso-8859-15 served as charset=utf-8, with a correct XML declaration: € is 0xA4.
        "/feeds/latin9-labelled-utf8.rss",
    ],
)
def test_encodings_follow_feedparser_detection(make_source, settings, path) -> None:
    [post] = _kroon_posts(make_source, settings, path)
    assert post.text.endswith("Entree € 5.")
    assert "¤" not in post.text


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            # Content-Location (relative, so resolved against the request URL) is the base.
            "/feeds/base/content-location.atom",
            ["/archief/2026/artikel-1.html", "/relative/link"],
        ),
        (
            # Nested xml:base: the entry's relative base resolves against the feed's.
            "/feeds/base/xml-base.atom",
            ["/nieuws/2026/markt.html", "/verkeer/fietspad.html", "https://elders.example/pad/artikel-3"],
        ),
        (
            "/feeds/base/xml-base.rss",
            ["/stadsdeel/haven/speeltuin.html", "http://archief.example/2026/havendagen.html"],
        ),
    ],
)
def test_relative_links_resolve_like_feedparser(
    make_source, settings, fixture_server, path, expected
) -> None:
    result = collect_source(make_source(path), None, settings)

    assert result.error is None
    urls = [p.url.replace(fixture_server.base_url, "") for p in result.posts]
    assert urls == expected
    # Opaque ids are not "resolved" into URLs.
    assert all(not (p.external_id or "").startswith("http") for p in result.posts)


def test_the_same_skip_is_reported_once(make_source, settings) -> None:
    import dataclasses

    source = make_source("/feeds/messy.rss")
    first = collect_source(source, None, settings)
    assert len(first.skipped) == 3 and first.state is not None
    # Without the validators the server answers in full again: the same three items.
    state = dataclasses.replace(first.state, etag=None, last_modified=None)
    second = collect_source(source, state, settings)

    assert second.error is None and second.not_modified is False
    assert second.skipped == []
    assert second.posts == []  # nothing new either
