"""Stage 1, collect: read repositories (git checkouts or plain folders) into `SourceFile`s."""

from minions.sources.collect import collect, load_snapshot, write_snapshot

__all__ = ["collect", "load_snapshot", "write_snapshot"]
