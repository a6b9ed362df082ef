"""Update files for a device that syncs by USB stick: the same sealed feed as over HTTP.

The file starts at the cursor the device last presented online or declared in its newest batch
(``base_cursor``), so importing it on the laptop continues where the device is. All pages up
to now go into one file.
"""

from __future__ import annotations

from typing import Any

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text
from fieldsurvey.server import drain
from fieldsurvey.server.auth.identity import principal_of
from fieldsurvey.server.db.engine import ServerDir
from fieldsurvey.server.db.models import Device, User
from fieldsurvey.server.feed import pages as feed
from fieldsurvey.server.feed.routes import seal_feed

MAX_FILE_ITEMS = 1_000_000


def export_feed(sd: ServerDir, device_id: str) -> tuple[bytes, int]:
    with sd.transaction() as s:
        device = s.get(Device, device_id)
        if device is None or device.revoked_at is not None:
            raise UserError(
                Text("没有这台设备或已注销", "no such device, or it is revoked"),
                code="no_such_device",
            )
        user = s.get(User, device.user_id)
        assert user is not None
        who = principal_of(s, user, device.device_id)
        payload: dict[str, Any] = feed.build_feed(s, who, device.last_cursor, MAX_FILE_ITEMS)
    drain.feed_served(sd, who)
    return seal_feed(sd, device, payload), len(payload["items"])
