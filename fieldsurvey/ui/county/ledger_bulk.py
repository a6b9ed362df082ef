"""Printing the ledgers of a village or a township from the county's records, in a worker.

Households and their visits come from the server a page at a time (``GET /county/records``) and
go straight into the ledger package's ``print_village``, which renders one household after the
other, so memory does not grow with the township. Per village, the output is a folder (one PDF
per household plus the village report) or one combined PDF with a table of contents; for a
township "combined" joins the villages' combined files into one, with a bookmark per village.
A cancelled run leaves nothing of the village in progress (the ledger package stages its files),
and a joined township file is written only when every village is done.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fieldsurvey.api.files import HouseholdPhotos
from fieldsurvey.api.lists import HouseholdItem, HouseholdRecords
from fieldsurvey.core.errors import UserError
from fieldsurvey.core.records import household_from_dict, visit_from_dict
from fieldsurvey.core.text import Text
from fieldsurvey.ui.county.api import CountyApi

PAGE = 50
Progress = Callable[[int, int, str], None]


@dataclass(slots=True)
class Printed:
    files: list[Path] = field(default_factory=list)
    pages: int = 0
    households: int = 0


@dataclass(frozen=True, slots=True)
class Place:
    county: str
    township: str
    village: str
    code: str


def ledger_photos(api: CountyApi, household_id: str, *, masked: bool) -> list[Any]:
    """The photos the household's ledger prints, fetched from the county: only those it prints
    (the cover's, six of the house and water, six of the visit and, in the full copy, documents)."""
    from fieldsurvey.forms.photo_fields import field_info
    from fieldsurvey.ledger.content import HOUSING_KINDS, MAX_SECTION_PHOTOS
    from fieldsurvey.ledger.model import LedgerPhoto

    quota = {
        ("household",): 1,
        HOUSING_KINDS: MAX_SECTION_PHOTOS,
        ("visit",) if masked else ("visit", "document"): MAX_SECTION_PHOTOS,
    }
    taken: dict[tuple[str, ...], int] = dict.fromkeys(quota, 0)
    out: list[Any] = []
    seen: set[str] = set()
    for it in api.get_as(HouseholdPhotos, f"/households/{household_id}/photos").photos:
        info = field_info(it.form_id or "household_visit", it.form_version, it.field)
        group = next((g for g in quota if info.kind in g), None)
        if group is None or taken[group] >= quota[group] or it.sha256 in seen:
            continue
        taken[group] += 1
        seen.add(it.sha256)
        jpeg = api.get_bytes(f"/households/{household_id}/photos/{it.sha256}")
        out.append(
            LedgerPhoto(
                kind=info.kind,
                title=info.title.zh,
                sha256=it.sha256,
                jpeg=jpeg,
                visit_date=it.visit_date,
                taken_at=it.taken_at,
                caption=it.caption,
                width=it.width or 0,
                height=it.height or 0,
            )
        )
    return out


def ledger_inputs(
    api: CountyApi, place: Place, f: dict[str, Any] | None = None, *, masked: bool = False
) -> Iterator[Any]:
    """LedgerInput for every household of the village (or under ``f``), page by page, with the
    photos its ledger prints."""
    from fieldsurvey.ledger import DivisionNames, LedgerInput

    names = DivisionNames(place.county, place.township, place.village)
    after: str | None = None
    while True:
        page = api.page(
            HouseholdRecords,
            "/county/records",
            after=after,
            limit=PAGE,
            **(f or {"scope": place.code}),
        )
        for item in page.items:
            visits = [visit_from_dict(v) for v in item.visits]
            record = household_from_dict(item.record)
            yield LedgerInput(
                record, visits, names, photos=ledger_photos(api, record.household_id, masked=masked)
            )
        after = page.next
        if not after:
            return


def print_villages(
    api: CountyApi,
    places: list[Place],
    out: Path,
    *,
    combined: bool,
    mask_ids: bool,
    progress: Progress,
    cancelled: Callable[[], bool],
) -> Printed:
    """Print ``places``: one village to ``out`` (file or folder), several to a folder or one joined file."""
    from fieldsurvey.ledger import LedgerOptions
    from fieldsurvey.ledger.batch import print_village

    options = LedgerOptions(mask_ids=mask_ids)
    totals = {
        p.code: api.page(HouseholdItem, "/county/households", scope=p.code, limit=1).total or 0
        for p in places
    }
    places = [p for p in places if totals[p.code]]
    if not places:
        raise UserError(
            Text("所选范围内没有可打印的户", "there are no households to print in this scope"),
            code="nothing_to_print",
        )
    grand = sum(totals[p.code] for p in places)
    result = Printed()
    staging = (
        Path(tempfile.mkdtemp(prefix=".township-", dir=out.parent))
        if combined and len(places) > 1
        else None
    )
    try:
        offset = 0
        for place in places:
            if cancelled():
                from fieldsurvey.core.errors import Cancelled

                raise Cancelled()
            if len(places) == 1:
                target = out
            elif staging is not None:
                target = staging / f"{place.code}.pdf"
            else:
                target = out / f"{place.code}-{_safe(place.village)}"
            start = offset
            printed = print_village(
                ledger_inputs(api, place, masked=mask_ids),
                totals[place.code],
                target,
                names=_names(place),
                village_code=place.code,
                combined=combined,
                options=options,
                cancelled=cancelled,
                progress=lambda done, _n, s=start, v=place.village: progress(s + done, grand, v),
            )
            offset += totals[place.code]
            result.households += printed.households
            result.pages += printed.pages
            result.files.extend(printed.files)
        if staging is not None:
            result.files = [join_villages(places, staging, out, cancelled)]
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    return result


def join_villages(
    places: list[Place], staging: Path, out: Path, cancelled: Callable[[], bool]
) -> Path:
    """The villages' combined files as one PDF, a bookmark per village (written atomically)."""
    from fieldsurvey.core.errors import Cancelled
    from fieldsurvey.ledger.output import atomic_output
    from fieldsurvey.ledger.pdf_join import PdfJoiner

    with atomic_output(out) as f:
        joiner = PdfJoiner(f)
        for place in places:
            if cancelled():
                raise Cancelled()
            joiner.add(staging / f"{place.code}.pdf", place.village)
        joiner.finish(
            {
                "Title": f"{places[0].township} 一户一本台账汇编",
                "Subject": "一户一本台账汇编",
                "Author": places[0].county,
                "Creator": "FieldSurvey",
            }
        )
    return out


def print_one(
    api: CountyApi, place: Place, household_no: str, household_id: str, target: Path, mask_ids: bool
) -> Printed:
    from fieldsurvey.ledger import LedgerOptions
    from fieldsurvey.ledger.batch import print_household

    for inp in ledger_inputs(
        api, place, {"household_no": household_no, "scope": place.code}, masked=mask_ids
    ):
        if inp.household.household_id == household_id:
            rendered = print_household(inp, target, LedgerOptions(mask_ids=mask_ids))
            return Printed([target], rendered.pages, 1)
    raise UserError(Text("找不到该户", "household not found"), code="not_found")


def _names(place: Place) -> Any:
    from fieldsurvey.ledger import DivisionNames

    return DivisionNames(place.county, place.township, place.village)


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name) or "_"
