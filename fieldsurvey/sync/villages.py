"""When the county takes a village away from this device's user: erase its households here.

Every feed page names the villages it was computed for (``villages`` in its header; null for the
whole county). After a sync — which first sends everything pending, then downloads — the client
compares them with what the store holds: the households of any other village are erased, with
their members, helpers, measures, incomes, visits (drafts too), member changes, outbox rows and
the county's notices about them, and no sent batch keeps a copy of their records. A laptop must
not keep the ids and personal data of people in villages it no longer serves.

What was still waiting for those households went up first: the county keeps a drain window for
a village it takes away (``server/drain.py``) in which this device may still deliver its
updates to the village's records, until it has downloaded a feed without the village — which is
the download that leads here. So the pending records are normally on the county before the
erase; only what the county refused (a new household in that village, work sent after the drain
closed or after ``DRAIN_DAYS``) is erased unsent, and counted. The secretary reads one sentence
saying which villages went, how many households, how many records were uploaded first and how
many the county refused. Deleting runs with SQLite's ``secure_delete`` (freed pages are zeroed)
and the write-ahead log is checkpointed afterwards, so no old page keeps the data either.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fieldsurvey.core.text import Text

NOTICE_KIND = "villages_removed"


@dataclass(frozen=True)
class Forgotten:
    """What one sync erased: the villages it no longer serves, their households, and the records
    that were waiting for them — ``uploaded`` to the county before the erase, ``refused`` by it
    (erased unsent). ``uploaded`` is None when unknown (an update file brought by USB stick)."""

    villages: tuple[tuple[str, str], ...]  # (code, name)
    households: int
    refused: int
    uploaded: int | None = None

    def sentence(self) -> Text:
        names_zh = "、".join(name or code for code, name in self.villages)
        names_en = ", ".join(f"{name} ({code})" if name else code for code, name in self.villages)
        zh = f"县里已不再把{names_zh}分配给您。"
        en = f"The county no longer assigns you {names_en}."
        if self.uploaded:
            zh += f"本机先把这些村待上传的{self.uploaded}条记录上传到了县里，然后"
            en += f" This laptop first uploaded the {self.uploaded} records waiting for them to the county, then"
        else:
            zh += "本机"
            en += " This laptop"
        zh += f"删除了这些村的{self.households}户及其成员、走访等全部资料。"
        en += (
            f" erased their {self.households} households with their members, visits and everything"
            " else recorded about them."
        )
        if (
            self.refused and self.uploaded is None
        ):  # an update file: what its batch file carried is unknown here
            zh += f"其中{self.refused}条记录县里尚未确认接收，已一并删除。"
            en += f" {self.refused} records the county had not confirmed receiving were erased with them."
        elif self.refused:
            zh += f"另有{self.refused}条记录县里拒收（您已不再负责这些村），未能上传，已一并删除。"
            en += (
                f" {self.refused} records were refused by the county (these villages are no longer yours) and were "
                "erased unsent."
            )
        elif not self.uploaded:
            zh += "这些村没有待上传的记录。"
            en += " Nothing for these villages was waiting to be sent."
        return Text(zh, en)

    def to_dict(self) -> dict[str, Any]:
        return {
            "villages": [code for code, _name in self.villages],
            "households": self.households,
            "uploaded": self.uploaded,
            "refused": self.refused,
        }


def pending_by_village(store: Any) -> dict[str, int]:
    """How many outbox records wait for each village (taken before a sync sends them), counted
    as erasing counts unsent ones, so the two can be subtracted."""
    return store.sync_state.pending_by_village()


def forget_other_villages(
    store: Any, villages: list[str] | None, pending_before: dict[str, int] | None = None
) -> Forgotten | None:
    """Keep only the households of ``villages`` (None: the whole county, nothing to erase).

    Records the villages in the enrollment, erases the rest in one transaction and leaves a
    notice for the secretary; returns what went, or None when nothing did. ``pending_before``
    (``pending_by_village`` before the sync sent anything) tells how many of the erased
    villages' records were uploaded first: those pending then and not pending now.
    """
    with store.sync_state.transaction() as w:
        w.set_villages(villages)
    if villages is None:
        return None
    with store.sync_state.transaction() as w:
        rows = w.households_outside(sorted(set(villages)))
        if not rows:
            return None
        with w.secure_delete():  # freed pages are zeroed, not left for recovery
            codes = sorted({code for _hid, code in rows})
            names = w.division_names(codes)
            unsent = w.erase_households([hid for hid, _code in rows])
            uploaded = (
                None
                if pending_before is None
                else max(0, sum(pending_before.get(c, 0) for c in codes) - unsent)
            )
            forgotten = Forgotten(
                tuple((code, names.get(code, "")) for code in codes), len(rows), unsent, uploaded
            )
            sentence = forgotten.sentence()
            w.add_local_notice(
                kind=NOTICE_KIND, text_zh=sentence.zh, text_en=sentence.en, data=forgotten.to_dict()
            )
    store.checkpoint()  # the write-ahead log holds the old pages until then
    return forgotten
