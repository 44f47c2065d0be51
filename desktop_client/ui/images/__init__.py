"""The Images page: generating and editing images with an OpenAI-compatible profile."""
