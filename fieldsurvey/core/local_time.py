"""Times shown to people: in this computer's time zone, to the minute.

The server and the sync records keep UTC with microseconds (ISO 8601), which is right for
ordering and wrong for a clerk reading "valid until 2026-12-03T03:40:18.123456+00:00" in Beijing.
Everything a person reads goes through ``local_minute``; JSON output keeps the exact UTC stamp.
"""

from __future__ import annotations

from datetime import UTC, datetime


def local_minute(value: datetime | str | None, empty: str = "") -> str:
    """``2026-12-03 11:40`` in local time; a naive value is UTC (how the server stores it)."""
    if value is None or value == "":
        return empty
    if isinstance(value, str):
        try:
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value  # not a time: shown as it came rather than hidden
    else:
        when = value
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone().strftime("%Y-%m-%d %H:%M")
