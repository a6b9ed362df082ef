"""Printing ledgers from the device store: one household, or a village (one PDF or one each).

The photos a household's ledger prints: only finalized visits count (a draft is not evidence yet),
newest first; an amended visit's pictures are replaced by its correction's. Each photo's kind and
title come from its form field (``forms/photo_fields.py``), so the ledger picks the cover and
housing pictures by kind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.private_files import folder_keeps_files_private
from fieldsurvey.core.text import Text
from fieldsurvey.core.visit import Visit
from fieldsurvey.forms.photo_fields import field_info
from fieldsurvey.ledger.model import LedgerPhoto


def ledger_photos(store: Any, household_id: str, visits: Sequence[Visit]) -> list[LedgerPhoto]:
    forms = {v.visit_id: v for v in visits}
    out: list[LedgerPhoto] = []
    for p in store.photos.for_household(household_id):
        v = forms.get(p.visit_id)
        if not p.finalized or v is None:
            continue
        info = field_info(v.form_id, v.form_version, p.field)
        out.append(
            LedgerPhoto(
                kind=info.kind,
                title=info.title.zh,
                sha256=p.info.sha256,
                jpeg=store.photos.jpeg(p.info.sha256),
                visit_date=p.visit_date,
                taken_at=p.info.taken_at,
                caption=p.caption,
                width=p.info.width,
                height=p.info.height,
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class Printed:
    files: list[Path]
    pages: int
    households: int
    private: bool = True  # False: the folder keeps no owner-only permission (a USB stick's FAT)


def division_names(store: Any, village_code: str) -> Any:
    from fieldsurvey.ledger import DivisionNames

    path = store.divisions.path(village_code)
    return DivisionNames(
        path.get("county") or "", path.get("township") or "", path.get("village") or village_code
    )


def print_household(
    store: Any,
    household_id: str,
    target: Path,
    *,
    mask_ids: bool,
    progress: Callable[[int, int], None] | None = None,
) -> Printed:
    """One household's ledger as a PDF at ``target``."""
    from fieldsurvey.ledger import LedgerInput, LedgerOptions
    from fieldsurvey.ledger.batch import print_household as print_one

    household = store.households.get(household_id)
    if household is None:
        raise UserError(Text("找不到该户", "household not found"), code="not_found")
    if progress:
        progress(0, 1)
    visits = store.visits.for_household(household_id)
    inp = LedgerInput(
        household,
        visits,
        division_names(store, household.division_code.value),
        photos=ledger_photos(store, household_id, visits),
    )
    result = print_one(inp, target, LedgerOptions(mask_ids=mask_ids))
    if progress:
        progress(1, 1)
    return Printed([target], result.pages, 1, folder_keeps_files_private(target.parent))


def print_village(
    store: Any,
    village_code: str,
    out: Path,
    *,
    mask_ids: bool,
    combined: bool,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Printed:
    """A village's ledgers: one PDF (``combined``) or one per household in ``out``."""
    from fieldsurvey.ledger import LedgerInput, LedgerOptions
    from fieldsurvey.ledger.batch import print_village as print_all

    names = division_names(store, village_code)
    total = store.households.count(village_code)
    if progress:
        progress(0, total)

    def inputs() -> Iterator[Any]:
        for h in store.households.iter_households(village_code):
            visits = store.visits.for_household(h.household_id)
            yield LedgerInput(h, visits, names, photos=ledger_photos(store, h.household_id, visits))

    result = print_all(
        inputs(),
        total,
        out,
        names=names,
        village_code=village_code,
        combined=combined,
        options=LedgerOptions(mask_ids=mask_ids),
        progress=progress,
        cancelled=cancelled,
    )
    return Printed(
        result.files,
        result.pages,
        result.households,
        folder_keeps_files_private(result.files[0].parent),
    )


def villages_with_households(store: Any) -> list[tuple[str, str]]:
    """(name, code) of each village that has households, for the village ledger's choice."""
    return [
        (d.name, d.code.value)
        for d in store.divisions.villages()
        if store.households.count(d.code.value)
    ]
