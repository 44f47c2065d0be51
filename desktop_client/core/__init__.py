"""Qt-free core: API clients, storage, secret store, services, settings and errors.

Nothing below this package may import PySide6, qasync or ``desktop_client.ui``
(enforced by import-linter, see pyproject.toml).
"""
