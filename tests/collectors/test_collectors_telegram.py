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


# -- issue 16: broken markup and absurd ids ----------------------------------------------


def _kapot(make_source, path: str = "/s/kapot_kanaal"):
    return make_source(path, kind="telegram_public")


def test_unclosed_message_does_not_swallow_the_next(make_source, settings, fixture_server):
    settings.telegram_backfill_pages = 1
    settings.keep_undated = True  # so the cut-off message 105 is kept and can be inspected
    result = collect_source(_kapot(make_source), None, settings)

    by_id = {p.external_id.rsplit("/", 1)[1]: p for p in result.posts}
    assert sorted(by_id) == ["104", "105", "106"]
    cut = by_id["105"]
    assert cut.text == "Bericht 105: vanavond samenkomst bij het station"
    assert cut.url == "https://t.me/kapot_kanaal/105"  # its own link, not 106's
    assert cut.published_at is None  # its date was cut off; 106's is not borrowed
    real = by_id["106"]
    assert real.text == "Bericht 106: de samenkomst is afgelast door de organisatie."
    assert real.url == fixture_server.url("/kapot_kanaal/106")
    assert real.published_at == datetime(2026, 11, 25, 19, 0, tzinfo=UTC)
    assert len({p.url for p in result.posts}) == 3


def test_cut_off_message_is_skipped_with_a_reason_by_default(make_source, settings):
    settings.telegram_backfill_pages = 1
    result = collect_source(_kapot(make_source), None, settings)

    assert [p.external_id for p in result.posts] == [
        "telegram:kapot_kanaal/104",
        "telegram:kapot_kanaal/106",
    ]
    reasons = {s.url: s.reason for s in result.skipped}
    assert reasons["https://t.me/kapot_kanaal/105"] == "item has no publication date"


def test_absurd_message_id_never_becomes_the_cursor(make_source, settings):
    settings.telegram_backfill_pages = 1
    first = collect_source(_kapot(make_source), None, settings)

    assert first.state is not None and first.state.cursor == "106"
    assert any(
        "implausible message id" in s.reason and "99999999999999999999999" in s.reason
        for s in first.skipped
    )
    later = collect_source(
        _kapot(make_source, "/s/kapot_kanaal_later"), first.state, settings
    )
    assert [p.external_id for p in later.posts] == ["telegram:kapot_kanaal/107"]
    assert later.state is not None and later.state.cursor == "107"
    assert any("5000107" in s.reason for s in later.skipped)
