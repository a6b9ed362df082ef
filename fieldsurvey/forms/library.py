"""Where forms live and how a visit finds the exact form version it was filled with.

Layout (``resources/forms/``, or any folder given to ``FormLibrary``)::

    visit.yaml              the current household visit: its sections, each pinned to a version
    household.yaml …        the current version of each form (file name = form id)
    household/1.yaml …      older versions, kept so visits filled with them still display

A saved visit records the survey id and version; ``survey(id, version)`` returns that exact
form, from the current file when the version matches, otherwise from the archive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from fieldsurvey.core.resources import resource_path
from fieldsurvey.core.text import Text
from fieldsurvey.forms.compile import Survey, compile_survey
from fieldsurvey.forms.diagnostics import Diagnostic, FormDefinitionError, error, errors_in
from fieldsurvey.forms.loader import NAME_RE, VERSION_RE, load_definition
from fieldsurvey.forms.model import FormDef, VisitDef
from fieldsurvey.forms.source import read_source

SUFFIXES = (".yaml", ".yml", ".json")
HOUSEHOLD_VISIT = "household_visit"


@dataclass
class LoadedFile:
    path: Path
    shown: str
    definition: FormDef | VisitDef | None
    diagnostics: list[Diagnostic] = field(default_factory=list)


def display_path(path: Path) -> str:
    """A path as messages show it: relative to the working folder when inside it."""
    resolved = path.resolve()
    try:
        return str(resolved.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(resolved)


class FormLibrary:
    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root is not None else resource_path("forms")
        self._files: dict[Path, LoadedFile] = {}
        self._surveys: dict[tuple[str, str], Survey] = {}

    # --- files ---------------------------------------------------------------------------------
    def load_file(self, path: Path) -> LoadedFile:
        path = path.resolve()
        if path not in self._files:
            self._files[path] = _load_cached(path, _stamp(path), display_path(path))
        return self._files[path]

    def current_files(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        return sorted(p for p in self.root.iterdir() if p.is_file() and p.suffix in SUFFIXES)

    def archived_files(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        return sorted(
            p
            for d in self.root.iterdir()
            if d.is_dir()
            for p in d.iterdir()
            if p.is_file() and p.suffix in SUFFIXES
        )

    def _file_for(self, form_id: str, version: str | None) -> Path | None:
        # ids and versions may come from a synced visit: only names that stay in this folder
        if not NAME_RE.match(form_id) or ".." in form_id:
            return None
        if version is not None and (not VERSION_RE.match(version) or ".." in version):
            return None
        for suffix in SUFFIXES:
            current = self.root / f"{form_id}{suffix}"
            if current.is_file():
                loaded = self.load_file(current)
                if version is None or (
                    loaded.definition is not None and loaded.definition.version == version
                ):
                    return current
                break
        if version is not None:
            for suffix in SUFFIXES:
                archived = self.root / form_id / f"{version}{suffix}"
                if archived.is_file():
                    return archived
        return None

    def definition(self, form_id: str, version: str | None = None) -> FormDef | VisitDef:
        path = self._file_for(form_id, version)
        if path is None:
            wanted = f"{form_id} {version}" if version else form_id
            raise FormDefinitionError(
                [
                    error(
                        "form_not_found",
                        Text(f"找不到表单 {wanted}", f"form {wanted} is not in the form library"),
                        file=display_path(self.root),
                    )
                ]
            )
        loaded = self.load_file(path)
        if loaded.definition is None or errors_in(loaded.diagnostics):
            raise FormDefinitionError(loaded.diagnostics)
        return loaded.definition

    # --- surveys -------------------------------------------------------------------------------
    def survey(self, form_id: str = HOUSEHOLD_VISIT, version: str | None = None) -> Survey:
        """The runnable survey a visit uses; raises ``FormDefinitionError`` if it is broken."""
        definition = self.definition(form_id, version)
        key = (definition.id, definition.version)
        if key not in self._surveys:
            survey, diagnostics = self._compile(definition)
            if errors_in(diagnostics):
                raise FormDefinitionError(diagnostics)
            self._surveys[key] = survey
        return self._surveys[key]

    def _compile(self, definition: FormDef | VisitDef) -> tuple[Survey, list[Diagnostic]]:
        if isinstance(definition, VisitDef):
            return self._compile_visit(definition)
        return self._compile_form(definition)

    def _compile_visit(self, visit: VisitDef) -> tuple[Survey, list[Diagnostic]]:
        forms: list[FormDef] = []
        diags: list[Diagnostic] = []
        broken: set[str] = set()
        for ref in visit.sections:
            place = {"file": visit.source, "line": ref.line}
            try:
                form = self.definition(ref.form, ref.version)
            except FormDefinitionError as e:
                text = Text(
                    f"节 {ref.form} {ref.version} 无法使用",
                    f"section {ref.form} {ref.version} cannot be used",
                )
                diags += [error("bad_section", text, **place), *e.diagnostics]
                broken.add(ref.form)
                continue
            if not isinstance(form, FormDef):
                text = Text(f"{ref.form} 不是表单", f"{ref.form} is not a form")
                diags.append(error("bad_section", text, **place))
                broken.add(ref.form)
                continue
            missing = [u for u in form.uses if u not in {f.id for f in forms} | broken]
            if missing:
                names = ", ".join(missing)
                text = Text(
                    f"表单 {form.id} 用到的 {names} 应排在它之前",
                    f"form {form.id} uses {names}, which must come before it",
                )
                diags.append(error("uses_order", text, **place))
            forms.append(form)
        if broken or not forms:
            # a broken section is reported on its own; compiling the others without it would
            # only repeat it as unknown references everywhere
            return Survey(visit.id, visit.version, visit.title, "visit", forms), diags
        survey, more = compile_survey(
            forms, id=visit.id, version=visit.version, title=visit.title, kind="visit"
        )
        return survey, diags + more

    def _compile_form(self, form: FormDef) -> tuple[Survey, list[Diagnostic]]:
        used: list[FormDef] = []
        diags: list[Diagnostic] = []
        for u in form.uses:
            try:
                dep = self.definition(u)
            except FormDefinitionError:
                text = Text(
                    f"uses 中的表单 {u} 不存在或有误", f"form {u} in uses is missing or broken"
                )
                diags.append(error("unknown_uses", text, file=form.source))
                continue
            if isinstance(dep, FormDef):
                used.append(dep)
        if diags:
            return Survey(form.id, form.version, form.title, "form", [form]), diags
        survey, more = compile_survey([*used, form])
        return survey, diags + [d for d in more if d.file == form.source or d.file is None]

    # --- checking ------------------------------------------------------------------------------
    def check(self) -> list[Diagnostic]:
        """Every problem in the library: each file, each visit as a whole, each version."""
        diags: list[Diagnostic] = []
        in_visits: set[tuple[str, str]] = set()
        files = self.current_files() + self.archived_files()
        for path in files:
            loaded = self.load_file(path)
            diags.extend(loaded.diagnostics)
            diags.extend(self._placement(loaded))
        for path in files:
            loaded = self.load_file(path)
            d = loaded.definition
            if isinstance(d, VisitDef) and not errors_in(loaded.diagnostics):
                _, more = self._compile(d)
                diags.extend(more)
                in_visits |= {(s.form, s.version) for s in d.sections}
        for path in files:
            loaded = self.load_file(path)
            d = loaded.definition
            if (
                isinstance(d, FormDef)
                and (d.id, d.version) not in in_visits
                and not errors_in(loaded.diagnostics)
            ):
                _, more = self._compile(d)
                diags.extend(more)
        return _unique(diags)

    def check_file(self, path: Path) -> list[Diagnostic]:
        loaded = self.load_file(path)
        diags = list(loaded.diagnostics) + self._placement(loaded)
        if loaded.definition is not None and not errors_in(loaded.diagnostics):
            diags.extend(self._compile(loaded.definition)[1])
        return _unique(diags)

    def _placement(self, loaded: LoadedFile) -> list[Diagnostic]:
        d = loaded.definition
        if d is None:
            return []
        path = loaded.path
        if path.parent == self.root.resolve():
            if path.stem != d.id:
                return [
                    error(
                        "file_name",
                        Text(
                            f"文件名应为表单 id:{d.id}{path.suffix}",
                            f"the file name must be the form id: {d.id}{path.suffix}",
                        ),
                        file=loaded.shown,
                    )
                ]
            for suffix in SUFFIXES:
                if (self.root / d.id / f"{d.version}{suffix}").is_file():
                    return [
                        error(
                            "version_archived",
                            Text(
                                f"版本 {d.version} 已在归档中：修改表单时请提高版本号",
                                f"version {d.version} is already archived: raise the version when a form changes",
                            ),
                            file=loaded.shown,
                        )
                    ]
            return []
        if path.parent.name != d.id or path.stem != d.version:
            return [
                error(
                    "archive_name",
                    Text(
                        f"归档文件应为 {d.id}/{d.version}{path.suffix}",
                        f"an archived file must be {d.id}/{d.version}{path.suffix}",
                    ),
                    file=loaded.shown,
                )
            ]
        return []

    def entries(self) -> list[FormDef | VisitDef]:
        out = []
        for path in self.current_files():
            d = self.load_file(path).definition
            if d is not None:
                out.append(d)
        return out

    def versions(self, form_id: str) -> list[str]:
        found = []
        for path in self.archived_files():
            d = self.load_file(path).definition
            if d is not None and d.id == form_id:
                found.append(d.version)
        return found


def _stamp(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (0, 0)
    return (st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=256)
def _load_cached(path: Path, stamp: tuple[int, int], shown: str) -> LoadedFile:
    """A parsed form file; reread when the file changes (its time or size differ)."""
    data, diags = read_source(path, shown)
    definition = None
    if data is not None:
        definition, more = load_definition(data, shown)
        diags = diags + more
    return LoadedFile(path, shown, definition, diags)


def _unique(diags: list[Diagnostic]) -> list[Diagnostic]:
    seen: set[Diagnostic] = set()
    out = []
    for d in diags:
        if d not in seen:
            seen.add(d)
            out.append(d)
    return out


def library_for(path: Path) -> FormLibrary:
    """The library a file belongs to: its folder, or two up for an archived version."""
    path = path.resolve()
    if path.is_dir():
        return FormLibrary(path)
    parent = path.parent
    if any((parent.parent / f"{parent.name}{s}").is_file() for s in SUFFIXES):
        return FormLibrary(parent.parent)
    return FormLibrary(parent)
