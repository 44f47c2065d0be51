"""Widgets shared by more than one feature page (feature packages never import each other)."""
