"""Charts inside Qt with pyqtgraph: bars a click can open, lines per series, a reference line.

pyqtgraph draws in a QGraphicsView, so the bundled CJK font and the offscreen platform work as
for every other widget. Colour is never the only signal: every chart has a title, labelled
ticks and, for series, a legend.

Bar labels are never cut: each is broken into lines that fit its bar's slot (``ui/label_wrap``),
again whenever the chart is resized, and the axis grows to hold them. Counts get whole-number
ticks (pyqtgraph would put a tick at 0.5 households).
"""

from __future__ import annotations

from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from fieldsurvey.ui.label_wrap import wrap_text

PALETTE = ("#3366aa", "#dd7733", "#4c9a4c", "#b3261e", "#8a5bb0", "#2a9d8f", "#a0813a", "#5f6368")
pg.setConfigOptions(antialias=True, background="w", foreground="#333333")


class Chart(QWidget):
    """A title over a plot; subclasses draw."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: bold;")
        self.plot = pg.PlotWidget()
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.showGrid(y=True, alpha=0.2)
        self.plot.setMinimumHeight(150)
        font = QFont(self.font())
        font.setPointSize(max(7, font.pointSize() - 2))
        self.tick_font = font
        for axis in ("bottom", "left"):
            self.plot.getAxis(axis).setTickFont(font)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.title)
        layout.addWidget(self.plot, 1)

    def set_title(self, text: str) -> None:
        self.title.setText(text)

    def set_value_ticks(self, top: float, whole: bool) -> None:
        """Left-axis ticks up to ``top``: whole numbers only for counts, pyqtgraph's own otherwise."""
        axis = self.plot.getAxis("left")
        if not whole:
            axis.setTicks(None)
            return
        step = whole_step(top)
        axis.setTicks([[(v, str(v)) for v in range(0, int(top) + step + 1, step)]])


class BarChart(Chart):
    """Bars with text ticks; ``bar_clicked(index)`` when a bar is clicked."""

    bar_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.values: list[float] = []
        self.labels: list[str] = []
        self.plot.scene().sigMouseClicked.connect(self._clicked)
        self.plot.setCursor(Qt.CursorShape.PointingHandCursor)

    def set_bars(
        self,
        labels: Sequence[str],
        values: Sequence[float],
        colours: Sequence[str] | None = None,
        reference: float | None = None,
        reference_label: str = "",
    ) -> None:
        self.plot.clear()
        self.values = [float(v) for v in values]
        xs = list(range(len(values)))
        brushes = [pg.mkBrush(colours[i] if colours else PALETTE[0]) for i in xs]
        if xs:
            self.plot.addItem(
                pg.BarGraphItem(
                    x=xs, height=self.values, width=0.6, brushes=brushes, pens=[None] * len(xs)
                )
            )
        self.labels = list(labels)
        self._label_ticks()
        top = max([*self.values, reference or 0, 1.0])
        self.set_value_ticks(top * 1.15, all(v.is_integer() for v in self.values))
        if reference is not None:
            line = pg.InfiniteLine(
                pos=reference, angle=0, pen=pg.mkPen("#b3261e", width=2, style=Qt.PenStyle.DashLine)
            )
            line.setToolTip(reference_label)
            self.plot.addItem(line)
        self.plot.setXRange(-0.6, max(len(xs), 1) - 0.4, padding=0)
        self.plot.setYRange(0, top * 1.15, padding=0)

    def _label_ticks(self) -> None:
        """Each label in lines as wide as its bar's slot, whole words kept together."""
        slot = int(self.plot.getViewBox().width() / max(len(self.labels), 1)) - 6
        if slot < 20:  # not laid out yet: a guess from the widget's width, redone on resize
            slot = int(max(self.plot.width() - 60, 200) / max(len(self.labels), 1)) - 6
        metrics = QFontMetrics(self.tick_font)
        self.plot.getAxis("bottom").setTicks(
            [[(i, wrap_text(label, metrics, slot)) for i, label in enumerate(self.labels)]]
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.labels:
            self._label_ticks()

    def _clicked(self, event: object) -> None:
        pos = self.plot.getViewBox().mapSceneToView(event.scenePos())  # type: ignore[attr-defined]
        index = round(pos.x())
        if (
            0 <= index < len(self.values)
            and abs(pos.x() - index) <= 0.3
            and 0 <= pos.y() <= max(self.values[index], 0)
        ):
            self.bar_clicked.emit(index)


class LineChart(Chart):
    """One line per series over text ticks, with a legend."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.legend = self.plot.addLegend(offset=(8, 5), labelTextSize="8pt")

    def set_series(
        self, ticks: Sequence[str], series: Sequence[tuple[str, Sequence[float]]]
    ) -> None:
        self.plot.clear()
        self.legend.clear()
        for i, (name, values) in enumerate(series):
            colour = PALETTE[i % len(PALETTE)]
            self.plot.plot(
                list(range(len(values))),
                list(values),
                pen=pg.mkPen(colour, width=2),
                name=name,
                symbol="o",
                symbolSize=5,
                symbolBrush=colour,
                symbolPen=None,
            )
        step = max(1, len(ticks) // 6)
        self.plot.getAxis("bottom").setTicks(
            [[(i, t) for i, t in enumerate(ticks) if i % step == 0]]
        )
        top = max([max(v, default=0) for _n, v in series] + [1])
        self.set_value_ticks(top * 1.15, all(float(x).is_integer() for _n, v in series for x in v))
        self.plot.setYRange(0, top * 1.15, padding=0)
        self.plot.setXRange(-0.3, max(len(ticks) - 1, 1) + 0.3, padding=0)


def whole_step(top: float, most: int = 6) -> int:
    """The step, 1, 2 or 5 times a power of ten, giving at most ``most`` ticks up to ``top``."""
    base = 1
    while True:
        for factor in (1, 2, 5):
            if top / (base * factor) <= most:
                return base * factor
        base *= 10
