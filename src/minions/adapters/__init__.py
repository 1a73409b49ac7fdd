"""Stage 8, adapters: the registry of trained adapters (versioned) in the workspace catalog."""

from minions.adapters.registry import (
    check_adapter_name,
    default_folder,
    find_adapter,
    list_adapters,
    next_version,
    record_eval_scores,
    register_adapter,
    register_trained,
    remove_adapters,
    reserve_version,
    resolve_adapter,
    resumable_version,
)

__all__ = [
    "check_adapter_name",
    "default_folder",
    "find_adapter",
    "list_adapters",
    "next_version",
    "record_eval_scores",
    "register_adapter",
    "register_trained",
    "remove_adapters",
    "reserve_version",
    "resolve_adapter",
    "resumable_version",
]
