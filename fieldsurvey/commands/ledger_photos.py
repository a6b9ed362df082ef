"""The photos a household's ledger prints, gathered from the device store.

Only finalized visits count (a draft is not evidence yet), newest first; an amended visit's
pictures are replaced by its correction's. Each photo's kind and title come from its form field
(``forms/photo_fields.py``), so the ledger picks the cover and housing pictures by kind.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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
        out.append(LedgerPhoto(kind=info.kind, title=info.title.zh, sha256=p.info.sha256, jpeg=store.photos.jpeg(p.info.sha256),
                               visit_date=p.visit_date, taken_at=p.info.taken_at, caption=p.caption,
                               width=p.info.width, height=p.info.height))
    return out
