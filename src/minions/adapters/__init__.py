"""Stage 8, adapters: the registry of trained adapters in the workspace catalog."""

from minions.adapters.registry import find_adapter, list_adapters, register_adapter

__all__ = ["find_adapter", "list_adapters", "register_adapter"]
