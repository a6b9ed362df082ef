"""A non-editable install must carry the data: forms, policy, code lists, font, translations."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


@pytest.mark.slow
def test_wheel_ships_resources_and_migrations(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    wheel = next(tmp_path.glob("fieldsurvey-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for repo_file in ROOT.joinpath("resources").rglob("*"):
        if repo_file.is_file() and "__pycache__" not in repo_file.parts:
            packaged = (
                "fieldsurvey/resources/" + repo_file.relative_to(ROOT / "resources").as_posix()
            )
            assert packaged in names, f"{packaged} missing from the wheel"
    assert "fieldsurvey/resources/fonts/WenQuanYiMicroHei.ttf" in names
    assert any(n.startswith("fieldsurvey/resources/i18n/") and n.endswith(".qm") for n in names)
    assert "fieldsurvey/store/migrations/script.py.mako" in names
    assert any(n.startswith("fieldsurvey/store/migrations/versions/0001") for n in names)
    assert not any(n.startswith("resources/") for n in names), (
        "resources must live inside the package"
    )
    # The app's launcher is a gui-script: Windows starts it with pythonw, so no console window opens.
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode("utf-8")
    gui = text.split("[gui_scripts]", 1)[1].split("[", 1)[0]
    assert "fieldsurvey-app = fieldsurvey.cli:gui_main" in gui
    assert "fieldsurvey = fieldsurvey.cli:main" in text.split("[console_scripts]", 1)[1]
