"""Pieces of the Midjourney workspace: the image view, the strip of reference images, and
the small dialogs (images for describe/blend, a prompt for Custom Zoom or remix)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QMimeData, QSize, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QPainter, QPaintEvent, QPalette, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_client.core.images import sniff_image
from desktop_client.ui.i18n import Retranslatable, tr_args
from desktop_client.ui.imaging import load_scaled
from desktop_client.ui.qtutils import clear_layout, named
from desktop_client.ui.widgets.drop_strip import DropStrip

IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.webp *.gif)"


def images_from_mime(source: QMimeData) -> list[bytes]:
    """Dropped or pasted images: local files (only real images) or image data."""
    found: list[bytes] = []
    if source.hasUrls():
        for url in source.urls():
            if not url.isLocalFile():
                continue
            try:
                data = Path(url.toLocalFile()).read_bytes()
            except OSError:
                continue
            if sniff_image(data):
                found.append(data)
    elif source.hasImage():
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        source.imageData().save(buffer, "PNG")
        found.append(bytes(buffer.data().data()))
    return found


def pixmap_from_bytes(data: bytes, side: int) -> QPixmap:
    image = load_scaled(data, side)
    return QPixmap.fromImage(image) if image is not None else QPixmap()


class ImageView(QWidget):
    """An image scaled to fit, centred, with a line of text when there is none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pixmap = QPixmap()
        self._text = ""
        self.setMinimumSize(200, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_pixmap(self, pixmap: QPixmap | None) -> None:
        self._pixmap = pixmap if pixmap is not None else QPixmap()
        self.update()

    def pixmap(self) -> QPixmap:
        return self._pixmap

    def set_text(self, text: str) -> None:
        self._text = text
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.AlternateBase))
        if not self._pixmap.isNull():
            scaled = self._pixmap.scaled(
                self.size(), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
            painter.drawPixmap(
                (self.width() - scaled.width()) // 2, (self.height() - scaled.height()) // 2, scaled
            )
        elif self._text:
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(
                self.rect().adjusted(16, 16, -16, -16),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self._text,
            )
        painter.end()


class ImageStrip(Retranslatable, DropStrip):
    """A drop zone holding up to ``limit`` images (bytes) as removable thumbnails."""

    def __init__(self, limit: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.limit = limit
        self.images: list[bytes] = []
        self.retranslate()

    def retranslate(self) -> None:
        self._rebuild()  # the thumbnails' names and tooltips are words

    def set_hint(self, text: str) -> None:
        self.hint.setText(text)

    def add(self, images: list[bytes]) -> int:
        """Adds what fits; returns how many were left out."""
        room = max(0, self.limit - len(self.images))
        self.images.extend(images[:room])
        self._rebuild()
        self.changed.emit()
        return max(0, len(images) - room)

    def remove(self, index: int) -> None:
        del self.images[index]
        self._rebuild()
        self.changed.emit()

    def clear(self) -> None:
        self.images.clear()
        self._rebuild()
        self.changed.emit()

    def choose(self) -> None:
        dialog = QFileDialog(self, self.tr("Choose images"), "", IMAGE_FILTER)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)

        def chosen(paths: list[str]) -> None:
            images = []
            for path in paths:
                try:
                    data = Path(path).read_bytes()
                except OSError:
                    continue
                if sniff_image(data):
                    images.append(data)
            self.add(images)

        dialog.filesSelected.connect(chosen)
        dialog.open()

    def _rebuild(self) -> None:
        clear_layout(self.row, keep=(self.hint, self.add_btn))
        for index, data in enumerate(self.images):
            thumb = QToolButton()
            thumb.setIcon(pixmap_from_bytes(data, 96))
            thumb.setIconSize(QSize(44, 44))
            thumb.setToolTip(self.tr("Click to remove"))
            named(thumb, tr_args(self.tr("Remove image %1"), index + 1))
            thumb.clicked.connect(lambda _c=False, i=index: self.remove(i))
            self.row.addWidget(thumb)
        self.hint.setVisible(not self.images)
        self.row.addWidget(self.hint, 1)
        self.add_btn.setVisible(len(self.images) < self.limit)
        named(self.add_btn, self.tr("Add images"))
        self.row.addWidget(self.add_btn)
        if self.images:
            self.row.addStretch(1)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if mime.hasUrls() or mime.hasImage():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        images = images_from_mime(event.mimeData())
        if images:
            self.add(images)
            event.acceptProposedAction()


def open_dialog(dialog: QDialog, accepted: Callable[[], object]) -> QDialog:
    """Opened with open(), not exec() (a nested loop stalls qasync); deleted when closed."""
    named(dialog, dialog.windowTitle())
    dialog.accepted.connect(accepted)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog


class ImagesDialog(Retranslatable, QDialog):
    """Images for Describe (one) or Blend (two to five, with the dimensions)."""

    def __init__(self, minimum: int, maximum: int, blend: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.minimum = minimum
        self.strip = ImageStrip(maximum)
        self.strip.setMinimumHeight(72)
        self.text = QLabel()
        self.text.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.strip)
        self.dimensions = QButtonGroup(self)
        self.dimension_buttons: dict[str, QRadioButton] = {}
        if blend:
            row = QHBoxLayout()
            for key in ("PORTRAIT", "SQUARE", "LANDSCAPE"):
                button = QRadioButton()
                self.dimension_buttons[key] = button
                self.dimensions.addButton(button)
                row.addWidget(button)
            self.dimension_buttons["SQUARE"].setChecked(True)
            row.addStretch(1)
            layout.addLayout(row)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.strip.changed.connect(self._update)
        self.blend = blend
        self.retranslate()
        self._update()
        self.resize(520, 220)

    def retranslate(self) -> None:
        if self.blend:
            self.setWindowTitle(self.tr("Blend"))
            self.text.setText(
                self.tr("Drop 2 to 5 images here, or add them with +. Midjourney blends them into one.")
            )
            names = {
                "PORTRAIT": self.tr("Portrait (2:3)"),
                "SQUARE": self.tr("Square (1:1)"),
                "LANDSCAPE": self.tr("Landscape (3:2)"),
            }
            for key, button in self.dimension_buttons.items():
                button.setText(names[key])
                named(button, names[key])
        else:
            self.setWindowTitle(self.tr("Describe"))
            self.text.setText(
                self.tr("Drop an image here, or add it with +. Midjourney writes four prompts for it.")
            )
        self.strip.set_hint(self.tr("Drop images here"))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Blend") if self.blend else self.tr("Describe"))
        named(ok, ok.text())
        named(self.strip, self.tr("Images"))

    def _update(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(len(self.strip.images) >= self.minimum)

    def images(self) -> list[bytes]:
        return list(self.strip.images)

    def chosen_dimensions(self) -> str:
        for key, button in self.dimension_buttons.items():
            if button.isChecked():
                return key
        return "SQUARE"


class PromptDialog(QDialog):
    """The prompt for a button that asks for one (Custom Zoom, or any button on remix)."""

    def __init__(self, title: str, text: str, prompt: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        label = QLabel(text)
        label.setWordWrap(True)
        self.edit = QPlainTextEdit(prompt)
        named(self.edit, title)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.edit)
        layout.addWidget(self.buttons)
        self.resize(520, 220)

    def prompt(self) -> str:
        return self.edit.toPlainText().strip()


class LinkButton(QPushButton):
    """A flat button for secondary actions under the image."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFlat(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
