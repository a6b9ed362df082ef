"""The season's table, as ``bench/field_season.py`` prints it."""

from __future__ import annotations

from bench.season.plan import expected_conflicts
from bench.season.scenario import SeasonResult


def _answered(r: SeasonResult) -> dict[str, int]:
    """Questions a laptop had to answer on the spot because the roster held no answer (beyond the
    visitor, the confirmation and the findings every visit asks)."""
    total: dict[str, int] = {}
    for w in r.metrics["work"]:
        for name, n in (w.get("answered_on_the_spot") or {}).items():
            total[name] = total.get(name, 0) + n
    return total


def table(results: list[SeasonResult]) -> str:
    """One column per backend: throughput, merge, conflicts, wire, memory, then each phase."""
    if not results:
        return ""
    heads = [r.backend for r in results]
    rows: list[tuple[str, list[str]]] = []

    def row(label: str, fn) -> None:  # type: ignore[no-untyped-def]
        rows.append((label, [fn(r) for r in results]))

    s = results[0].size
    row("households on the county", lambda r: f"{r.plan.total_households:,}")
    row("laptops (HTTP + USB)", lambda r: f"{len(r.plan.devices) - s.usb} + {s.usb}")
    row(
        "visits finalized (planned)",
        lambda r: (
            f"{r.found.counts.get('visits_on_county', 0):,} ({sum(len(d.visits) for d in r.plan.devices):,})"
        ),
    )
    row(
        "member changes recorded",
        lambda r: f"{r.found.counts.get('member_changes_on_county', 0):,}",
    )
    row(
        "drafts saved (autosave)",
        lambda r: f"{sum(w['drafts_saved'] for w in r.metrics['work']):,}",
    )
    row(
        "required answers the registry lacked",
        lambda r: ", ".join(f"{k} {v}" for k, v in sorted(_answered(r).items())) or "none",
    )
    row(
        "household edits (on contested households)",
        lambda r: (
            f"{sum(len(d.edits) for d in r.plan.devices):,} ({r.metrics['overlap_share']:.1%})"
        ),
    )
    row("visits synced per second", lambda r: f"{r.metrics['visits_per_s']:.1f} /s")
    row(
        "merge time, HTTP commits (sum · median · max)",
        lambda r: (
            f"{r.metrics['merge_s_total']:.1f} s · {r.metrics['merge_s_median'] * 1000:.0f} ms · "
            f"{r.metrics['merge_s_max'] * 1000:.0f} ms"
        ),
    )
    row(
        "USB batch import (process, each)",
        lambda r: " / ".join(f"{t:.1f} s" for t in r.metrics["usb_import_s"]) or "—",
    )
    row(
        "conflicts found · resolved (expected)",
        lambda r: (
            f"{r.found.counts.get('conflicts', 0)} · {r.metrics['resolved']} ({expected_conflicts(r.plan)})"
        ),
    )
    row(
        "edits applied · through a resolved conflict",
        lambda r: (
            f"{r.found.counts.get('edits_applied', 0):,} · {r.found.counts.get('edits_resolved', 0)}"
        ),
    )
    row(
        "bytes on the wire per visit (up · both ways)",
        lambda r: (
            f"{r.metrics['bytes_per_visit_up']:,.0f} · {r.metrics['bytes_per_visit_total']:,.0f} B"
        ),
    )
    row(
        "connections through the proxy · cut",
        lambda r: (
            f"{sum(w['connections'] for w in r.metrics['wire'].values())} · {r.reliability['cuts']}"
        ),
    )
    row(
        "Sync pressed again after 'unreachable' · batches resent whole",
        lambda r: f"{r.metrics['extra_sync_presses']} · {r.reliability['replays_after_cuts']}",
    )
    row("peak server memory (VmHWM)", lambda r: f"{r.metrics['peak_server_kib'] / 1024:.0f} MiB")
    row(
        "laptops killed mid-visit · draft kept",
        lambda r: (
            f"{r.reliability['kills']} · "
            + ", ".join(
                f"{k['found_chars']}≥{k['promised_chars']} chars" for k in r.metrics["kills"]
            )
        ),
    )
    row(
        "tampered batches refused · replay recognised",
        lambda r: (
            f"{sum(r.reliability['tamper']['refused'].values())} · "
            f"{'yes' if r.reliability['tamper']['replay_already_received'] else 'NO'}"
            if "tamper" in r.reliability
            else "—"
        ),
    )
    row(
        "households compared laptop ↔ county",
        lambda r: f"{r.found.counts.get('households_compared', 0):,}",
    )
    row(
        "assessments recomputed on the county",
        lambda r: f"{r.found.counts.get('assessments_compared', 0):,}",
    )
    row(
        "ledgers printed and verified (pages)",
        lambda r: f"{r.found.counts.get('ledgers', 0)} ({r.found.counts.get('ledger_pages', 0)})",
    )
    row("audit entries verified", lambda r: f"{r.found.counts.get('audit_entries', 0):,}")
    for name in results[0].phases:
        row(
            f"phase: {name}",
            lambda r, n=name: (
                f"{r.phases.get(n, 0):.1f} s" + (f" (load {r.load[n]:.1f})" if n in r.load else "")
            ),
        )
    row("total", lambda r: f"{sum(r.phases.values()):.1f} s")
    width = max(len(label) for label, _ in rows) + 2
    cols = [max(len(h), *(len(v[i]) for _, v in rows)) + 2 for i, h in enumerate(heads)]
    lines = ["".ljust(width) + "".join(h.rjust(c) for h, c in zip(heads, cols, strict=True))]
    lines += [
        label.ljust(width) + "".join(v.rjust(c) for v, c in zip(values, cols, strict=True))
        for label, values in rows
    ]
    return "\n".join(lines)
