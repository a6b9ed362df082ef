"""Package layout only (metadata is in pyproject.toml).

``resources/`` sits at the top of the repository — forms, policy tables, code lists, fonts and
translations are data a county may edit — but must ship inside the package so a non-editable
install finds it. pyproject.toml alone cannot add a mapped package to the discovered ones.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["fieldsurvey", "fieldsurvey.*"]), "fieldsurvey.resources"],
    package_dir={"fieldsurvey.resources": "resources"},
)
