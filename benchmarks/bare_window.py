"""Baseline for benchmarks/startup.py: the barest PySide6 window, measured the same way."""

from __future__ import annotations

import sys

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from desktop_client.core.sysinfo import rss_bytes


class Probe(QObject):
    # Mirrors desktop_client.app._FirstPaintProbe; importing that would load Keyhold into the baseline.
    def __init__(self, target: QObject) -> None:
        super().__init__(target)
        self.seen = False
        target.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self.seen:
            self.seen = True
            print("first-paint", flush=True)
            QTimer.singleShot(2000, self.report)
        return False

    def report(self) -> None:
        print(f"idle-rss {rss_bytes()}", flush=True)
        QApplication.quit()


def main() -> int:
    app = QApplication(sys.argv)
    window = QMainWindow()
    window.setCentralWidget(QLabel("bare window"))
    window.resize(1100, 720)
    Probe(window)
    window.show()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
