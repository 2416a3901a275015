"""The one error a fetch fails with: a source-level problem worded for an analyst or admin.

Its refinements live with the rule they enforce (`collectors.robots.RobotsDisallowed`,
`collectors.limits.DeadlineExceeded`); collectors catch this base class only."""

from __future__ import annotations


class FetchError(Exception):
    """A source-level fetch failure; the message is meant for an analyst or admin."""
