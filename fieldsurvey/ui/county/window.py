"""The county window: tabs for the county's state and work, refreshed from the server.

Which tabs appear follows the account's role, as the server reported it at sign-in: a
secretary signed in at the office sees the dashboard, households, conflicts and visits of their
own villages and the exports; county staff also see the batch inbox and the roster import;
admins also see administration. The server enforces the same rules on every call, so a hidden
tab is convenience, not protection. The whole window refreshes on F5; every few minutes every tab
but the one in front refreshes too (a half-written note or a selection is not lost).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTime, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget, QWidget

from fieldsurvey import __version__
from fieldsurvey.ui.county import labels
from fieldsurvey.ui.county.context import CountyContext
from fieldsurvey.ui.errors import open_log_folder
from fieldsurvey.ui.help import help_for
from fieldsurvey.ui.i18n import LANGUAGE_MENU_NAMES, language, set_language
from fieldsurvey.ui.widgets import Retranslating

REFRESH_MS = 3 * 60_000


class CountyWindow(Retranslating, QMainWindow):
    signed_out = Signal()

    def __init__(self, ctx: CountyContext) -> None:
        super().__init__()
        from fieldsurvey.ui.county.admin_page import AdminPage
        from fieldsurvey.ui.county.conflicts_page import ConflictsPage
        from fieldsurvey.ui.county.dashboard_page import DashboardPage
        from fieldsurvey.ui.county.exports_page import ExportsPage
        from fieldsurvey.ui.county.households_page import HouseholdsPage
        from fieldsurvey.ui.county.inbox_page import InboxPage
        from fieldsurvey.ui.county.roster_page import CountyRosterPage
        from fieldsurvey.ui.county.visits_page import VisitsPage

        self.ctx = ctx
        me = ctx.me
        self.resize(1366, 768)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.dashboard = DashboardPage(ctx)
        self.households = HouseholdsPage(ctx)
        self.inbox = InboxPage(ctx) if me.is_staff else None
        self.conflicts = ConflictsPage(ctx)
        self.visits = VisitsPage(ctx)
        self.roster = CountyRosterPage(ctx) if me.is_staff else None
        self.exports = ExportsPage(ctx)
        self.admin = AdminPage(ctx) if me.is_admin else None
        self.pages: list[QWidget] = [
            p
            for p in (
                self.dashboard,
                self.households,
                self.inbox,
                self.conflicts,
                self.visits,
                self.roster,
                self.exports,
                self.admin,
            )
            if p is not None
        ]
        for page in self.pages:
            self.tabs.addTab(page, "")
        self.setCentralWidget(self.tabs)
        self._lost = False
        ctx.session_lost.connect(self._session_lost)
        self.dashboard.open_list.connect(self.open_households)
        self.households.print_household.connect(self.exports.print_household)
        ctx.data_changed.connect(self._data_changed)

        self.user_label = QLabel()
        self.refreshed_label = QLabel()
        self.statusBar().addWidget(self.user_label)
        self.statusBar().addPermanentWidget(self.refreshed_label)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh_in_background)
        self._build_menus()
        self.retranslate()

    def _build_menus(self) -> None:
        self.act_refresh = QAction(self)
        self.act_refresh.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.act_refresh.triggered.connect(self.refresh)
        self.act_sign_out = QAction(self)
        self.act_sign_out.triggered.connect(self.sign_out)
        self.act_quit = QAction(self)
        self.act_quit.setShortcut(QKeySequence(QKeySequence.StandardKey.Quit))
        self.act_quit.triggered.connect(self.close)
        self.act_log = QAction(self)
        self.act_log.triggered.connect(open_log_folder)
        self.act_about = QAction(self)
        self.act_about.triggered.connect(self.about)
        for a in (self.act_refresh, self.act_quit):
            self.addAction(a)
        self.menu_file = self.menuBar().addMenu("")
        for a in (self.act_refresh, self.act_sign_out, self.act_quit):
            self.menu_file.addAction(a)
        self.menu_language = self.menuBar().addMenu("")
        group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for code, name in LANGUAGE_MENU_NAMES.items():
            a = QAction(name, self, checkable=True)
            a.setChecked(code == language())
            a.triggered.connect(lambda _c=False, code=code: self.set_language(code))
            group.addAction(a)
            self.menu_language.addAction(a)
            self.language_actions[code] = a
        self.menu_help = self.menuBar().addMenu("")
        self.act_guide = QAction(self)
        self.act_guide.triggered.connect(lambda: help_for(self.tabs.currentWidget()))
        self.menu_help.addAction(self.act_guide)
        self.menu_help.addSeparator()
        self.menu_help.addAction(self.act_log)
        self.menu_help.addAction(self.act_about)

    def retranslate(self) -> None:
        me = self.ctx.me
        self.setWindowTitle(
            self.tr("FieldSurvey county mode — %1").replace("%1", me.county_name or me.county)
        )
        names = {
            self.dashboard: self.tr("Dashboard"),
            self.households: self.tr("Households"),
            self.inbox: self.tr("Batch inbox"),
            self.conflicts: self.tr("Conflicts"),
            self.visits: self.tr("Visits to review"),
            self.roster: self.tr("Roster import"),
            self.exports: self.tr("Exports and printing"),
            self.admin: self.tr("Administration"),
        }
        for i, page in enumerate(self.pages):
            self.tabs.setTabText(i, names[page])
        self.menu_file.setTitle(self.tr("&File"))
        self.menu_language.setTitle(self.tr("&Language"))
        self.menu_help.setTitle(self.tr("&Help"))
        self.act_refresh.setText(self.tr("&Refresh from the server"))
        self.act_sign_out.setText(self.tr("&Sign out"))
        self.act_quit.setText(self.tr("&Quit"))
        self.act_log.setText(self.tr("Open &log folder"))
        self.act_guide.setText(self.tr("&User guide") + "\tF1")
        self.act_about.setText(self.tr("&About FieldSurvey"))
        self.user_label.setText(
            self.tr("Signed in as %1 (%2) at %3")
            .replace("%1", me.username)
            .replace("%2", labels.role(me.role))
            .replace("%3", self.ctx.client.server_url)
        )

    # -- refreshing --------------------------------------------------------------------------
    def start(self) -> None:
        self.show()
        self.refresh()
        self.timer.start()

    def refresh(self) -> None:
        for page in self.pages:
            page.refresh()  # type: ignore[attr-defined]
        self.refreshed_label.setText(
            self.tr("Refreshed at %1").replace("%1", QTime.currentTime().toString("HH:mm"))
        )

    def refresh_in_background(self) -> None:
        """The periodic refresh: every page but the one in front, whose selection and typing stay."""
        current = self.tabs.currentWidget()
        for page in self.pages:
            if page is not current or page is self.dashboard:
                page.refresh()  # type: ignore[attr-defined]
        self.refreshed_label.setText(
            self.tr("Refreshed at %1").replace("%1", QTime.currentTime().toString("HH:mm"))
        )

    def _data_changed(self, what: str) -> None:
        """A page changed something: the pages that show it reload (the dashboard always)."""
        self.dashboard.refresh()
        if what in ("registry", "conflicts"):
            self.households.refresh()
        if what == "registry" and self.admin is not None:
            self.admin.refresh()

    def open_households(self, f: dict, description: str) -> None:  # type: ignore[type-arg]
        self.households.show_filter(f, description)
        self.tabs.setCurrentWidget(self.households)

    # -- the rest ----------------------------------------------------------------------------
    def set_language(self, code: str) -> None:
        set_language(code)
        self.ctx.settings.set("language", code)

    def about(self) -> None:
        from fieldsurvey.ui.about import show_about

        self.about_box = show_about(
            self,
            self.tr("About FieldSurvey"),
            self.tr(
                "FieldSurvey %1 — county mode: batches, conflicts, dashboards, roster, exports and "
                "ledgers of the county, through the county server."
            ).replace("%1", __version__),
        )

    def _session_lost(self) -> None:
        """The server ended this session (an admin, the 12 hours, a disabled account): back to the sign-in, once."""
        if self._lost or not self.isVisible():
            return
        self._lost = True
        self.ctx.signed_out_because = self.tr(
            "You were signed out: an administrator ended your session, it expired, "
            "or your account was disabled. Sign in again."
        )
        self.sign_out()

    def sign_out(self) -> None:
        self.ctx.client.on_lost = None
        self.timer.stop()
        self.ctx.ops.run(lambda _env: self.ctx.client.sign_out(), name="sign out")
        self.ctx.ops.wait_idle(10)
        self.signed_out.emit()
        self.setAttribute(
            Qt.WidgetAttribute.WA_DeleteOnClose
        )  # its pages must not answer the next session's signals
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.timer.stop()
        super().closeEvent(event)
