"""The drain window: a laptop delivers what it did for a village before the county took it away.

When the county takes a village from a user, that user's laptops may still hold work for it
that they have not sent (a visit made in the morning, a phone number corrected). A laptop syncs
by sending first and downloading after, and it erases a village only once a downloaded feed page
says the village is no longer its own (``sync/villages.py``). So the county keeps, per removal,
a short window in which each of the user's devices may still deliver *updates* to the village's
existing records — field edits, visits, member changes, members and other parts of households
that are in that village on the county — and nothing else: no new household, no moving one
(``ownership.py`` decides each record by its own row on the county, as always).

A device's window closes for good when it has downloaded a feed page computed without the
village: everything it had pending went up before that download, and the page makes it erase
the village. After that, and for every device ``DRAIN_DAYS`` after the removal, the village is
refused as any other village the user does not have. Re-assigning the village ends the removal.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from fieldsurvey.server.audit import chain as audit
from fieldsurvey.server.auth.identity import Principal
from fieldsurvey.server.db.dialect import insert_ignore
from fieldsurvey.server.db.models import VillageDrain, VillageRemoval

if TYPE_CHECKING:
    from fieldsurvey.server.db.engine import ServerDir

DRAIN_DAYS = (
    30  # the hard cap: after this, no device of the user may deliver anything for the village
)
DRAIN_WINDOW = timedelta(days=DRAIN_DAYS)


def _aware(moment: datetime) -> datetime:
    """SQLite hands timezone-aware columns back naive (they were written in UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def record_removal(session: Session, user_id: str, villages: list[str], now: datetime) -> None:
    """The county took these villages from the user now (an earlier removal of one keeps its date)."""
    have = set(
        session.execute(
            select(VillageRemoval.village_code).where(VillageRemoval.user_id == user_id)
        ).scalars()
    )
    for code in sorted(set(villages) - have):
        session.add(VillageRemoval(user_id=user_id, village_code=code, removed_at=now))


def cancel_removal(session: Session, user_id: str, villages: list[str]) -> None:
    """The user has these villages again: no drain, no refusal (a later removal starts afresh)."""
    if not villages:
        return
    session.execute(
        delete(VillageDrain).where(
            VillageDrain.user_id == user_id, VillageDrain.village_code.in_(villages)
        )
    )
    session.execute(
        delete(VillageRemoval).where(
            VillageRemoval.user_id == user_id, VillageRemoval.village_code.in_(villages)
        )
    )


def draining(session: Session, principal: Principal, now: datetime) -> frozenset[str]:
    """The villages this device may still deliver updates to: removed from its user within
    ``DRAIN_DAYS``, not assigned again, and not yet drained by this device."""
    if principal.device_id is None or principal.villages is None:
        return frozenset()
    removals = session.execute(
        select(VillageRemoval.village_code, VillageRemoval.removed_at).where(
            VillageRemoval.user_id == principal.user_id
        )
    ).all()
    open_ = {
        code
        for code, removed_at in removals
        if code not in principal.villages and _aware(removed_at) + DRAIN_WINDOW > now
    }
    if not open_:
        return frozenset()
    drained = set(
        session.execute(
            select(VillageDrain.village_code).where(
                VillageDrain.user_id == principal.user_id,
                VillageDrain.device_id == principal.device_id,
            )
        ).scalars()
    )
    return frozenset(open_ - drained)


def mark_drained(session: Session, principal: Principal, now: datetime) -> list[str]:
    """This device is being served a feed page computed for ``principal.villages``: every removed
    village not among them is drained for it. Returns the villages newly drained."""
    if principal.device_id is None or principal.villages is None:
        return []
    removed = session.execute(
        select(VillageRemoval.village_code).where(VillageRemoval.user_id == principal.user_id)
    ).scalars()
    newly = []
    for code in sorted(set(removed) - principal.villages):
        if insert_ignore(
            session,
            VillageDrain,
            dict(
                user_id=principal.user_id,
                village_code=code,
                device_id=principal.device_id,
                drained_at=now,
            ),
        ):
            newly.append(code)
    return newly


def feed_served(sd: ServerDir, principal: Principal) -> None:
    """A feed page (online or as a USB update file) computed for ``principal.villages`` is about
    to leave for the device: close its drain of every other removed village, and audit that.

    Its own short transaction after the page was built, so the page's snapshot stays read-only.
    """
    if principal.device_id is None or principal.villages is None:
        return
    with sd.transaction() as s:
        newly = mark_drained(s, principal, datetime.now(UTC))
        if newly:
            audit.append(
                s,
                sd.keys.signing,
                actor=principal.actor,
                action="villages_drained",
                subject=principal.username,
                details={"device": principal.device_id, "villages": newly},
            )
