"""Photos in the device store: JPEG blobs inside the SQLCipher database, addressed by SHA-256.

Why inside the database rather than as files encrypted with a derived key: SQLCipher already
encrypts and authenticates every page with the store's data key, so a photo is as safe as an
answer with no second cipher, key derivation or file format of ours; a visit and its photos
commit in one transaction (no file without its row, no row without its file after a power cut);
backups (``Store.backup_to``) and the integrity check cover them; and the data directory keeps its
three files, so nothing beside the database can leak a picture. The cost — a database that grows
by ~200–400 KB per photo, read through SQLite's page cache — is measured in
``bench/photo_bench.py``.

A blob's key is the SHA-256 of its re-encoded JPEG (``media/photos.py``), so the same picture
added twice is stored once. Visits refer to photos by that hash in their answers
(``core/photo_refs.py``); a blob no visit refers to (removed from a draft, or the draft deleted)
is removed by ``prune``, which the store runs when it opens (no editor is holding an unsaved
reference then). ``photo_sent`` remembers which (household, photo) the county has confirmed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, Integer, LargeBinary, String, delete, func, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import DateTime

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.photo_refs import SHA256_HEX, photo_hashes, photo_refs
from fieldsurvey.core.text import Text
from fieldsurvey.store.models import VisitRow

PHOTO_MISSING = Text("找不到这张照片", "this photo is not in the store")


class PhotoBase(DeclarativeBase):
    pass


class PhotoBlob(PhotoBase):
    __tablename__ = "photo_blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    jpeg: Mapped[bytes] = mapped_column(LargeBinary)
    thumbnail: Mapped[bytes | None] = mapped_column(LargeBinary)
    byte_size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    taken_at: Mapped[str | None] = mapped_column(String(32))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    added_at: Mapped[datetime] = mapped_column(DateTime)


class PhotoLink(PhotoBase):
    """A visit names a photo (kept with every write of a visit: ``link``)."""

    __tablename__ = "photo_links"
    visit_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    household_id: Mapped[str] = mapped_column(String(36), index=True)
    finalized: Mapped[bool] = mapped_column(Boolean)


class PhotoSent(PhotoBase):
    __tablename__ = "photo_sent"
    household_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    confirmed_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16), default="accepted")  # or "refused"
    reason: Mapped[Any] = mapped_column(JSON, nullable=True)


class PhotoOutbox(PhotoBase):
    """A sealed photo bundle not yet confirmed by the county (resent with the same bytes)."""

    __tablename__ = "photo_outbox"
    bundle_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    pairs: Mapped[Any] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime)


@dataclass(frozen=True, slots=True)
class PhotoInfo:
    """A stored photo's metadata (what is shown beside it); the pixels are fetched apart."""

    sha256: str
    byte_size: int
    width: int
    height: int
    taken_at: str | None
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True, slots=True)
class HouseholdPhoto:
    """A photo as the household page lists it: which visit and field hold it, and its caption."""

    info: PhotoInfo
    visit_id: str
    visit_date: str
    field: str
    caption: str | None
    finalized: bool


def _info(row: PhotoBlob) -> PhotoInfo:
    return PhotoInfo(
        row.sha256, row.byte_size, row.width, row.height, row.taken_at, row.latitude, row.longitude
    )


class PhotoRepo:
    def __init__(self, store: Any) -> None:
        self._store = store

    def add(self, photo: Any) -> str:
        """Keep an imported photo (``media.photos.ImportedPhoto``); returns its address.

        Adding a picture that is already stored changes nothing: the same bytes have one row.
        """
        return self.add_many([photo])[0]

    def add_many(self, photos: Sequence[Any]) -> list[str]:
        now = datetime.now()
        with self._store.session() as s:
            for p in photos:
                meta = p.meta
                s.execute(
                    sqlite_insert(PhotoBlob)
                    .values(
                        sha256=p.sha256,
                        jpeg=p.jpeg,
                        thumbnail=p.thumbnail,
                        byte_size=len(p.jpeg),
                        width=meta.width,
                        height=meta.height,
                        taken_at=meta.taken_at,
                        latitude=meta.latitude,
                        longitude=meta.longitude,
                        added_at=now,
                    )
                    .on_conflict_do_nothing(index_elements=["sha256"])
                )
        return [p.sha256 for p in photos]

    def add_received(
        self, sha256: str, jpeg: bytes, meta: dict[str, Any], thumbnail: bytes | None = None
    ) -> None:
        """A photo that came from elsewhere (a USB batch, the demo) with its metadata as JSON."""
        import hashlib

        if hashlib.sha256(jpeg).hexdigest() != sha256:
            raise UserError(
                Text("照片内容与其校验值不符", "the photo's content does not match its hash"),
                code="photo_hash_mismatch",
            )
        with self._store.session() as s:
            s.execute(
                sqlite_insert(PhotoBlob)
                .values(
                    sha256=sha256,
                    jpeg=jpeg,
                    thumbnail=thumbnail,
                    byte_size=len(jpeg),
                    width=int(meta.get("width") or 0),
                    height=int(meta.get("height") or 0),
                    taken_at=meta.get("taken_at"),
                    latitude=meta.get("latitude"),
                    longitude=meta.get("longitude"),
                    added_at=datetime.now(),
                )
                .on_conflict_do_nothing(index_elements=["sha256"])
            )

    def jpeg(self, sha256: str) -> bytes:
        with self._store.session() as s:
            data = s.scalar(select(PhotoBlob.jpeg).where(PhotoBlob.sha256 == sha256))
        if data is None:
            raise UserError(PHOTO_MISSING, code="photo_missing")
        return data

    def thumbnail(self, sha256: str) -> bytes | None:
        with self._store.session() as s:
            return s.scalar(select(PhotoBlob.thumbnail).where(PhotoBlob.sha256 == sha256))

    def info(self, hashes: Iterable[str]) -> dict[str, PhotoInfo]:
        wanted = [h for h in dict.fromkeys(hashes) if SHA256_HEX.fullmatch(h)]
        out: dict[str, PhotoInfo] = {}
        with self._store.session() as s:
            for i in range(0, len(wanted), 500):
                for row in s.scalars(
                    select(PhotoBlob).where(PhotoBlob.sha256.in_(wanted[i : i + 500]))
                ):
                    out[row.sha256] = _info(row)
        return out

    def has(self, sha256: str) -> bool:
        with self._store.session() as s:
            return s.scalar(select(func.count()).where(PhotoBlob.sha256 == sha256)) == 1

    def count(self) -> int:
        with self._store.session() as s:
            return s.scalar(select(func.count()).select_from(PhotoBlob)) or 0

    def total_bytes(self) -> int:
        with self._store.session() as s:
            return int(s.scalar(select(func.coalesce(func.sum(PhotoBlob.byte_size), 0))) or 0)

    def for_household(self, household_id: str) -> list[HouseholdPhoto]:
        """The household's photos, newest visit first: a draft's and every finalized visit's.

        An amended visit's photos are listed with the visit that replaced it only.
        """
        with self._store.session() as s:
            rows = s.execute(
                select(
                    VisitRow.visit_id,
                    VisitRow.visit_date,
                    VisitRow.status,
                    VisitRow.answers,
                    VisitRow.amends,
                )
                .where(VisitRow.household_id == household_id)
                .order_by(VisitRow.visit_date.desc(), VisitRow.created_at.desc())
            ).all()
        replaced = {r.amends for r in rows if r.amends}
        refs: list[tuple[Any, Any]] = []
        for r in rows:
            if r.visit_id in replaced:
                continue
            for ref in photo_refs(r.answers or {}):
                refs.append((r, ref))
        infos = self.info(ref.sha256 for _, ref in refs)
        out: list[HouseholdPhoto] = []
        seen: set[tuple[str, str]] = set()
        for r, ref in refs:
            if ref.sha256 not in infos or (r.visit_id, ref.sha256) in seen:
                continue
            seen.add((r.visit_id, ref.sha256))
            out.append(
                HouseholdPhoto(
                    infos[ref.sha256],
                    r.visit_id,
                    r.visit_date.isoformat(),
                    ref.field,
                    ref.caption,
                    r.status == "finalized",
                )
            )
        return out

    # -- which visit names which photo ----------------------------------------------------
    @staticmethod
    def link(session: Any, visit_id: str, household_id: str, answers: Any, finalized: bool) -> None:
        """Record the photos a visit's answers name (inside the transaction that writes it)."""
        session.execute(delete(PhotoLink).where(PhotoLink.visit_id == visit_id))
        rows = [
            {
                "visit_id": visit_id,
                "sha256": h,
                "household_id": household_id,
                "finalized": finalized,
            }
            for h in photo_hashes(answers or {})
        ]
        if rows:
            session.execute(sqlite_insert(PhotoLink).values(rows).on_conflict_do_nothing())

    @staticmethod
    def unlink(
        session: Any, *, visit_id: str | None = None, household_ids: Sequence[str] = ()
    ) -> None:
        if visit_id is not None:
            session.execute(delete(PhotoLink).where(PhotoLink.visit_id == visit_id))
        for i in range(0, len(household_ids), 500):
            session.execute(
                delete(PhotoLink).where(PhotoLink.household_id.in_(household_ids[i : i + 500]))
            )

    @staticmethod
    def prune_in(session: Any) -> int:
        """Remove blobs no visit names any more, in the caller's transaction."""
        linked = select(PhotoLink.sha256)
        return int(
            session.execute(delete(PhotoBlob).where(PhotoBlob.sha256.not_in(linked))).rowcount or 0
        )

    def referenced(self) -> set[str]:
        with self._store.session() as s:
            return set(s.scalars(select(PhotoLink.sha256).distinct()).all())

    def prune(self) -> int:
        """Remove blobs no visit refers to (a photo deleted from a draft); returns how many."""
        with self._store.session() as s:
            return self.prune_in(s)

    # -- sync ------------------------------------------------------------------------------
    def unsent(self, household_ids: Iterable[str] | None = None) -> list[tuple[str, str]]:
        """(household, photo) pairs of finalized visits the county has not confirmed yet (and
        whose picture this laptop holds), in a stable order."""
        with self._store.session() as s:
            q = (
                select(PhotoLink.household_id, PhotoLink.sha256)
                .distinct()
                .join(PhotoBlob, PhotoBlob.sha256 == PhotoLink.sha256)
                .outerjoin(
                    PhotoSent,
                    (PhotoSent.household_id == PhotoLink.household_id)
                    & (PhotoSent.sha256 == PhotoLink.sha256),
                )
                .where(PhotoLink.finalized.is_(True), PhotoSent.sha256.is_(None))
                .order_by(PhotoLink.household_id, PhotoLink.sha256)
            )
            rows = [(r[0], r[1]) for r in s.execute(q).all()]
        if household_ids is not None:
            wanted = set(household_ids)
            rows = [r for r in rows if r[0] in wanted]
        return rows

    def mark_sent(
        self, pairs: Iterable[tuple[str, str]], *, refused: dict[tuple[str, str], Any] | None = None
    ) -> None:
        """The county has these (household, photo) pairs, or (``refused``) will not take them:
        either way they are not offered again; a refusal keeps the county's sentence."""
        now = datetime.now()
        with self._store.session() as s:
            for hid, h in pairs:
                s.execute(
                    sqlite_insert(PhotoSent)
                    .values(household_id=hid, sha256=h, confirmed_at=now, status="accepted")
                    .on_conflict_do_nothing()
                )
            for (hid, h), reason in (refused or {}).items():
                s.execute(
                    sqlite_insert(PhotoSent)
                    .values(
                        household_id=hid,
                        sha256=h,
                        confirmed_at=now,
                        status="refused",
                        reason=reason,
                    )
                    .on_conflict_do_nothing()
                )

    def refusals(self) -> list[tuple[str, str, Any]]:
        with self._store.session() as s:
            rows = s.execute(
                select(PhotoSent.household_id, PhotoSent.sha256, PhotoSent.reason).where(
                    PhotoSent.status == "refused"
                )
            ).all()
        return [(r[0], r[1], r[2]) for r in rows]

    def meta_json(self, sha256: str) -> dict[str, Any]:
        info = self.info([sha256]).get(sha256)
        if info is None:
            return {}
        return {
            "width": info.width,
            "height": info.height,
            "taken_at": info.taken_at,
            "latitude": info.latitude,
            "longitude": info.longitude,
        }

    # -- the outbox of sealed bundles -------------------------------------------------------
    def outbox(self) -> list[tuple[str, bytes, list[tuple[str, str]]]]:
        with self._store.session() as s:
            rows = s.scalars(select(PhotoOutbox).order_by(PhotoOutbox.created_at)).all()
            return [(r.bundle_id, r.data, [(p[0], p[1]) for p in r.pairs]) for r in rows]

    def keep_bundle(self, bundle_id: str, data: bytes, pairs: list[tuple[str, str]]) -> None:
        with self._store.session() as s:
            s.add(
                PhotoOutbox(
                    bundle_id=bundle_id,
                    data=data,
                    pairs=[list(p) for p in pairs],
                    created_at=datetime.now(),
                )
            )

    def bundle_done(self, bundle_id: str) -> None:
        with self._store.session() as s:
            s.execute(delete(PhotoOutbox).where(PhotoOutbox.bundle_id == bundle_id))
