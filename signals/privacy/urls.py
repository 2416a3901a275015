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
- user-info (`name:password@`) is dropped.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit, urlunsplit

REDACTED = "_"
_STATUS = re.compile(r"^/(?:@[^/]+|users/[^/]+/statuses|u/[^/]+/statuses)/(\d+)(?:/.*)?$")
_PROFILE_PARENT = {"u", "user", "users"}


def _segments(path: str) -> list[str]:
    out: list[str] = []
    previous = ""
    for raw in path.split("/"):
        decoded = unquote(raw)
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
    path = unquote(parts.path) if "%40" in parts.path.lower() else parts.path
    status = _STATUS.match(path)
    new_path = f"/statuses/{status.group(1)}" if status else "/".join(_segments(parts.path))
    return urlunsplit((parts.scheme, netloc, new_path, parts.query, parts.fragment))
