"""Public Telegram channel previews (t.me/s/<name>), paged back to the last seen message."""

from __future__ import annotations

from datetime import UTC, datetime

from collectors import SourceState, collect_source


def test_first_poll_backfills_a_few_pages(make_source, settings, fixture_server):
    source = make_source("/s/almere_buurtnieuws", kind="telegram_public")
    result = collect_source(source, None, settings)

    assert result.error is None
    ids = [p.external_id for p in result.posts]
    assert ids == [f"telegram:almere_buurtnieuws/{i}" for i in range(136, 146)]
    assert result.state is not None and result.state.cursor == "145"
    call = next(p for p in result.posts if p.external_id.endswith("/140"))
    assert call.text.startswith("Morgen 19.00 uur allemaal naar het stadhuis")
    assert "<b>" not in call.text
    assert call.published_at == datetime(2026, 11, 23, 16, 0, tzinfo=UTC)
    assert call.url == fixture_server.url("/almere_buurtnieuws/140")
    english = next(p for p in result.posts if p.external_id.endswith("/144"))
    assert english.language == "en"
    assert fixture_server.hits("/s/almere_buurtnieuws")[-1].path.endswith("before=141")


def test_pages_back_until_the_cursor_and_no_further(make_source, settings, fixture_server):
    source = make_source("/s/almere_buurtnieuws", kind="telegram_public")
    result = collect_source(source, SourceState("src", cursor="133"), settings)

    assert [p.external_id.rsplit("/", 1)[1] for p in result.posts] == [
        str(i) for i in range(135, 146)
    ]
    assert [s.reason for s in result.skipped] == ["message has no text (media only)"]
    signed = result.posts[0]
    assert signed.author == "Redactie Sanne"
    assert len(fixture_server.hits("/s/almere_buurtnieuws")) == 3

    fixture_server.clear()
    again = collect_source(source, result.state, settings)
    assert again.posts == [] and again.error is None
    assert len(fixture_server.hits("/s/almere_buurtnieuws")) == 1


def test_page_without_channel_preview_is_an_error(make_source, settings):
    result = collect_source(make_source("/s/geen_kanaal", kind="telegram_public"), None, settings)
    assert result.posts == []
    assert "not the public web preview" in (result.error or "")
