"""Read a dataset's split files back, in any form `minions build` writes (training and evaluation)."""

from __future__ import annotations

from pathlib import Path

from minions.errors import UserError
from minions.workspace import read_json_objects


def load_records(path: Path) -> list[dict]:
    """Instruction records of a split file, in any format `minions build` writes: alpaca
    (instruction, input, output) or chat (`messages`: system, user, assistant), both read into the
    alpaca keys (a chat record's system turn kept as `system`). A malformed line is a UserError naming it."""
    records = []
    for i, row in read_json_objects(path):
        record = _from_chat(row) if "messages" in row else row
        if record is None or not all(isinstance(record.get(k), str) for k in ("instruction", "output")):
            raise UserError(
                f"{path} line {i} is not an instruction record (needs 'instruction' and 'output', or 'messages' "
                "ending with an assistant turn)"
            )
        records.append(record)
    return records


def _from_chat(row: dict) -> dict | None:
    """A chat-form record with the alpaca keys: the user turns as the instruction, the last
    (assistant) turn as the output; None when it is not one."""
    messages = row["messages"]
    ok = isinstance(messages, list) and all(
        isinstance(m, dict) and isinstance(m.get("role"), str) and isinstance(m.get("content"), str) for m in messages
    )
    if not ok or not messages or messages[-1]["role"] != "assistant":
        return None
    out = {k: v for k, v in row.items() if k != "messages"}
    out["instruction"] = "\n\n".join(m["content"] for m in messages[:-1] if m["role"] == "user")
    out["input"], out["output"] = "", messages[-1]["content"]
    system = next((m["content"] for m in messages if m["role"] == "system"), None)
    if system is not None:
        out["system"] = system
    return out
