"""Reliability figures from real runs: kill -9 trials, cut connections, tampered and replayed
batches, fuzzed inputs — how many ran and how many lost or corrupted anything.

The counts come from running the tests that do these things (``pytest -p
bench.season.pytest_counter``, which counts every Hypothesis/schemathesis input that ran) and
from the field season (its laptop kills, proxy cuts, batches resent whole after a cut, tampered
copies). A test that fails counts every one of its runs as failed, since it cannot say which;
the failure's first line is printed, so a reader can see whether something was lost or the test
stopped for another reason. ``--quick`` runs the fast subset on SQLite only (cut connections and
replays then come from the field season alone).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
CASES = "cases"
TRIALS = "trials"


@dataclass(frozen=True)
class Probe:
    test: str  # file::function (all its parameters count)
    kind: str
    what: str
    unit: (
        str | int
    )  # CASES: Hypothesis inputs; TRIALS: the module's TRIALS; an int: fixed per passing run
    quick: bool = True
    backends: bool = False  # parametrised over sqlite/postgres; --quick keeps [sqlite]


KILL, CUT, TAMPER, REPLAY, FUZZ = (
    "kill -9 trials",
    "cut connections",
    "tampered batches",
    "replayed batches",
    "fuzzed inputs",
)
PROBES = (
    Probe(
        "tests/store/test_store_durability.py::test_sigkill_mid_stream_loses_no_returned_save",
        KILL,
        "a process streaming saves to its SQLCipher store is SIGKILLed; every save that returned is there",
        TRIALS,
    ),
    Probe(
        "tests/server/test_server_resilience.py::test_a_server_killed_in_the_middle_of_a_merge_leaves_no_partial_batch",
        KILL,
        "the county server SIGKILLed while it merges a 1,500-household batch; resent, it lands once",
        1,
        backends=True,
    ),
    Probe(
        "tests/server/test_server_resilience.py::test_a_connection_cut_mid_upload_resumes_and_records_arrive_once",
        CUT,
        "an upload through a proxy that cuts it twice resumes from the server's offset",
        2,
        quick=False,
        backends=True,
    ),
    Probe(
        "tests/sync/test_sync_envelope.py::test_every_single_byte_change_is_refused",
        TAMPER,
        "a sealed batch with one byte changed anywhere",
        CASES,
    ),
    Probe(
        "tests/sync/test_sync_envelope.py::test_truncated_or_extended_files_are_refused",
        TAMPER,
        "a sealed batch cut short or lengthened",
        CASES,
    ),
    Probe(
        "tests/sync/test_sync_envelope.py::test_a_forged_header_length_is_refused",
        TAMPER,
        "a forged header length",
        1,
    ),
    Probe(
        "tests/server/test_server_sync.py::test_one_flipped_byte_is_refused_and_nothing_is_applied",
        TAMPER,
        "a flipped byte uploaded to the running server: refused, nothing applied",
        1,
        quick=False,
        backends=True,
    ),
    Probe(
        "tests/server/test_server_sync.py::test_the_same_batch_id_with_other_content_is_refused_with_409",
        TAMPER,
        "another batch under an accepted batch's id",
        1,
        quick=False,
        backends=True,
    ),
    Probe(
        "tests/server/test_server_sync.py::test_a_duplicate_upload_adds_nothing",
        REPLAY,
        "the same batch uploaded twice",
        1,
        quick=False,
        backends=True,
    ),
    Probe(
        "tests/server/test_server_resilience.py::test_a_usb_batch_file_gives_the_same_result_as_http",
        REPLAY,
        "a batch imported from a USB file, then uploaded over HTTP",
        1,
        quick=False,
        backends=True,
    ),
    Probe(
        "tests/sync/test_sync_envelope.py::test_random_bytes_are_refused_cleanly",
        FUZZ,
        "batch parser: random bytes",
        CASES,
    ),
    Probe(
        "tests/sync/test_sync_envelope.py::test_the_batch_schema_refuses_arbitrary_json_cleanly",
        FUZZ,
        "batch schema: arbitrary JSON",
        CASES,
    ),
    Probe(
        "tests/sync/test_sync_envelope.py::test_the_ingest_refuses_malformed_records_without_crashing",
        FUZZ,
        "ingest: malformed records in a correctly sealed batch",
        CASES,
        quick=False,
    ),
    Probe(
        "tests/sync/test_sync_envelope.py::test_canonical_form_is_stable_and_round_trips",
        FUZZ,
        "canonical JSON round trip",
        CASES,
    ),
    Probe(
        "tests/sync/test_sync_merge.py::test_any_interleaving_of_two_devices_loses_no_edit",
        FUZZ,
        "merge: two devices' edits in any interleaving",
        CASES,
    ),
    Probe(
        "tests/sync/test_sync_merge_server.py::test_real_ingest_loses_no_edit_in_any_interleaving",
        FUZZ,
        "merge through the real ingest, any interleaving",
        CASES,
    ),
    Probe(
        "tests/forms/test_forms_properties.py::test_any_expression_evaluates_without_raising",
        FUZZ,
        "form expression evaluator: generated expressions",
        CASES,
    ),
    Probe(
        "tests/forms/test_forms_properties.py::test_calculations_do_not_depend_on_typing_order",
        FUZZ,
        "form engine: answers typed in any order",
        CASES,
        quick=False,
    ),
    Probe(
        "tests/server/test_server_api_fuzz.py::test_no_request_makes_the_server_fail",
        FUZZ,
        "county API: schemathesis requests from the OpenAPI schema",
        CASES,
        quick=False,
        backends=True,
    ),
)


def selected(quick: bool) -> list[Probe]:
    return [p for p in PROBES if p.quick or not quick]


def run_tests(probes: list[Probe], quick: bool) -> dict[str, dict[str, Any]]:
    nodes = [p.test + ("[sqlite]" if quick and p.backends else "") for p in probes]
    with tempfile.TemporaryDirectory(prefix="fs-reliability-") as tmp:
        out = Path(tmp) / "counts.json"
        env = {
            **os.environ,
            "FS_RELIABILITY_OUT": str(out),
            "HYPOTHESIS_EXPERIMENTAL_OBSERVABILITY_NOCOVER": "1",
            "PYTHONPATH": str(ROOT),
        }
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "-p",
                "bench.season.pytest_counter",
                "-o",
                "addopts=",
                *nodes,
            ],
            cwd=ROOT,
            env=env,
            check=False,
            stdout=subprocess.DEVNULL,
        )
        return dict(json.loads(out.read_text("utf-8"))) if out.exists() else {}


def tally(probes: list[Probe], results: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for p in probes:
        for node, r in sorted(results.items()):
            if node != p.test and not node.startswith(p.test + "["):
                continue
            cases = r.get("cases", {})
            passed = r.get("outcome") == "passed"
            if p.unit == CASES:
                ran = cases.get("passed", 0) + cases.get("failed", 0)
                failed = cases.get("failed", 0) if passed or cases.get("failed") else ran
            else:
                ran = int(r.get("trials", 0)) if p.unit == TRIALS else int(p.unit)
                failed = 0 if passed else ran
            rows.append(
                {
                    "kind": p.kind,
                    "what": p.what,
                    "node": node.split("::", 1)[1],
                    "ran": ran,
                    "failed": failed,
                    "outcome": r.get("outcome", "not run"),
                    "seconds": r.get("seconds", 0.0),
                    "error": r.get("error"),
                }
            )
    return rows


def season_rows(reliability: dict[str, Any], backend: str) -> list[dict[str, Any]]:
    """The field season's own faults: each was checked by the season's asserts, so a season that
    finished lost nothing in any of them."""
    tamper = reliability.get("tamper", {})
    return [
        {
            "kind": KILL,
            "what": "laptop SIGKILLed during a visit's draft saves; store opens, draft continues",
            "node": f"field season [{backend}]",
            "ran": reliability.get("kills", 0),
            "failed": 0,
            "outcome": "passed",
        },
        {
            "kind": CUT,
            "what": "sync connections cut at random points by the proxy",
            "node": f"field season [{backend}]",
            "ran": reliability.get("cuts", 0),
            "failed": 0,
            "outcome": "passed",
        },
        {
            "kind": REPLAY,
            "what": "batches resent whole after a cut lost the commit's answer",
            "node": f"field season [{backend}]",
            "ran": reliability.get("replays_after_cuts", 0)
            + (1 if tamper.get("replay_already_received") else 0),
            "failed": 0,
            "outcome": "passed",
        },
        {
            "kind": TAMPER,
            "what": "tampered copies of an accepted batch uploaded to the running server",
            "node": f"field season [{backend}]",
            "ran": tamper.get("copies", 0),
            "failed": len(tamper.get("accepted", [])),
            "outcome": "passed",
        },
    ]


def render(rows: list[dict[str, Any]]) -> str:
    lines = [f"{'kind':<18}{'ran':>7}{'failed':>8}  what (test)"]
    for kind in (KILL, CUT, TAMPER, REPLAY, FUZZ):
        group = [r for r in rows if r["kind"] == kind]
        for r in group:
            note = (
                ""
                if r["outcome"] == "passed"
                else f"   ← {r['outcome']}: {r.get('error') or ''}"[:160]
            )
            lines.append(
                f"{kind:<18}{r['ran']:>7}{r['failed']:>8}  {r['what']} ({r['node']}){note}"
            )
        if group:
            lines.append(
                f"{'  total':<18}{sum(r['ran'] for r in group):>7}{sum(r['failed'] for r in group):>8}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="the fast subset, SQLite only")
    args = ap.parse_args(argv)
    probes = selected(args.quick)
    start = time.perf_counter()
    rows = tally(probes, run_tests(probes, args.quick))
    print(render(rows))
    print(f"({time.perf_counter() - start:.0f} s)")
    return 0 if all(r["failed"] == 0 and r["outcome"] == "passed" for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
