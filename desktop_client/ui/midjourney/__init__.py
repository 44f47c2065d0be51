"""Midjourney UI."""
