"""Keyhold: a desktop client for OpenAI-compatible APIs and midjourney-proxy servers."""

__version__ = "0.1.0"
APP_NAME = "Keyhold"
