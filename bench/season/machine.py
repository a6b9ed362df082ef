"""The machine a benchmark ran on: CPU, cores, memory, Python and the database engines."""

from __future__ import annotations

import os
import platform
import sqlite3
from pathlib import Path

PG_ADMIN = "host=127.0.0.1 port=5432 dbname=test user=postgres"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return float("nan")


def sqlcipher_version() -> str:
    import sqlcipher3

    conn = sqlcipher3.connect(":memory:")
    try:
        row = conn.execute("PRAGMA cipher_version").fetchone()
        sqlite = conn.execute("SELECT sqlite_version()").fetchone()[0]
    finally:
        conn.close()
    return f"SQLCipher {row[0] if row else '?'} (SQLite {sqlite})"


def postgres_version() -> str:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, connect_timeout=3) as conn:
            row = conn.execute("SHOW server_version").fetchone()
        return f"PostgreSQL {row[0] if row else '?'}"
    except Exception as e:  # only describes the machine; a missing server is reported, not raised
        return f"PostgreSQL not reachable ({type(e).__name__})"


def describe() -> str:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return "\n".join(
        [
            f"CPU:       {cpu_model()}, {os.cpu_count()} cores",
            f"memory:    {memory_gib():.1f} GiB",
            f"system:    {platform.system()} {platform.release()}",
            f"Python:    {platform.python_version()} ({platform.python_implementation()})",
            f"SQLite:    {sqlite3.sqlite_version} (server side, Python's sqlite3)",
            f"store:     {sqlcipher_version()}",
            f"county DB: {postgres_version()}",
            f"load:      {load} (1, 5, 15 min)",
        ]
    )


if __name__ == "__main__":
    print(describe())
