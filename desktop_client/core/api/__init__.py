"""Clients for the remote APIs (OpenAI-compatible, midjourney-proxy), over core.net."""
