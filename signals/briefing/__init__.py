"""The weekly driehoek briefing (HTML + PDF, Dutch, aggregates only)."""

from signals.briefing.render import BriefingFiles, write_briefing, write_weekly_briefing
from signals.briefing.week import Week, previous_week

__all__ = ["BriefingFiles", "Week", "previous_week", "write_briefing", "write_weekly_briefing"]
