"""The main window: the unlock screen, then the household list with tabs for households and visits.

The window owns the tabs and the menus; screens ask it (by signals) to open a household, a visit
editor or a printer. Locking (File → Lock, or idle time) asks open visit editors to save, queues
the store's close behind those saves on the single worker, drops every tab and the list (no
personal data stays on screen or in models), and shows the unlock screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QDialog, QLabel, QMainWindow, QStackedWidget, QTabWidget, QWidget

from fieldsurvey import __version__
from fieldsurvey.core.household import Household
from fieldsurvey.ui import ledger_print, ops, visit_host
from fieldsurvey.ui.context import AppContext, Profile
from fieldsurvey.ui.errors import open_log_folder, show_error
from fieldsurvey.ui.household_list_page import HouseholdListPage
from fieldsurvey.ui.household_view import HouseholdView
from fieldsurvey.ui.idle import IdleWatcher
from fieldsurvey.ui.unlock import UnlockPage
from fieldsurvey.ui.widgets import Retranslating

if TYPE_CHECKING:
    from fieldsurvey.app.assessments import Reassessed

PAGE_UNLOCK, PAGE_WORK = 0, 1


class MainWindow(Retranslating, QMainWindow):
    def __init__(self, ctx: AppContext, passphrase_hint: str | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.resize(1280, 800)
        self.stack = QStackedWidget()
        self.unlock_page = UnlockPage(ctx, passphrase_hint)
        self.unlock_page.unlocked.connect(self._unlocked)
        self.tabs = QTabWidget()
        self.tabs.setTabsClosable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.list_page = HouseholdListPage(ctx)
        self.list_page.open_household.connect(self.open_household)
        self.list_page.counts_changed.connect(self._counts)
        self.tabs.addTab(self.list_page, "")
        self.tabs.tabBar().setTabButton(0, self.tabs.tabBar().ButtonPosition.RightSide, None)  # type: ignore[arg-type]
        self.stack.addWidget(self.unlock_page)
        self.stack.addWidget(self.tabs)
        self.setCentralWidget(self.stack)

        self.count_label = QLabel()
        self.user_label = QLabel()
        self.busy_label = QLabel()
        self.statusBar().addWidget(self.count_label)
        self.statusBar().addPermanentWidget(self.busy_label)
        self.statusBar().addPermanentWidget(self.user_label)
        ctx.ops.busy_changed.connect(self._busy)
        ctx.profile_changed.connect(self._profile_shown)

        self.idle = IdleWatcher(ctx.settings.auto_lock_minutes * 60_000, self)
        self.idle.idle.connect(self.lock)
        self._build_actions()
        self._build_menus()
        self._set_locked_ui(True)
        self.retranslate()

    # -- actions and menus ------------------------------------------------------------------
    def _action(
        self, slot, shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None
    ) -> QAction:  # type: ignore[no-untyped-def]
        a = QAction(self)
        if isinstance(shortcut, QKeySequence.StandardKey):
            a.setShortcuts(shortcut)  # every binding of the platform (Close is Ctrl+F4 and Ctrl+W)
        elif shortcut is not None:
            a.setShortcut(QKeySequence(shortcut))
        a.triggered.connect(slot)
        self.addAction(a)  # shortcuts work even when the menu bar is hidden
        return a

    def _build_actions(self) -> None:
        s = QKeySequence.StandardKey
        self.act_new_household = self._action(self.new_household, "Ctrl+Shift+N")
        self.act_import = self._action(self.import_roster)
        self.act_print_village = self._action(self.print_village)
        self.act_reassess = self._action(self.reassess_all)
        self.act_settings = self._action(self.open_settings, s.Preferences)
        self.act_lock = self._action(self.lock, "Ctrl+L")
        self.act_quit = self._action(self.close, s.Quit)
        self.act_find = self._action(self.focus_search, s.Find)
        self.act_save = self._action(self.save_current, s.Save)
        self.act_print = self._action(self.print_current, s.Print)
        self.act_new_visit = self._action(self.new_visit_current, "Ctrl+N")
        self.act_member = self._action(self.member_change_current)
        self.act_close_tab = self._action(self.close_current_tab, s.Close)
        self.act_escape = self._action(self.escape, "Esc")
        self.act_escape.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.act_guide = self._action(
            self.open_guide
        )  # F1 itself: ui/help.py's HelpKey, on every screen
        self.act_log = self._action(open_log_folder)
        self.act_about = self._action(self.about)
        self.act_sync = self._action(self.open_sync)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.menu_file = bar.addMenu("")
        for a in (
            self.act_new_household,
            self.act_import,
            self.act_reassess,
            self.act_print_village,
        ):
            self.menu_file.addAction(a)
        self.menu_file.addSeparator()
        for a in (self.act_settings, self.act_lock, self.act_quit):
            self.menu_file.addAction(a)
        self.menu_household = bar.addMenu("")
        for a in (
            self.act_find,
            self.act_new_visit,
            self.act_save,
            self.act_print,
            self.act_member,
            self.act_close_tab,
        ):
            self.menu_household.addAction(a)
        self.menu_sync = bar.addMenu("")
        self.menu_sync.addAction(self.act_sync)
        self.menu_help = bar.addMenu("")
        self.menu_help.addAction(self.act_guide)
        self.menu_help.addSeparator()
        self.menu_help.addAction(self.act_log)
        self.menu_help.addAction(self.act_about)

    def open_guide(self) -> None:
        """Help › User guide: the part of the screen in front (as F1)."""
        from fieldsurvey.ui.help import help_for

        help_for(
            self.tabs.currentWidget()
            if self.stack.currentWidget() is self.tabs
            else self.unlock_page
        )

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("FieldSurvey household visits"))
        self.act_guide.setText(self.tr("&User guide") + "\tF1")
        self.menu_file.setTitle(self.tr("&File"))
        self.menu_household.setTitle(self.tr("H&ousehold"))
        self.menu_help.setTitle(self.tr("&Help"))
        self.menu_sync.setTitle(self.tr("S&ync"))
        self.act_sync.setText(self.tr("&Sync with the county server…"))
        texts = {
            self.act_new_household: self.tr("&New household…"),
            self.act_import: self.tr("&Import roster…"),
            self.act_print_village: self.tr("Print &village ledgers…"),
            self.act_reassess: self.tr("&Re-assess all households"),
            self.act_settings: self.tr("&Settings…"),
            self.act_lock: self.tr("&Lock"),
            self.act_quit: self.tr("&Quit"),
            self.act_find: self.tr("&Find household"),
            self.act_new_visit: self.tr("New &visit"),
            self.act_save: self.tr("&Save draft"),
            self.act_print: self.tr("&Print ledger…"),
            self.act_member: self.tr("&Member change…"),
            self.act_close_tab: self.tr("&Close tab"),
            self.act_log: self.tr("Open &log folder"),
            self.act_about: self.tr("&About FieldSurvey"),
        }
        for action, text in texts.items():
            action.setText(text)
        self.tabs.setTabText(0, self.tr("Households"))
        self._profile_shown()

    # -- lock and unlock --------------------------------------------------------------------
    def _set_locked_ui(self, locked: bool) -> None:
        self.stack.setCurrentIndex(PAGE_UNLOCK if locked else PAGE_WORK)
        for a in (
            self.act_new_household,
            self.act_import,
            self.act_print_village,
            self.act_reassess,
            self.act_lock,
            self.act_find,
            self.act_save,
            self.act_print,
            self.act_new_visit,
            self.act_member,
            self.act_close_tab,
            self.act_sync,
        ):
            a.setEnabled(not locked)
        self.menu_household.setEnabled(not locked)
        self.count_label.setVisible(not locked)

    def _unlocked(self, profile: Profile, used_recovery_key: bool) -> None:
        self.ctx.is_unlocked = True
        self.ctx.set_profile(profile)
        self._set_locked_ui(False)
        self.list_page.reload()
        self.ctx.ops.run(ops.warm_up_editor, name="warm up editor")  # queued after the list
        self.list_page.focus_search()
        self.idle.set_timeout_ms(self.ctx.settings.auto_lock_minutes * 60_000)
        self.idle.start()
        self.ctx.unlocked.emit()
        if used_recovery_key:
            QTimer.singleShot(0, self._after_recovery)

    def show_unlocked(self, profile: Profile) -> None:
        """Enter the workspace with a store that is already open (after the setup assistant)."""
        self._unlocked(profile, False)

    def _after_recovery(self) -> None:
        from fieldsurvey.ui.settings_dialog import ChangePassphraseDialog

        dialog = ChangePassphraseDialog(
            self.ctx,
            self,
            require_current=False,
            intro=self.tr(
                "You opened the data with the recovery key. Please set a new passphrase now."
            ),
        )
        dialog.changed.connect(
            lambda: self.statusBar().showMessage(self.tr("The new passphrase is set."), 8000)
        )
        dialog.open()

    def lock(self) -> None:
        if not self.ctx.is_unlocked:
            return
        self.idle.stop()
        self.ctx.about_to_lock.emit()
        for editor in self._editors():
            editor.flush()
        for dialog in self.findChildren(QDialog):  # they may show names and ID numbers
            if dialog.isVisible():
                dialog.reject()
        while self.tabs.count() > 1:
            self._remove_tab(1)
        self.ctx.ops.run(ops.lock, name="lock")
        self.ctx.is_unlocked = False
        self.list_page.clear_filters()
        self.list_page.model.set_index(_empty_index())
        self.ctx.set_profile(Profile())
        self.unlock_page.reset()
        self._set_locked_ui(True)
        self.ctx.locked.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.idle.stop()
        for editor in self._editors():
            editor.flush()
        self.ctx.ops.run(ops.lock, name="lock at exit")
        self.ctx.ops.wait_idle(30)
        event.accept()

    # -- tabs -------------------------------------------------------------------------------
    def _editors(self) -> list[visit_host.VisitEditorTab]:
        tabs = (visit_host.as_editor(self.tabs.widget(i)) for i in range(1, self.tabs.count()))
        return [e for e in tabs if e is not None]

    def _find_tab(self, predicate) -> int:  # type: ignore[no-untyped-def]
        for i in range(1, self.tabs.count()):
            if predicate(self.tabs.widget(i)):
                return i
        return -1

    def _add_tab(self, widget: QWidget, title: str) -> None:
        i = self.tabs.addTab(widget, title)
        widget.windowTitleChanged.connect(lambda text, w=widget: self._retitle(w, text))
        self.tabs.setCurrentIndex(i)

    def _retitle(self, widget: QWidget, text: str) -> None:
        i = self.tabs.indexOf(widget)
        if i > 0:
            self.tabs.setTabText(i, text)

    def open_household(self, household_id: str) -> HouseholdView:
        i = self._find_tab(
            lambda w: isinstance(w, HouseholdView) and w.household_id == household_id
        )
        if i > 0:
            self.tabs.setCurrentIndex(i)
            return self.tabs.widget(i)  # type: ignore[return-value]
        view = HouseholdView(self.ctx, household_id)
        view.new_visit_requested.connect(lambda hid: self.open_visit(hid, None))
        view.open_visit_requested.connect(self.open_visit)
        view.amend_requested.connect(self.amend_visit)
        view.print_requested.connect(self.print_household)
        view.member_change_requested.connect(self.member_change)
        self._add_tab(view, view.window_title())
        return view

    def open_visit(self, household_id: str, visit_id: str | None) -> QWidget | None:
        if visit_id is not None:
            i = self._find_tab(
                lambda w: (e := visit_host.as_editor(w)) is not None and e.visit_id() == visit_id
            )
            if i > 0:
                self.tabs.setCurrentIndex(i)
                return self.tabs.widget(i)
        try:
            editor = visit_host.open_visit_editor(self, self.ctx, household_id, visit_id)
        except Exception as e:
            show_error(self, e, "open visit editor")
            return None
        tab = visit_host.as_editor(editor)
        assert tab is not None, "the visit package's editor keeps the VisitEditorTab protocol"
        tab.visit_finalized.connect(lambda _vid, hid=household_id: self._visit_finalized(hid))
        self._add_tab(editor, editor.windowTitle() or self.tr("Visit"))
        return editor

    def _visit_finalized(self, household_id: str) -> None:
        self.statusBar().showMessage(self.tr("Visit finalized and saved."), 5000)

    def close_tab(self, index: int) -> None:
        if index <= 0:
            return
        if (editor := visit_host.as_editor(self.tabs.widget(index))) is not None:
            editor.flush()
        self._remove_tab(index)

    def _remove_tab(self, index: int) -> None:
        widget = self.tabs.widget(index)
        self.tabs.removeTab(index)
        if widget is not None:
            widget.deleteLater()

    def close_current_tab(self) -> None:
        self.close_tab(self.tabs.currentIndex())

    def escape(self) -> None:
        """Esc closes the current household or visit tab (the list stays), unless a visit editor
        uses the key itself: Esc in one of its fields never closes the visit."""
        if self.stack.currentIndex() == PAGE_WORK and self.tabs.currentIndex() > 0:
            editor = visit_host.as_editor(self.tabs.currentWidget())
            if editor is not None and editor.escape():
                return
            self.close_current_tab()

    def current_household_id(self) -> str | None:
        w = self.tabs.currentWidget()
        if isinstance(w, HouseholdView):
            return w.household_id
        if w is self.list_page:
            return self.list_page.current_household_id()
        editor = visit_host.as_editor(w)
        return editor.household_id if editor is not None else None

    # -- commands ---------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.list_page.focus_search()

    def save_current(self) -> None:
        if (editor := visit_host.as_editor(self.tabs.currentWidget())) is not None:
            editor.save_shortcut()

    def print_current(self) -> None:
        hid = self.current_household_id()
        if hid:
            self.print_household(hid)

    def new_visit_current(self) -> None:
        hid = self.current_household_id()
        if hid:
            self.open_visit(hid, None)

    def member_change_current(self) -> None:
        w = self.tabs.currentWidget()
        if isinstance(w, HouseholdView) and w.bundle is not None:
            self.member_change(w.bundle.household)
        elif w is self.list_page and (hid := self.current_household_id()) is not None:
            self.open_household(hid)  # the change is made from the household's own page

    def print_household(self, household_id: str) -> None:
        i = self._find_tab(
            lambda w: isinstance(w, HouseholdView) and w.household_id == household_id
        )
        view = self.tabs.widget(i) if i > 0 else None
        number = (
            view.bundle.household.household_no
            if isinstance(view, HouseholdView) and view.bundle
            else None
        )
        if number is None:
            summary = next(
                (
                    s
                    for s in (
                        self.list_page.model.index_data.rows
                        if self.list_page.model.index_data
                        else []
                    )
                    if s.household_id == household_id
                ),
                None,
            )
            number = summary.household_no if summary else None
        ledger_print.print_household(self, self.ctx, household_id, number)

    def print_village(self) -> None:
        ledger_print.print_village(self, self.ctx, self.list_page.filter_state().village)

    def amend_visit(self, household_id: str, visit_id: str) -> None:
        from fieldsurvey.ui.dialogs import AmendmentDialog

        dialog = AmendmentDialog(self)

        def amend(reason: str) -> None:
            self.ctx.ops.run(
                ops.amend_visit(visit_id, reason, self.ctx.profile.visitor),
                owner=self,
                on_done=lambda draft: self.open_visit(household_id, draft.visit_id),
                name="amend visit",
            )

        dialog.reason_given.connect(amend)
        dialog.open()

    def member_change(self, household: Household) -> None:
        from fieldsurvey.ui.member_change import MemberChangeDialog

        MemberChangeDialog(self.ctx, household, self).open()

    def new_household(self) -> None:
        from fieldsurvey.ui.new_household import NewHouseholdDialog

        dialog = NewHouseholdDialog(self.ctx, self.list_page.model.index_data, self)
        dialog.created.connect(self.open_household)
        dialog.open()

    def import_roster(self) -> None:
        from fieldsurvey.ui.roster_dialog import RosterImportDialog

        RosterImportDialog(self.ctx, self).open()

    def reassess_all(self) -> None:
        """Recompute every household's flags from its records (after new policy tables)."""

        def done(result: Reassessed) -> None:
            text = self.tr("Re-assessed %1 households.").replace("%1", str(result.assessed))
            if result.cancelled:
                text += " " + self.tr("Stopped before the end; run it again to finish.")
            self.statusBar().showMessage(text, 10000)

        self.ctx.ops.run_long(
            ops.reassess_all, parent=self, title=self.tr("Assessing all households…"), on_done=done
        )

    def open_settings(self) -> None:
        from fieldsurvey.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.ctx, self)
        dialog.auto_lock_changed.connect(lambda minutes: self.idle.set_timeout_ms(minutes * 60_000))
        dialog.open()

    def open_sync(self) -> None:
        from fieldsurvey.ui.sync_panel import open_sync_panel  # the sync stack loads on first use

        open_sync_panel(self, self.ctx)

    def about(self) -> None:
        from fieldsurvey.ui.about import show_about

        self.about_box = show_about(
            self,
            self.tr("About FieldSurvey"),
            self.tr(
                "FieldSurvey %1 — offline household visits for village first secretaries.\nData folder: %2"
            )
            .replace("%1", __version__)
            .replace("%2", str(self.ctx.data_dir)),
        )

    # -- status bar -------------------------------------------------------------------------
    def _counts(self, shown: int, total: int) -> None:
        self.count_label.setText(self.list_page.count_text)

    def _busy(self, busy: bool) -> None:
        self.busy_label.setText(self.tr("Working…") if busy else "")

    def _profile_shown(self) -> None:
        p = self.ctx.profile
        parts = [x for x in (p.county_name, p.visitor) if x]
        self.user_label.setText(" · ".join(parts))


def _empty_index():  # type: ignore[no-untyped-def]
    from fieldsurvey.ui.household_list import HouseholdIndex

    return HouseholdIndex([], {})
