"""Sending photos to the county after the records: ask what it lacks, seal bundles, upload them.

1. Bundles sealed earlier and not confirmed (``photo_outbox``) are sent first, with the same
   bytes, so a stopped or cut upload resumes where the county's partial upload stands.
2. The (household, photo) pairs of finalized visits the county has not confirmed are offered in
   groups (``POST /photos/missing``); what it already has (or links from a copy it holds for
   another household the user may see) is marked sent without a byte of picture travelling.
3. The rest is packed into bundles of at most the county's bundle limit, sealed and signed
   (``photo_bundle.py``), kept in the outbox, then uploaded through the resumable chunked upload
   of batches (``transport.upload``). Per-photo outcomes come back: stored and already-held ones
   are marked sent; refused ones are kept with the county's sentence and not offered again.

Progress is reported as ("photos", bytes sent, bytes to send), so the sync panel shows the
bytes left; the cancel event stops between chunks and leaves the bundle in the outbox.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fieldsurvey.sync import envelope, photo_bundle
from fieldsurvey.sync.batch import Identity
from fieldsurvey.sync.transport import ServerError, Transport

ASK_GROUP = 500


@dataclass
class PhotoReport:
    stored: int = 0
    already: int = 0
    refused: list[dict[str, Any]] = field(default_factory=list)
    bytes_sent: int = 0
    bundles: int = 0


def seal_bundle(store: Any, identity: Identity, pairs: list[tuple[str, str]]) -> tuple[str, bytes]:
    bundle_id = str(uuid.uuid4())
    photos, carried = [], set()
    for hid, sha in pairs:  # a picture for two households travels once
        photos.append(
            photo_bundle.photo_entry(
                hid,
                sha,
                None if sha in carried else store.photos.jpeg(sha),
                store.photos.meta_json(sha),
            )
        )
        carried.add(sha)
    now = datetime.now(UTC).isoformat()
    data = envelope.seal(
        kind=photo_bundle.KIND,
        envelope_id=bundle_id,
        sender=identity.device_id,
        recipient=identity.county,
        created_at=now,
        payload=photo_bundle.payload(
            bundle_id, identity.device_id, identity.user, identity.county, now, photos
        ),
        signer=identity.keys.signing,
        recipient_key=identity.county_encryption,
    )
    return bundle_id, data


def pack(
    store: Any, pairs: list[tuple[str, str]], max_bytes: int, max_count: int
) -> list[list[tuple[str, str]]]:
    sizes = {i.sha256: i.byte_size for i in store.photos.info(sha for _, sha in pairs).values()}
    groups: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    total = 0
    for pair in sorted(
        pairs, key=lambda p: p[1]
    ):  # one picture's households side by side: one bundle
        size = 0 if current and current[-1][1] == pair[1] else sizes.get(pair[1], 0)
        if current and (total + size > max_bytes or len(current) >= max_count):
            groups.append(current)
            current, total = [], 0
        current.append(pair)
        total += size
    if current:
        groups.append(current)
    return groups


class PhotoSender:
    def __init__(
        self,
        store: Any,
        identity: Identity,
        transport: Transport,
        progress: Callable[[str, int, int], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> None:
        self.store = store
        self.identity = identity
        self.t = transport
        self.progress = progress or (lambda _p, _d, _t: None)
        self.cancel = cancel or threading.Event()
        self.report = PhotoReport()

    def ask(self, pairs: list[tuple[str, str]]) -> tuple[set[tuple[str, str]], dict[str, int]]:
        """The pairs the county lacks; the others are marked sent (nothing of them travels)."""
        limits: dict[str, int] = {}
        lacking: set[tuple[str, str]] = set()
        for i in range(0, len(pairs), ASK_GROUP):
            group = pairs[i : i + ASK_GROUP]
            answer = self.t.request(
                "POST", "/photos/missing", json={"photos": [list(p) for p in group]}
            ).json()
            limits = answer.get("limits") or limits
            missing = {(m[0], m[1]) for m in answer.get("missing", [])}
            have = [p for p in group if p not in missing]
            self.store.photos.mark_sent(have)
            self.report.already += len(have)
            lacking |= missing & set(group)
        return lacking, limits

    def send(self) -> PhotoReport:
        unsent = self.store.photos.unsent()
        if not unsent:
            return self.report
        lacking, limits = self.ask(unsent)
        outbox = []
        for bundle_id, data, pairs in self.store.photos.outbox():
            if any(p in lacking for p in pairs):
                outbox.append((bundle_id, data, pairs))  # resumed with the same bytes
            else:
                self.store.photos.bundle_done(
                    bundle_id
                )  # arrived (e.g. by USB) or its answer was lost
        in_outbox = {p for _, _, pairs in outbox for p in pairs}
        fresh = [p for p in unsent if p in lacking and p not in in_outbox]
        max_bytes = min(
            int(limits.get("bundle_bytes", photo_bundle.MAX_BUNDLE_BYTES)),
            photo_bundle.MAX_BUNDLE_BYTES,
        )
        max_count = int(limits.get("per_bundle", 50))
        for pairs in pack(self.store, fresh, max_bytes, max_count):
            bundle_id, data = seal_bundle(self.store, self.identity, pairs)
            self.store.photos.keep_bundle(bundle_id, data, pairs)
            outbox.append((bundle_id, data, pairs))
        total = sum(len(d) for _, d, _ in outbox)
        done = 0
        for bundle_id, data, pairs in outbox:
            if self.cancel.is_set():
                break
            base = done
            saved = self.t.progress
            self.t.progress = lambda _phase, off, _n, base=base: self.progress(
                "photos", base + off, total
            )
            try:
                result = self.t.upload(bundle_id, data)
            except ServerError as e:
                if e.status not in (400, 403, 409, 413, 422) or e.code in (
                    "device_revoked",
                    "account_disabled",
                ):
                    raise
                # refused whole (a limit the county lowered meanwhile): said, and not offered again
                self._confirm(
                    bundle_id,
                    pairs,
                    {
                        "outcomes": [
                            {
                                "household_id": h,
                                "sha256": s,
                                "outcome": "refused",
                                "code": e.code,
                                "message": {"zh": e.text.zh, "en": e.text.en},
                            }
                            for h, s in pairs
                        ]
                    },
                )
                continue
            finally:
                self.t.progress = saved
            done += len(data)
            self.report.bytes_sent += len(data)
            self.report.bundles += 1
            self._confirm(bundle_id, pairs, result)
        self.progress("photos", done, total)
        return self.report

    def export(self, folder: Any, stem: str) -> list[Any]:
        """USB: every photo not yet confirmed, sealed into bundle files beside the batch file.

        The bundles stay in the outbox; the next online sync asks the county which it has and
        drops those without sending a byte again."""
        from pathlib import Path

        from fieldsurvey.core.atomic import atomic_write

        unsent = self.store.photos.unsent()
        outbox = self.store.photos.outbox()
        in_outbox = {p for _, _, pairs in outbox for p in pairs}
        for pairs in pack(
            self.store, [p for p in unsent if p not in in_outbox], photo_bundle.MAX_BUNDLE_BYTES, 50
        ):
            bundle_id, data = seal_bundle(self.store, self.identity, pairs)
            self.store.photos.keep_bundle(bundle_id, data, pairs)
            outbox.append((bundle_id, data, pairs))
        files = []
        for i, (_bundle_id, data, _pairs) in enumerate(outbox, 1):
            path = Path(folder) / f"{stem}.photos-{i}.fsb"
            atomic_write(path, data)
            files.append(path)
        return files

    def _confirm(
        self, bundle_id: str, pairs: list[tuple[str, str]], result: dict[str, Any]
    ) -> None:
        ok: list[tuple[str, str]] = []
        refused: dict[tuple[str, str], Any] = {}
        for o in result.get("outcomes", []):
            pair = (o.get("household_id"), o.get("sha256"))
            if pair not in pairs:
                continue
            if o.get("outcome") in ("stored", "already"):
                ok.append(pair)  # type: ignore[arg-type]
                self.report.stored += o.get("outcome") == "stored"
                self.report.already += o.get("outcome") == "already"
            else:
                reason = {"code": o.get("code"), **(o.get("message") or {})}
                refused[pair] = reason  # type: ignore[index]
                self.report.refused.append({"household_id": pair[0], "sha256": pair[1], **reason})
        self.store.photos.mark_sent(ok, refused=refused)
        self.store.photos.bundle_done(bundle_id)
