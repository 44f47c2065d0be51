"""PySide6 widgets, Qt models and delegates: thin async slots over the core services."""
