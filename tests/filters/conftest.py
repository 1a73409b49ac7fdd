"""Fixtures of the filter tests: `make_record` builds a record of a task, language and output."""

import pytest

from minions.records import InstructionRecord, Provenance


def _record(output: str, task: str = "implement-method", lang: str = "java", i: str = "1", **fields):
    return InstructionRecord(
        id=f"r{i}",
        task=task,
        instruction=fields.pop("instruction", "Write it."),
        input=fields.pop("input", "x"),
        output=output,
        lang=lang,
        source=Provenance(repo="r", commit="c", path="p"),
        unit_ids=[f"u{i}"],
        template_id="t",
        module="m",
        focal_class="C",
        **fields,
    )


@pytest.fixture
def make_record():
    return _record
