"""The model list, in every shape servers send it."""

from __future__ import annotations


def parse_model_list(payload: object) -> list[str]:
    """``{"data": [...]}``; ``data`` may be null (Ollama) or missing (LiteLLM, vLLM with none)."""
    if not isinstance(payload, dict) or ("data" not in payload and payload.get("object") != "list"):
        raise ValueError("not a model list")
    data = payload.get("data")
    if data is None:
        return []
    if not isinstance(data, list):
        raise ValueError("data is not a list")
    return sorted({str(m.get("id")) for m in data if isinstance(m, dict) and m.get("id")})
