"""The Gallery page: every image Keyhold made or received."""
