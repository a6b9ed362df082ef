"""The house rules, read from the imports: core is pure, only ui/ imports Qt, deps point one way."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parents[2] / "fieldsurvey"

# Who may import whom (besides itself and core). Anything not listed is forbidden.
ALLOWED = {
    "core": set(),
    "media": set(),
    "api": set(),  # the HTTP and batch contract: core and pydantic only, importable by all
    "encryption": set(),
    "store": {"core", "encryption", "api"},
    "forms": {"core", "api"},
    "ledger": {"core", "api"},
    "demo": {"core", "forms", "media", "api"},
    "sync": {"core", "store", "forms", "ledger", "api"},
    "app": {"core", "store", "forms", "ledger", "sync", "media", "api"},
    "server": {"core", "sync", "forms", "ledger", "media", "encryption", "api"},
    "ui": {
        "core",
        "store",
        "forms",
        "ledger",
        "sync",
        "demo",
        "commands",
        "media",
        "encryption",
        "app",
        "api",
    },
    "commands": {
        "core",
        "store",
        "forms",
        "ledger",
        "sync",
        "server",
        "demo",
        "ui",
        "media",
        "encryption",
        "app",
        "api",
    },
}
HEAVY_FOR_CORE = (
    "PySide6",
    "sqlalchemy",
    "alembic",
    "httpx",
    "fastapi",
    "uvicorn",
    "starlette",
    "reportlab",
    "requests",
)


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def modules_in(part: str) -> list[Path]:
    return sorted((PACKAGE / part).rglob("*.py"))


def test_core_imports_no_qt_no_sqlalchemy_no_http() -> None:
    for path in modules_in("core"):
        bad = [n for n in imports_of(path) if n.split(".")[0] in HEAVY_FOR_CORE]
        assert not bad, f"{path.relative_to(PACKAGE)} imports {bad}"


def test_the_contract_imports_only_the_standard_library_pydantic_and_core() -> None:
    """Server and clients both import ``api``: it must not drag a database, HTTP or Qt along."""
    import sys

    allowed = {"fieldsurvey", "pydantic", "pydantic_core", "__future__", *sys.stdlib_module_names}
    for path in modules_in("api"):
        bad = [
            n
            for n in imports_of(path)
            if n.split(".")[0] not in allowed
            or (n.startswith("fieldsurvey.") and n.split(".")[1] not in ("api", "core"))
        ]
        assert not bad, f"{path.relative_to(PACKAGE)} imports {bad}"


def test_only_ui_imports_qt() -> None:
    for path in PACKAGE.rglob("*.py"):
        if path.relative_to(PACKAGE).parts[0] == "ui":
            continue
        qt = [
            n for n in imports_of(path) if n.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph")
        ]
        assert not qt, f"{path.relative_to(PACKAGE)} imports Qt: {qt}"


def test_dependencies_point_one_way() -> None:
    for part, allowed in ALLOWED.items():
        for path in modules_in(part):
            for name in imports_of(path):
                parts = name.split(".")
                if parts[0] != "fieldsurvey" or len(parts) < 2:
                    continue
                target = parts[1]
                if target in (part, "core", "__init__") or target not in ALLOWED:
                    continue
                assert target in allowed, (
                    f"{path.relative_to(PACKAGE)} imports fieldsurvey.{target}"
                )


def test_the_county_server_imports_neither_the_store_nor_the_ui() -> None:
    """The server shares only the protocol (sync) and the low-level pieces below both (core,
    encryption) with the laptop: a server built on the laptop's store or its Qt code could not be
    deployed without them, and a change to the laptop's storage could break the county."""
    assert (PACKAGE / "server" / "app.py").exists()
    for path in modules_in("server"):
        bad = [
            n
            for n in imports_of(path)
            if n.split(".")[:2]
            in (["fieldsurvey", "store"], ["fieldsurvey", "ui"], ["fieldsurvey", "commands"])
        ]
        assert not bad, f"{path.relative_to(PACKAGE)} imports {bad}"


def test_neither_the_protocol_nor_the_ui_imports_the_server() -> None:
    """sync/ is the protocol both sides speak and ui/ talks to the server over HTTP only
    (ui/county/api.py): neither may reach into the server's modules."""
    for part in ("sync", "ui", "store", "encryption", "core"):
        for path in modules_in(part):
            bad = [n for n in imports_of(path) if n.split(".")[:2] == ["fieldsurvey", "server"]]
            assert not bad, f"{path.relative_to(PACKAGE)} imports {bad}"


def test_the_command_line_help_loads_no_heavy_library() -> None:
    """``fieldsurvey --help`` on a cheap laptop answers at once: options only, no database, PDF or Qt code."""
    import subprocess
    import sys

    code = (
        "import sys; from fieldsurvey.cli import build_parser; build_parser().format_help(); "
        "print(' '.join(m for m in ('sqlalchemy', 'reportlab', 'pypdf', 'PySide6', 'fastapi', "
        "'httpx') if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == ""


def test_the_ui_and_the_sync_client_hold_no_session_and_write_no_sql() -> None:
    """They call the store's repositories (docs/architecture.md); SQL lives in store/."""
    for path in [*modules_in("ui"), *modules_in("app"), *modules_in("sync")]:
        bad = [n for n in imports_of(path) if n.split(".")[0] in ("sqlalchemy", "alembic")]
        assert not bad, f"{path.relative_to(PACKAGE)} imports {bad}"
        assert ".session()" not in path.read_text(encoding="utf-8"), (
            f"{path.relative_to(PACKAGE)} opens a store session"
        )
