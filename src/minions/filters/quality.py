"""Record filters: size bounds and trivial bodies (accessors teach nothing)."""

from __future__ import annotations

import re

from minions.config import FiltersConfig
from minions.filters.base import register_record_filter
from minions.records import InstructionRecord

# An empty body, or one that only returns or assigns a field: getX() { return x; }, setX(x) { this.x = x; }
_TRIVIAL = re.compile(
    r"^[^{]*\{\s*\}\s*$"
    r"|^[^{]*\{\s*(?:return\s+(?:this\.)?\w+|(?:this\.)?\w+\s*=\s*\w+);?\s*\}\s*$"
    r"|^\s*(?:@\w+\s*)*def\s+\w+\(self\):\s*return\s+self\.\w+\s*$",
    re.DOTALL,
)


class Size:
    name = "size"

    def stats(self, record: InstructionRecord) -> dict[str, float]:
        from minions.tasks import TASKS

        task = TASKS.get(record.task)
        own = task.min_output_lines if task is not None else None  # a task whose outputs are short by design
        return {
            "output_lines": len([ln for ln in record.output.splitlines() if ln.strip()]),
            "output_chars": len(record.output),
            "input_chars": len(record.input),
            "task_min_output_lines": own if own is not None else 0,  # 0: the task sets no minimum of its own
        }

    def judge(self, s: dict[str, float], t: FiltersConfig) -> tuple[bool, str]:
        own = int(s["task_min_output_lines"])
        minimum = min(t.min_output_lines, own) if own else t.min_output_lines
        if s["output_lines"] < minimum:
            return False, f"output has fewer than {minimum} non-blank lines"
        if s["output_chars"] > t.max_output_chars:
            return False, f"output longer than {t.max_output_chars} characters"
        if s["input_chars"] > t.max_input_chars:
            return False, f"input longer than {t.max_input_chars} characters"
        return True, ""


class TrivialBody:
    name = "trivial-body"

    def stats(self, record: InstructionRecord) -> dict[str, float]:
        return {"trivial": float(record.task == "implement-method" and bool(_TRIVIAL.match(record.output)))}

    def judge(self, s: dict[str, float], t: FiltersConfig) -> tuple[bool, str]:
        if s["trivial"]:
            return False, "method body only returns or assigns a field"
        return True, ""


register_record_filter(Size())
register_record_filter(TrivialBody())
