"""``fieldsurvey forms``: check form definitions, list them, import an XLSForm.

A county author edits YAML forms or designs one in Excel as ODK and KoboToolbox users do;
``check`` says exactly where a definition is wrong (file, line, field, attribute, column) and
exits non-zero, ``import-xlsform`` converts a workbook and lists every XLSForm feature it could
not carry over, ``list`` shows the forms and versions a library holds.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text

if TYPE_CHECKING:
    from fieldsurvey.forms.diagnostics import Diagnostic

EXIT_PROBLEMS = 1


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "forms",
        help="check, list and import form definitions (XLSForm)",
        description=(
            "Forms are data in resources/forms/ (format: docs/forms.md). Check them after an edit, "
            "list what a folder holds, or convert an XLSForm workbook."
        ),
    )
    actions = p.add_subparsers(dest="forms_command", metavar="ACTION", required=True)

    check = actions.add_parser("check", help="validate form definitions; non-zero exit on errors")
    check.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="form files or folders (default: the shipped forms)",
    )
    check.add_argument("--quiet", action="store_true", help="print errors only, no warnings")
    check.set_defaults(handler=run_check)

    lst = actions.add_parser("list", help="list the forms and versions in a folder")
    lst.add_argument(
        "folder", nargs="?", type=Path, help="a forms folder (default: the shipped forms)"
    )
    lst.set_defaults(handler=run_list)

    imp = actions.add_parser(
        "import-xlsform", help="convert an XLSForm workbook into the project's format"
    )
    imp.add_argument("file", type=Path, metavar="FILE.xlsx")
    imp.add_argument(
        "--out",
        type=Path,
        metavar="PATH",
        help="where to write the form (default: <form id>.yaml beside the workbook)",
    )
    imp.add_argument(
        "--allow-unsupported",
        action="store_true",
        help="write the form without the unsupported features, listing what was dropped",
    )
    imp.add_argument("--force", action="store_true", help="overwrite PATH if it exists")
    imp.set_defaults(handler=run_import)

    exp = actions.add_parser(
        "export-xlsform", help="write a form as an XLSForm workbook (to edit it in Excel)"
    )
    exp.add_argument("file", type=Path, metavar="FORM.yaml")
    exp.add_argument(
        "--out", type=Path, metavar="PATH", help="the workbook (default: FORM.xlsx beside the form)"
    )
    exp.add_argument("--force", action="store_true", help="overwrite PATH if it exists")
    exp.set_defaults(handler=run_export)


def _print_diagnostic(d: Diagnostic) -> None:

    label = "错误 error" if d.is_error else "警告 warning"
    print(f"{label}: {d.message('en')}")
    print(f"    {d.message('zh')}")


def run_check(args: argparse.Namespace) -> int:
    from fieldsurvey.forms.library import FormLibrary, library_for  # late: --help stays instant

    paths: list[Path] = args.paths or [FormLibrary().root]
    diags: list[Diagnostic] = []
    files = 0
    for path in paths:
        if not path.exists():
            raise UserError(Text(f"找不到 {path}", f"{path} does not exist"), code="no_such_path")
        library = library_for(path)
        if path.is_dir():
            files += len(library.current_files()) + len(library.archived_files())
            diags.extend(library.check())
        else:
            files += 1
            diags.extend(library.check_file(path))
    errors = [d for d in diags if d.is_error]
    warnings = [d for d in diags if not d.is_error]
    for d in errors + ([] if args.quiet else warnings):
        _print_diagnostic(d)
    print(
        f"检查了{files}个文件：{len(errors)}个错误，{len(warnings)}个警告 "
        f"(checked {files} files: {len(errors)} errors, {len(warnings)} warnings)"
    )
    return EXIT_PROBLEMS if errors else 0


def run_list(args: argparse.Namespace) -> int:
    from fieldsurvey.forms.library import FormLibrary, display_path
    from fieldsurvey.forms.model import VisitDef

    library = FormLibrary(args.folder) if args.folder else FormLibrary()
    entries = library.entries()
    if not entries:
        print(f"{display_path(library.root)} 中没有表单 (no forms in {display_path(library.root)})")
        return 0
    for d in entries:
        kind = "走访 visit" if isinstance(d, VisitDef) else "表单 form"
        print(f"{d.id:<20} {d.version:<10} {kind:<10} {d.title.zh} / {d.title.en}")
        if isinstance(d, VisitDef):
            print("    " + " → ".join(f"{s.form}@{s.version}" for s in d.sections))
        old = library.versions(d.id)
        if old:
            print(f"    旧版本 older versions: {', '.join(sorted(old))}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from fieldsurvey.core.files import checked_size
    from fieldsurvey.forms.library import display_path
    from fieldsurvey.forms.xlsform_map import MAX_FILE, XLSFORM

    source: Path = args.file
    checked_size(source, MAX_FILE, XLSFORM)  # a folder, a device or a huge file: one sentence
    if args.out is not None:
        _refuse_overwrite(args.out, args.force)
    from fieldsurvey.forms.xlsform import convert_xlsform  # pyxform loads slowly: only when used

    conversion = convert_xlsform(source, allow_unsupported=args.allow_unsupported)
    form = conversion.form
    # named after the form id, so `forms check` accepts it where it is
    out: Path = args.out or source.parent / f"{form['id']}.yaml"
    for f in conversion.ignored:
        print(f"忽略 ignored: {f.message('en')}\n    {f.message('zh')}")
    for f in conversion.differences:
        print(f"与 ODK 不同 differs from ODK: {f.message('en')}\n    {f.message('zh')}")
    dropped = set(conversion.dropped)
    blocking = conversion.unsupported
    kept = [f for f in blocking if not (args.allow_unsupported and conversion.was_dropped(f))]
    for f in blocking:
        if f not in kept:
            print(f"已去除 dropped: {f.message('en')}\n    {f.message('zh')}")
    extra = sorted(dropped - {f.name for f in blocking})
    if extra:
        print(
            f"另因依赖被去除的字段 also dropped (they depend on dropped fields): {', '.join(extra)}"
        )
    if kept:
        for f in kept:
            print(f"不支持 unsupported: {f.message('en')}\n    {f.message('zh')}")
        if args.allow_unsupported:
            print(
                "未写出表单:以上问题无法通过去除字段解决。(The form was not written: these problems cannot be solved "
                "by leaving fields out.)"
            )
        else:
            print(
                "未写出表单。可用 --allow-unsupported 去除这些内容后写出。"
                " (The form was not written. Use --allow-unsupported to write the form without them.)"
            )
        return EXIT_PROBLEMS
    if args.out is None:
        _refuse_overwrite(out, args.force)
    _write_yaml(out, form, source)
    print(
        f"已写出 {display_path(out)}:表单 {form['id']} 版本 {form['version']} (wrote {display_path(out)}: "
        f"form {form['id']} version {form['version']})"
    )
    return 0


def run_export(args: argparse.Namespace) -> int:
    from fieldsurvey.forms.library import display_path
    from fieldsurvey.forms.xlsform_export import export_xlsform

    source: Path = args.file
    if not source.is_file():
        raise UserError(
            Text(f"找不到文件 {source}", f"{source} does not exist"), code="no_such_file"
        )
    out: Path = args.out or source.with_suffix(".xlsx")
    _refuse_overwrite(out, args.force)
    form = export_xlsform(source, out)
    print(
        f"已写出 {display_path(out)}:表单 {form['id']} 版本 {form['version']}；"
        f"用 import-xlsform 导回 (wrote {display_path(out)}: form {form['id']} version"
        f" {form['version']}; bring it back with import-xlsform)"
    )
    return 0


def _refuse_overwrite(out: Path, force: bool) -> None:
    if out.exists() and not force:
        raise UserError(
            Text(f"{out} 已存在(用 --force 覆盖)", f"{out} exists (use --force to overwrite)"),
            code="exists",
        )


def _write_yaml(out: Path, form: dict[str, Any], source: Path) -> None:
    import yaml

    header = f"# Imported from {source.name} by 'fieldsurvey forms import-xlsform'. Format: docs/forms.md\n"
    text = header + yaml.safe_dump(form, allow_unicode=True, sort_keys=False, width=100)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
