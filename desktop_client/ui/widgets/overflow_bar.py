"""A row of buttons that never squeezes or clips them: they keep their natural width, wrap to at
most ``rows`` rows, and those that do not fit go, in the same order, into a More (⋯) menu at the
end of the last row.

The buttons stay the owners' objects (their signals, their words): the menu is filled from the
overflowed buttons each time it opens, and choosing an entry clicks the button. Tab reaches every
shown button and the More button; the menu's entries carry the buttons' words for screen readers."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtWidgets import QAbstractButton, QMenu, QSizePolicy, QToolButton, QWidget

from desktop_client.ui.i18n import Retranslatable
from desktop_client.ui.qtutils import named

_RESIZING = (QEvent.Type.Polish, QEvent.Type.StyleChange, QEvent.Type.FontChange, QEvent.Type.LayoutRequest)


class OverflowBar(Retranslatable, QWidget):
    def __init__(self, rows: int = 1, spacing: int = 6, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows = max(1, rows)
        self.spacing = spacing
        self._buttons: list[QAbstractButton] = []
        self._hidden: set[int] = set()  # id() of the buttons their owner hides
        self._overflow: list[QAbstractButton] = []
        self.more_btn = QToolButton(self)
        self.more_btn.setText("⋯")
        self.more_btn.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.more_btn.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.more_btn.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.menu = QMenu(self.more_btn)
        self.menu.aboutToShow.connect(self.fill_menu)
        self.more_btn.setMenu(self.menu)
        self.more_btn.setVisible(False)
        self._replan = QTimer(self)
        self._replan.setSingleShot(True)
        self._replan.setInterval(0)
        self._replan.timeout.connect(self._changed)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.retranslate()

    def retranslate(self) -> None:
        named(self.more_btn, self.tr("More actions"))
        self.more_btn.setToolTip(self.tr("More actions"))

    # ----- the buttons --------------------------------------------------------------------
    def add(self, button: QAbstractButton) -> QAbstractButton:
        button.setParent(self)
        button.installEventFilter(self)
        self._buttons.append(button)
        self._changed()
        return button

    def clear(self) -> None:
        """Removes and deletes every button."""
        for button in self._buttons:
            button.setParent(None)
            button.deleteLater()
        self._buttons = []
        self._hidden.clear()
        self._changed()

    def buttons(self) -> list[QAbstractButton]:
        return list(self._buttons)

    def set_shown(self, button: QAbstractButton, shown: bool) -> None:
        """The owner's say: a hidden button is neither in the row nor in the menu."""
        if shown:
            self._hidden.discard(id(button))
        else:
            self._hidden.add(id(button))
        self._changed()

    def is_shown(self, button: QAbstractButton) -> bool:
        """Offered to the user, in the row or in the menu."""
        return id(button) not in self._hidden

    def overflowed(self) -> list[QAbstractButton]:
        """The buttons in the More menu, in order."""
        return list(self._overflow)

    def fill_menu(self) -> None:
        self.menu.clear()
        for button in self._overflow:
            if isinstance(button, QToolButton) and button.menu() is not None:
                # A button that opens a menu (Export ▸ Markdown, JSON) becomes a submenu.
                submenu = self.menu.addMenu(button.text().replace("&", "&&"))
                submenu.setEnabled(button.isEnabled())
                submenu.addActions(button.menu().actions())
                continue
            action = self.menu.addAction(button.text().replace("&", "&&"))
            action.setToolTip(button.toolTip())
            action.setEnabled(button.isEnabled())
            if button.isCheckable():
                action.setCheckable(True)
                action.setChecked(button.isChecked())
            action.triggered.connect(lambda _checked=False, b=button: b.click())

    # ----- laying out ---------------------------------------------------------------------
    def _wanted(self) -> list[QAbstractButton]:
        return [b for b in self._buttons if id(b) not in self._hidden]

    def _place(self, sizes: list[QSize], width: int) -> list[QRect] | None:
        """Each size's place, left to right in at most ``rows`` rows, or None if they do not fit."""
        row_height = max((s.height() for s in sizes), default=0)
        places, x, row = [], 0, 0
        for size in sizes:
            if x > 0 and x + size.width() > width:
                x, row = 0, row + 1
            if row >= self.rows or size.width() > width:
                return None
            places.append(QRect(QPoint(x, row * (row_height + self.spacing)), QSize(size.width(), row_height)))
            x += size.width() + self.spacing
        return places

    def _plan(self, width: int) -> tuple[int, list[QRect]]:
        """How many buttons stay in the row, and the places of those and (if any left) the More button."""
        wanted = self._wanted()
        sizes = [b.sizeHint() for b in wanted]
        places = self._place(sizes, width)
        if places is not None:
            return len(wanted), places
        more = self.more_btn.sizeHint()
        for kept in range(len(wanted) - 1, -1, -1):
            places = self._place([*sizes[:kept], more], width)
            if places is not None:
                return kept, places
        return 0, [QRect(QPoint(0, 0), more)]

    def _changed(self) -> None:
        self.updateGeometry()
        self._apply()

    def _apply(self) -> None:
        wanted = self._wanted()
        kept, places = self._plan(self.width())
        self._overflow = wanted[kept:]
        for button in self._buttons:
            if id(button) in self._hidden or button in self._overflow:
                button.setVisible(False)
        for button, place in zip(wanted[:kept], places, strict=False):
            button.setGeometry(place)
            button.setVisible(True)
        self.more_btn.setVisible(bool(self._overflow))
        if self._overflow:
            self.more_btn.setGeometry(places[-1])
        self.more_btn.setToolTip(
            "\n".join([self.tr("More actions"), *(b.text() for b in self._overflow)]) if self._overflow else ""
        )

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        places = self._plan(width)[1]
        return max((p.bottom() + 1 for p in places), default=0)

    def sizeHint(self) -> QSize:
        sizes = [b.sizeHint() for b in self._wanted()]
        width = sum(s.width() for s in sizes) + self.spacing * max(0, len(sizes) - 1)
        return QSize(width, max((s.height() for s in sizes), default=0))

    def minimumSizeHint(self) -> QSize:
        more = self.more_btn.sizeHint()
        return QSize(more.width(), more.height() if self._wanted() else 0)

    def resizeEvent(self, event: object) -> None:
        self._apply()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # A button's size changes with its style sheet, font or words, outside any layout that
        # would tell this bar: plan again once the event loop turns (once for many buttons).
        if event.type() in _RESIZING and not self._replan.isActive():
            self._replan.start()
        return super().eventFilter(watched, event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            # A button's words changed (a new language): its width did too.
            self.updateGeometry()
            self._apply()
        return super().event(event)
