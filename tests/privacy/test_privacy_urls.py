"""Post URLs are stored without author handles."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from signals.privacy.urls import strip_handles


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://mastodon.social/@jan_almere/113489120044718",
            "https://mastodon.social/statuses/113489120044718",
        ),
        (
            "https://mastodon.nl/@jan@mastodon.social/1134891",
            "https://mastodon.nl/statuses/1134891",
        ),
        ("https://mastodon.nl/%40jan/42", "https://mastodon.nl/statuses/42"),
        ("https://mastodon.nl/users/jan/statuses/42/activity", "https://mastodon.nl/statuses/42"),
        ("https://mastodon.nl/@jan", "https://mastodon.nl/@_"),
        ("https://www.reddit.com/user/jan_a/comments/", "https://www.reddit.com/user/_/comments/"),
        (
            "https://www.reddit.com/r/almere/comments/1q1w3g/demo/?x=1",
            "https://www.reddit.com/r/almere/comments/1q1w3g/demo/?x=1",
        ),
        ("https://jan:secret@example.org/a", "https://example.org/a"),
        (
            "http://127.0.0.1:8765/mastodon/statuses/1.html",
            "http://127.0.0.1:8765/mastodon/statuses/1.html",
        ),
        ("not a url", "not a url"),
        ("https://t.me/almere_alert/105", "https://t.me/_/105"),
        ("https://t.me/s/almere_alert/105", "https://t.me/s/_/105"),
        ("https://t.me/s/almere_alert?before=105", "https://t.me/s/_?before=105"),
        ("https://x.com/jan_a/status/1866", "https://x.com/i/web/status/1866"),
        ("https://twitter.com/jan_a/status/1866?s=20", "https://twitter.com/i/web/status/1866?s=20"),
        ("https://x.com/jan_a", "https://x.com/_"),
        ("https://www.instagram.com/jan.a/", "https://www.instagram.com/_/"),
        ("https://www.instagram.com/p/Cx1/", "https://www.instagram.com/p/Cx1/"),
        ("https://www.instagram.com/stories/jan.a/31", "https://www.instagram.com/stories/_/31"),
        ("https://www.facebook.com/jan.a/posts/42", "https://www.facebook.com/_/posts/42"),
        ("https://www.facebook.com/profile.php?id=1000&sk=x",
         "https://www.facebook.com/profile.php?sk=x"),
        ("https://www.facebook.com/groups/almere036/posts/7",
         "https://www.facebook.com/groups/almere036/posts/7"),
        ("https://forum.example.nl/topic?id=9&user=jan_a", "https://forum.example.nl/topic?id=9"),
        ("https://mastodon.nl/%2540jan/42", "https://mastodon.nl/statuses/42"),
        ("https://forum.example.nl/t?by=%2540jan_a", "https://forum.example.nl/t"),
        ("https://www.omroepflevoland.nl/nieuws/123/demonstratie-op-stadhuisplein",
         "https://www.omroepflevoland.nl/nieuws/123/demonstratie-op-stadhuisplein"),
    ],
)
def test_strip_handles(url, expected):
    assert strip_handles(url) == expected


handles = st.from_regex(r"[A-Za-z0-9_]{3,20}", fullmatch=True)


@given(
    handle=handles,
    status=st.integers(min_value=1, max_value=10**18),
    host=st.sampled_from(["mastodon.social", "mastodon.nl", "toot.community"]),
)
@example(handle="ttp", status=1, host="mastodon.social")  # "https" holds it
def test_no_handle_survives_in_a_status_url(handle, status, host):
    for url in (
        f"https://{host}/@{handle}/{status}",
        f"https://{host}/@{handle}@other.example/{status}",
        f"https://{host}/users/{handle}/statuses/{status}",
    ):
        stripped = strip_handles(url)
        # Nothing but the host and the status is left. (A substring test would fail on a handle
        # such as "ttp" or "social", which the host and scheme hold anyway.)
        assert stripped == f"https://{host}/statuses/{status}"
        assert strip_handles(stripped) == stripped  # idempotent


@given(st.text(max_size=300))
def test_never_crashes(text):
    assert isinstance(strip_handles(text), str)


def test_telegram_item_ids_lose_the_channel():
    from signals.privacy.urls import strip_external_id

    assert strip_external_id("telegram:almere_alert/105") == "telegram:_/105"
    assert strip_external_id("rss:abc") == "rss:abc"
    assert strip_external_id(None) is None


def test_a_telegram_channel_is_blanked_on_any_host():
    from signals.privacy.urls import strip_segment, telegram_channel

    channel = telegram_channel("telegram:almere_alert/118")
    assert channel == "almere_alert"
    assert (strip_segment("http://127.0.0.1:8765/telegram/almere_alert/118", channel)
            == "http://127.0.0.1:8765/telegram/_/118")
