"""Post URLs are stored without author handles."""

from __future__ import annotations

import pytest
from hypothesis import given
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
def test_no_handle_survives_in_a_status_url(handle, status, host):
    for url in (
        f"https://{host}/@{handle}/{status}",
        f"https://{host}/@{handle}@other.example/{status}",
        f"https://{host}/users/{handle}/statuses/{status}",
    ):
        stripped = strip_handles(url)
        assert handle not in stripped.replace(str(status), "")
        assert stripped.endswith(f"/statuses/{status}")
        assert strip_handles(stripped) == stripped  # idempotent


@given(st.text(max_size=300))
def test_never_crashes(text):
    assert isinstance(strip_handles(text), str)
