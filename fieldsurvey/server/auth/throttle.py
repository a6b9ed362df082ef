"""Slowing guessing down, then locking it out: failed attempts per account and per address.

Each key (an account, an address signing in, an address enrolling) counts its failures. Under a
policy's ``free`` failures nothing happens; from there each failure makes the next attempt wait
twice as long (2 s, 4 s, 8 s …), and from ``lock_at`` failures on every failure locks the key for
``lock_for``. An attempt while a key waits is refused at once (HTTP 429) without checking the
password, so a locked key gives a guesser nothing. Failures are forgotten after ``forget_after``
without one; a successful sign-in clears its account (not its address, which an attacker with
one valid account could otherwise reset between guesses).

An attempt is counted *before* the password is checked, in one short transaction holding the
keys' rows; a success gives it back. So parallel requests cannot slip in more guesses than the
policy allows while the (deliberately slow) Argon2id check runs outside any transaction.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from fieldsurvey.server.db.dialect import insert_ignore
from fieldsurvey.server.db.models import SignInThrottle


@dataclass(frozen=True, slots=True)
class Policy:
    kind: str  # user | addr | enroll: the key's prefix
    free: int  # failures before any wait
    lock_at: int  # from this many failures on, each failure locks for lock_for
    lock_for: timedelta
    forget_after: timedelta  # a quiet spell after which the failures are forgotten

    def wait_after(self, failures: int) -> timedelta:
        if failures < self.free:
            return timedelta(0)
        if failures >= self.lock_at:
            return self.lock_for
        return min(timedelta(seconds=2 ** (failures - self.free + 1)), self.lock_for)

    def key(self, value: str) -> str:
        return f"{self.kind}:{value}"[:80]


# One account: 5 free tries, then 2–32 s waits, locked 15 minutes at the 10th failure (and at
# every one after it until an hour passes without one): about 100 guesses a day at most.
USER = Policy(
    "user", free=5, lock_at=10, lock_for=timedelta(minutes=15), forget_after=timedelta(hours=1)
)
# One address: room for an office behind one NAT address, not for a password sprayer.
ADDRESS = Policy(
    "addr", free=20, lock_at=40, lock_for=timedelta(minutes=15), forget_after=timedelta(hours=1)
)
# Enrollment codes from one address (a code has 79 bits: this is belt and braces).
ENROLL = Policy(
    "enroll", free=5, lock_at=20, lock_for=timedelta(minutes=15), forget_after=timedelta(hours=1)
)
POLICIES = {p.kind: p for p in (USER, ADDRESS, ENROLL)}
KEEP_ROWS = timedelta(days=1)


def address_key(host: str | None) -> str:
    """The address as it is counted: IPv4 as is, IPv6 by its /64 (one subscriber's whole block)."""
    if not host:
        return "unknown"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def aware(dt: datetime | None) -> datetime | None:
    return None if dt is None else dt if dt.tzinfo else dt.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Blocked:
    """The attempt was refused unchecked: ``key`` waits until ``until``."""

    policy: Policy
    key: str
    until: datetime
    first: bool  # the first refusal of this wait: audited (later ones are counted)


@dataclass(slots=True)
class Attempt:
    """The attempt was counted as a failure in advance; ``failures`` and ``waits`` per key if it fails."""

    failures: dict[str, int] = field(default_factory=dict)
    waits: dict[str, datetime] = field(
        default_factory=dict
    )  # key → blocked until, for keys this failure blocks
    refused: int = 0  # attempts refused while blocked since the last audited attempt

    def locked(self) -> dict[str, str]:
        return {k: v.isoformat() for k, v in self.waits.items()}


def _row(s: Session, key: str) -> SignInThrottle:
    """The key's row, created if new, locked until the transaction ends (PostgreSQL; SQLite locks it all)."""
    insert_ignore(
        s,
        SignInThrottle,
        {"key": key, "failures": 0, "last_failure_at": None, "blocked_until": None, "refused": 0},
    )
    stmt = (
        select(SignInThrottle)
        .where(SignInThrottle.key == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return s.execute(stmt).scalar_one()


def begin(s: Session, keys: Sequence[tuple[Policy, str]], now: datetime) -> Blocked | Attempt:
    """Refuse the attempt if any key waits; otherwise count it as a failure on every key."""
    rows = [
        (policy, _row(s, key)) for policy, key in sorted(keys, key=lambda pk: pk[1])
    ]  # one lock order
    for policy, row in rows:
        last, until = aware(row.last_failure_at), aware(row.blocked_until)
        if (
            last is not None
            and now - last > policy.forget_after
            and (until is None or until <= now)
        ):
            row.failures, row.blocked_until = 0, None
    waiting = [
        (until, policy, row)
        for policy, row in rows
        if (until := aware(row.blocked_until)) is not None and until > now
    ]
    if waiting:
        until, policy, row = max(waiting, key=lambda w: w[0])
        first = row.refused == 0
        for _until, _policy, r in waiting:
            r.refused += 1
        return Blocked(policy, row.key, until, first)
    attempt = Attempt()
    for policy, row in rows:
        attempt.refused += row.refused
        row.refused = 0
        row.failures += 1
        row.last_failure_at = now
        wait = policy.wait_after(row.failures)
        row.blocked_until = now + wait if wait else None
        attempt.failures[row.key] = row.failures
        if wait:
            attempt.waits[row.key] = now + wait
    s.flush()
    return attempt


def succeeded(
    s: Session, keys: Sequence[tuple[Policy, str]], now: datetime, *, clear: set[str]
) -> None:
    """Give back the attempt counted in ``begin``; keys in ``clear`` (the account) start afresh."""
    for _policy, key in sorted(keys, key=lambda pk: pk[1]):
        if key in clear:
            s.execute(delete(SignInThrottle).where(SignInThrottle.key == key))
            continue
        row = _row(s, key)
        row.failures = max(0, row.failures - 1)
        if aware(row.last_failure_at) == now:
            # No attempt came after this one: the key was not waiting when it began, so it is not now.
            row.blocked_until = None
        if row.failures == 0 and row.refused == 0:
            s.delete(row)
    prune(s, now)


def clear(s: Session, key: str, now: datetime) -> bool:
    """Forget a key's failures (an admin unlocking an account); True if it was blocked."""
    row = s.get(SignInThrottle, key)
    if row is None:
        return False
    until = aware(row.blocked_until)
    s.delete(row)
    return until is not None and until > now


def blocked_until(s: Session, key: str, now: datetime) -> datetime | None:
    row = s.get(SignInThrottle, key)
    until = aware(row.blocked_until) if row is not None else None
    return until if until is not None and until > now else None


def prune(s: Session, now: datetime) -> None:
    """Drop keys quiet for a day, so random user names and addresses do not pile up."""
    cutoff = now - KEEP_ROWS
    s.flush()
    s.execute(
        delete(SignInThrottle)
        .execution_options(synchronize_session=False)
        .where(
            or_(SignInThrottle.last_failure_at.is_(None), SignInThrottle.last_failure_at < cutoff),
            or_(SignInThrottle.blocked_until.is_(None), SignInThrottle.blocked_until < now),
        )
    )
