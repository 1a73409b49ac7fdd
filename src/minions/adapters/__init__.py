"""Stage 8, adapters: the registry of trained adapters in the workspace catalog."""

from minions.adapters.registry import check_adapter_name, find_adapter, list_adapters, register_adapter

__all__ = ["check_adapter_name", "find_adapter", "list_adapters", "register_adapter"]
