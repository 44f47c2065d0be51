"""Keyhold: a desktop client for OpenAI-compatible APIs and midjourney-proxy servers."""

import sys

__version__ = "0.1.0"
APP_NAME = "Keyhold"

# httpx imports its command-line tool (click, rich and pygments' console parts) whenever they are
# installed, adding about 50 ms to the moment Keyhold first talks to a server; httpx carries on
# without it when the import fails, and Keyhold never uses it.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
