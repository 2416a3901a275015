"""Post URLs without author handles.

Real Mastodon status URLs name the author (`https://host/@name/123`, remote accounts as
`/@name@other.host/123`, the ActivityPub form `/users/name/statuses/123`); Reddit and others
have `/u/name` and `/user/name` profile paths. Storing such a URL would put the plaintext
handle that intake just pseudonymised straight back into the posts table, the index, exports
and the briefing. So intake stores the handle-free form:

- a status URL becomes the instance's id-only form `https://host/statuses/<id>` (the id
  still identifies the post for the analyst; Mastodon redirects `/statuses/<id>`-style links
  for local posts, and the handle is not needed to find it);
- any other path segment that is an `@handle`, or follows `u`/`user`/`users`, becomes `_`;
- user-info (`name:password@`) is dropped;
- on platforms whose first path segment is the author (a Telegram channel, an X/Twitter,
  Instagram or Facebook account) that segment becomes `_`; an X status keeps its id in the
  platform's own author-free form (`/i/web/status/<id>`), so the link still opens;
- query parameters that name a person (`?user=`, `?author=` …, Facebook's `profile.php?id=`)
  are dropped, and percent-encoding is undone until it is stable (`%2540name` is `@name`).

A news site's article URL has none of these and stays usable as it is.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

REDACTED = "_"
# Platforms whose first path segment names the author, with the first segments that do not.
_AUTHOR_FIRST: dict[str, frozenset[str]] = {
    "t.me": frozenset({"s", "joinchat", "share", "addstickers"}),
    "telegram.me": frozenset({"s", "joinchat", "share"}),
    "x.com": frozenset({"i", "home", "search", "hashtag", "intent", "share", "explore"}),
    "twitter.com": frozenset({"i", "home", "search", "hashtag", "intent", "share", "explore"}),
    "instagram.com": frozenset({"p", "reel", "reels", "tv", "explore", "stories"}),
    "facebook.com": frozenset({"groups", "events", "watch", "share", "hashtag", "photo.php",
                               "story.php", "permalink.php", "profile.php", "sharer",
                               "sharer.php"}),
}
# After these first segments the next one is the author ("/s/<channel>", "/stories/<name>").
_AUTHOR_SECOND = {("t.me", "s"), ("telegram.me", "s"), ("instagram.com", "stories")}
_X_STATUS = re.compile(r"^/[^/]+/status(?:es)?/(\d+)")
_PERSON_PARAMS = frozenset({"user", "username", "user_id", "userid", "uid", "author",
                            "screen_name", "handle", "profile"})
_STATUS = re.compile(r"^/(?:@[^/]+|users/[^/]+/statuses|u/[^/]+/statuses)/(\d+)(?:/.*)?$")
_PROFILE_PARENT = {"u", "user", "users"}


def _unquoted(text: str) -> str:
    """Percent-decoded until stable (at most three rounds): "%2540" is "%40" is "@"."""
    for _ in range(3):
        decoded = unquote(text)
        if decoded == text:
            break
        text = decoded
    return text


def _platform(host: str) -> str:
    host = host.lower().removeprefix("www.").removeprefix("m.").removeprefix("mobile.")
    return host


def _author_paths(platform: str, segments: list[str]) -> list[str]:
    """Blank the segment that names the author on platforms that put it in the path."""
    skip = _AUTHOR_FIRST.get(platform)
    if skip is None or len(segments) < 2 or not segments[1]:
        return segments
    out = list(segments)
    first = _unquoted(out[1]).lower()
    if (platform, first) in _AUTHOR_SECOND:
        if len(out) > 2 and out[2]:
            out[2] = REDACTED
    elif first not in skip:
        out[1] = REDACTED
    return out


def _query(platform: str, path: str, query: str) -> str:
    if not query:
        return query
    pairs = parse_qsl(query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs
            if _unquoted(k).lower() not in _PERSON_PARAMS
            and not (platform == "facebook.com" and path.endswith("profile.php") and k == "id")
            and not _unquoted(v).startswith("@")]
    return query if len(kept) == len(pairs) else urlencode(kept)


def _segments(path: str) -> list[str]:
    out: list[str] = []
    previous = ""
    for raw in path.split("/"):
        decoded = _unquoted(raw)
        if decoded.startswith("@") and len(decoded) > 1:
            out.append("@" + REDACTED)
        elif previous.lower() in _PROFILE_PARENT and raw:
            out.append(REDACTED)
        else:
            out.append(raw)
        previous = decoded
    return out


def strip_handles(url: str) -> str:
    """The URL without author handles (see module doc). Not a URL: returned unchanged."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url
    if not parts.scheme or not parts.netloc:
        return url
    host = parts.hostname or ""
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    if ":" in host:  # IPv6 literal
        netloc = f"[{host}]" + ("" if parts.port is None else f":{parts.port}")
    path = _unquoted(parts.path) if "%" in parts.path else parts.path
    platform = _platform(host)
    x_status = _X_STATUS.match(path) if platform in ("x.com", "twitter.com") else None
    status = _STATUS.match(path)
    if x_status:
        new_path = f"/i/web/status/{x_status.group(1)}"
    elif status:
        new_path = f"/statuses/{status.group(1)}"
    else:
        new_path = "/".join(_author_paths(platform, _segments(parts.path)))
    query = _query(platform, parts.path, parts.query)
    return urlunsplit((parts.scheme, netloc, new_path, query, parts.fragment))


def telegram_channel(external_id: str | None) -> str | None:
    if not external_id or not external_id.startswith("telegram:") or "/" not in external_id:
        return None
    return external_id.removeprefix("telegram:").rsplit("/", 1)[0] or None


def strip_segment(url: str, name: str) -> str:
    """The URL with every path segment equal to `name` (an author handle known from the item
    itself, e.g. a Telegram channel on a mirror or replay host) replaced by `_`."""
    parts = urlsplit(url)
    segments = [REDACTED if _unquoted(seg).casefold() == name.casefold() else seg
                for seg in parts.path.split("/")]
    return urlunsplit(parts._replace(path="/".join(segments)))


def strip_external_id(external_id: str | None) -> str | None:
    """A platform's item id without the author: "telegram:<channel>/105" → "telegram:_/105".
    The source already says which channel it is, so the item stays unique per source."""
    if telegram_channel(external_id) is None:
        return external_id
    return "telegram:" + REDACTED + "/" + external_id.rsplit("/", 1)[1]
