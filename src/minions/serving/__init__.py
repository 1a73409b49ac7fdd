"""Stage 10, serving: an OpenAI-compatible HTTP API for a base model and its adapters."""
