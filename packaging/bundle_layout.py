"""What goes into the bundle: one list read by the spec, the build script and the fast tests.

Kept apart from the spec (which only PyInstaller can execute) so that a test can check without
building that every resource the app reads at run time is listed, and that Qt modules the app
never uses stay out (the bundle's size target is 250 MB; QML/Quick alone would add ~60 MB).
"""

from __future__ import annotations

import re

from fieldsurvey.cli import COMMAND_MODULES

APP_NAME = "FieldSurvey"  # the windowed executable (fieldsurvey/frozen.py reads the same names)
CLI_NAME = "fieldsurvey"  # its console twin

# (source relative to the repository, destination inside the bundle). The destinations are the
# layout of an installed wheel, so fieldsurvey.core.resources and Alembic find them unchanged.
DATA: list[tuple[str, str]] = [
    ("resources/codes", "fieldsurvey/resources/codes"),
    ("resources/demo", "fieldsurvey/resources/demo"),
    ("resources/divisions", "fieldsurvey/resources/divisions"),
    ("resources/fonts", "fieldsurvey/resources/fonts"),
    ("resources/forms", "fieldsurvey/resources/forms"),
    ("resources/help", "fieldsurvey/resources/help"),
    ("resources/i18n", "fieldsurvey/resources/i18n"),
    ("resources/policy", "fieldsurvey/resources/policy"),
    # Alembic reads migration scripts as files, not as imported modules.
    ("fieldsurvey/store/migrations", "fieldsurvey/store/migrations"),
    ("fieldsurvey/server/db/migrations", "fieldsurvey/server/db/migrations"),
]

# Imported by name at run time (importlib, runpy, uvicorn's string imports), which the analysis
# cannot see.
HIDDEN_IMPORTS: list[str] = [
    "fieldsurvey.__main__",  # `EXE -m fieldsurvey server run …` (the demo's county server)
    "fieldsurvey.commands.demo_fill",  # `EXE -m fieldsurvey.commands.demo_fill` (the demo's producer)
    *(
        f"fieldsurvey.commands.{name}"
        for name in (*COMMAND_MODULES, "ledger_run", "common")  # cli.py imports them by name
    ),
    "fieldsurvey.store.migrations.env",
    "fieldsurvey.server.db.migrations.env",
    "sqlcipher3",
    "sqlcipher3.dbapi2",
    "sqlalchemy.dialects.sqlite",
    "sqlalchemy.dialects.postgresql",
    "psycopg",
    "uvicorn.logging",
    "uvicorn.loops.auto",
    "uvicorn.protocols.http.auto",
    "uvicorn.protocols.websockets.auto",
    "uvicorn.lifespan.on",
    "_rl_accel",  # reportlab's C accelerator (the rl-accel package)
    "reportlab.graphics.barcode.qr",
    "reportlab.graphics.barcode.code128",
]

# Packages installed for development or by other tools that the app never imports.
EXCLUDES: list[str] = [
    "tkinter",
    "_tkinter",
    "IPython",
    "jupyter_client",
    "notebook",
    "matplotlib",
    "scipy",
    "pandas",
    "pytest",
    "_pytest",
    "pytestqt",
    "hypothesis",
    "schemathesis",
    "pypdfium2",
    "zxingcpp",
    "ruff",
    "PyQt5",
    "PyQt6",
    "PySide2",
    # Pulled in by optional paths of libraries (fastapi's CLI, pkg_resources, trio for anyio,
    # docutils) that FieldSurvey never takes. Pillow stays: reportlab.lib.utils imports it.
    "pygments",
    "rich",
    "typer",
    "fastapi_cli",
    "setuptools",
    "pkg_resources",
    "distutils",
    "pydoc_data",
    "trio",
    "docutils",
    "IPython",
    # HEIC decoding (pillow-heif, 24 MB of which 20 MB is the x265 encoder libheif links) would put
    # the bundle over its 250 MB budget; without it a HEIC photo is refused with a sentence saying
    # how to convert it (fieldsurvey/media/photos.py), as issue 18 allows. pip installs keep it.
    "pillow_heif",
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtQuickWidgets",
    "PySide6.QtQuick3D",
    "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets",
    "PySide6.QtWebChannel",
    "PySide6.Qt3DCore",
    "PySide6.QtCharts",
    "PySide6.QtDataVisualization",
    "PySide6.QtPdf",
    "PySide6.QtPdfWidgets",
    "PySide6.QtSql",
    "PySide6.QtTest",
    "PySide6.QtDesigner",
    "PySide6.QtHelp",
    "PySide6.QtUiTools",
    "PySide6.QtXml",
    "PySide6.QtNetworkAuth",
    "PySide6.QtBluetooth",
    "PySide6.QtPositioning",
    "PySide6.QtSensors",
    "PySide6.QtSerialPort",
    "PySide6.QtRemoteObjects",
    "PySide6.QtScxml",
    "PySide6.QtStateMachine",
    "PySide6.QtSpatialAudio",
    "PySide6.QtTextToSpeech",
    "PySide6.QtConcurrent",
    "PySide6.QtDBus",
    "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets",
    "PySide6.QtSvgWidgets",
    "pyqtgraph.opengl",
    "pyqtgraph.examples",
    "pyqtgraph.jupyter",
    "pyqtgraph.canvas",
    "pyqtgraph.flowchart",
    "pyqtgraph.console",
    "zstandard._cffi",
    "zstandard.backend_cffi",  # the C backend is the one used; cffi's is 12 MB more
]

# Qt libraries and plugin folders the app does not load. Matched on the bundle path. Qt Multimedia
# stays: the photo field's camera button uses it where the build machine's PySide6 has it
# (PySide6-Essentials alone does not, and then the button is absent, as in the pip install).
_UNUSED_QT = re.compile(
    r"(^|[/\\])(lib)?Qt6?(Qml|Quick|Pdf|VirtualKeyboard|Designer|WebEngine|3D|Charts|"
    r"DataVisualization|Sql|Test|Help|Positioning|Sensors|SerialPort|Bluetooth|RemoteObjects|"
    r"Scxml|StateMachine|SpatialAudio|TextToSpeech|ShaderTools|Location|Graphs)[A-Za-z]*[.]"
    # Embedded-device back ends (EGLFS, framebuffer, VNC): a laptop's desktop is X11 or Wayland.
    r"|(^|[/\\])(lib)?Qt6?(EglFSDeviceIntegration|EglFsKmsSupport|EglFsKmsGbmSupport)[.]"
    r"|[/\\]platforms[/\\](lib)?q(eglfs|linuxfb|minimalegl|vnc|vkkhrdisplay|bsdfb|directfb)[.]"
    r"|[/\\]plugins[/\\](egldeviceintegrations|generic)[/\\]"
    r"|[/\\]plugins[/\\](qmltooling|qmllint|designer|sqldrivers|virtualkeyboard|"
    r"wayland-graphics-integration-server|position|sensors|sceneparsers|geometryloaders|"
    r"renderers|renderplugins|texttospeech|assetimporters)[/\\]"
    r"|[/\\]qml[/\\]"
)


def unused_binary(dest: str) -> bool:
    return bool(_UNUSED_QT.search("/" + dest))


# Qt's own translations: the app loads qtbase_<language> for zh_CN and en (fieldsurvey/ui/i18n.py).
_QT_TRANSLATION = re.compile(r"PySide6[/\\]Qt[/\\]translations[/\\](?P<name>[^/\\]+)$")
_KEPT_TRANSLATION = re.compile(r"^qt(base)?_(zh_CN|en)\.qm$")


def unused_data(dest: str) -> bool:
    match = _QT_TRANSLATION.search(dest)
    if match:
        return not _KEPT_TRANSLATION.match(match["name"])
    return bool(_UNUSED_QT.search("/" + dest))


# Where a Debian-family system keeps its own libraries. On Linux the bundle does not carry
# copies of these (X11/xcb, fontconfig, GLib, OpenSSL…): the .deb depends on the packages that
# provide them (scripts/build_bundle.py finds them with ldd and dpkg -S), so the laptop's own,
# security-updated libraries are used, and a missing one is a dependency dpkg/apt installs, not
# a start-up crash. Libraries shipped inside Python wheels (Qt, ICU, OpenBLAS…) stay bundled.
SYSTEM_LIBRARY_DIRS = ("/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/", "/usr/lib32/")


def system_library(source: str) -> bool:
    return source.replace("\\", "/").startswith(SYSTEM_LIBRARY_DIRS)


def cli_exe_name(windows: bool) -> str:
    """The console twin's file name: ``fieldsurvey.com`` on Windows (``.com`` is found first)."""
    return CLI_NAME + ".com" if windows else CLI_NAME


def folder_name(version: str) -> str:
    """The bundle folder (and the archive's) name carries the version from pyproject.toml."""
    return f"FieldSurvey-{version}"
