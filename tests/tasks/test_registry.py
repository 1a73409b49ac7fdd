"""The registry's shared machinery: wording and language per record, caps, options from config."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from minions.config import TasksConfig
from minions.records import InstructionRecord, Provenance
from minions.tasks.registry import TaskOptions, cap, pick, task_options

WORDINGS = {
    "en": [("t/en/1", "one"), ("t/en/2", "two"), ("t/en/3", "three")],
    "zh": [("t/zh/1", "一"), ("t/zh/2", "二"), ("t/zh/3", "三")],
}


def _picks(options: TaskOptions, n: int = 2000) -> list[tuple[str, str, str]]:
    return [pick("t", [f"u{i}"], "", WORDINGS, options) for i in range(n)]


def test_pick_is_deterministic_and_uses_every_wording():
    a, b = _picks(TaskOptions()), _picks(TaskOptions())
    assert a == b
    assert {t for _, t, _ in a} == {"t/en/1", "t/en/2", "t/en/3"} and {lang for lang, _, _ in a} == {"en"}
    assert {lang for lang, _, _ in _picks(TaskOptions(zh_ratio=1.0))} == {"zh"}
    assert _picks(TaskOptions(seed=1)) != a, "the seed changes the choices"
    assert pick("t", ["u1"], "x", WORDINGS, TaskOptions()) is not None  # a variant key is part of the hash


def test_the_chinese_share_follows_zh_ratio():
    picks = _picks(TaskOptions(zh_ratio=0.3))
    share = sum(lang == "zh" for lang, _, _ in picks) / len(picks)
    assert 0.26 < share < 0.34
    zh = {t for lang, t, _ in picks if lang == "zh"}
    assert zh == {"t/zh/1", "t/zh/2", "t/zh/3"}, "a Chinese record gets a Chinese wording"


def _record(i: int, task: str = "t", cls: str = "A", path: str = "a.java") -> InstructionRecord:
    return InstructionRecord(
        id=f"r{i}",
        task=task,
        instruction="do",
        input="in",
        output="out",
        lang="java",
        source=Provenance(repo="r", commit="c", path=path),
        unit_ids=[f"u{i}"],
        template_id="t/en/1",
        module="m",
        focal_class=cls,
    )


def test_caps_keep_a_seeded_sample_per_task_class_and_file_and_say_why_the_rest_went():
    records = [_record(i, cls=f"C{i % 3}", path=f"f{i % 2}.java") for i in range(12)]
    records += [_record(100 + i, task="u") for i in range(3)]
    kept, rejected = cap(records, TaskOptions(max_per_task=5))
    assert [r.task for r in kept].count("t") == 5 and [r.task for r in kept].count("u") == 3
    assert [r.id for r in kept] == [r.id for r in records if r.id in {k.id for k in kept}], "order kept"
    assert {x.reason for x in rejected} == {"over the per-task cap (5)"} and len(rejected) == 7
    assert all(x.stage == "tasks" and x.task == "t" for x in rejected)
    assert cap(records, TaskOptions(max_per_task=5))[0] == kept, "the same sample on every run"
    assert cap(records, TaskOptions(max_per_task=5, seed=7))[0] != kept, "the seed draws another sample"

    kept, rejected = cap(records, TaskOptions(max_per_class=2))
    per_class = [(r.task, r.focal_class) for r in kept]
    assert all(per_class.count(k) <= 2 for k in per_class) and len(kept) == 3 * 2 + 2
    assert {x.reason for x in rejected} == {"over the per-class cap (2)"}

    kept, _ = cap(records, TaskOptions(max_per_file=1))
    assert sorted((r.task, r.source.path) for r in kept) == [("t", "f0.java"), ("t", "f1.java"), ("u", "a.java")]
    assert cap(records, TaskOptions()) == (records, [])


def test_options_from_the_config_section():
    assert task_options(TasksConfig()).zh_ratio == 0.0
    assert task_options(TasksConfig(instruction_lang="zh")).zh_ratio == 1.0
    opts = task_options(TasksConfig(instruction_lang="zh", zh_ratio=0.25, seed=3, max_per_class=4))
    assert (opts.zh_ratio, opts.seed, opts.max_per_class, opts.max_per_task) == (0.25, 3, 4, None)
    with pytest.raises(ValidationError):
        TasksConfig(zh_ratio=1.5)
    with pytest.raises(ValidationError):
        TasksConfig(max_per_file=0)


def test_run_tasks_routes_rejections_and_gives_document_tasks_the_documents(monkeypatch):
    from minions.records import Rejection, SourceFile
    from minions.tasks import registry

    monkeypatch.setattr(registry, "TASKS", {})
    seen = {}

    @registry.register_task("from-units", "reads units")
    def from_units(units, options):
        seen["units"] = units
        yield _record(1)
        yield Rejection(id="u9", task="from-units", stage="tasks", reason="breaks a rule")

    @registry.register_task("from-docs", "reads documents", inputs="documents")
    def from_docs(docs, options):
        seen["docs"] = docs
        yield _record(2)

    doc = SourceFile.from_raw("r", "c", "docs/a.md", "# A\n\ntext\n", "markdown")
    records, rejected = registry.run_tasks(["unit"], ["from-units", "from-docs"], TaskOptions(), [doc])
    assert [r.id for r in records] == ["r1", "r2"] and [x.reason for x in rejected] == ["breaks a rule"]
    assert seen == {"units": ["unit"], "docs": [doc]}
    assert registry.TASKS["from-docs"].inputs == "documents" and not registry.TASKS["from-units"].teacher


def test_stubs_have_nothing_to_implement():
    """Review finding: `@overload` and Protocol stubs (`...` bodies) were taught as implementations,
    their whole text already in the outline."""
    from minions.parsing import parse_files
    from minions.records import SourceFile
    from minions.tasks import build_records
    from minions.tasks.registry import is_stub

    src = '''import typing as t


class Finder:
    @t.overload
    def locate(self, name: str) -> int: ...

    def base(self) -> int:
        """The base."""
        pass

    def locate(self, name):
        """Find it."""
        return len(name) + self.base()
'''
    units = parse_files([SourceFile.from_raw("r", "c", "app/finder.py", src, "python")]).units
    methods = [u for u in units if u.kind == "method"]
    assert [(u.name, is_stub(u)) for u in methods] == [("locate", True), ("base", True), ("locate", False)]
    records = build_records(units, ["implement-method"], TaskOptions())
    assert [r.output.splitlines()[0] for r in records] == ["def locate(self, name):"]


def test_dedent_does_not_count_comment_only_lines():
    """Review finding: a `//` comment at column 0 inside an indented method kept the whole output indented."""
    from minions.tasks.registry import dedent

    code = "    int f(int x) {\n// temporary\n        return x;\n    }\n"
    assert dedent(code) == "int f(int x) {\n// temporary\n    return x;\n}"
    assert dedent("\n\tdef f():\n\t\t# note\n\n\t\treturn 1\n") == "def f():\n\t# note\n\n\treturn 1"
    assert dedent("  # only a comment") == "# only a comment"


def test_review_cases_of_dedent_and_stubs():
    """Review findings: a Python string's `#` line changed the string's indentation; an abstract
    method raising NotImplementedError was taught as an implementation."""
    from minions.parsing import parse_files
    from minions.records import SourceFile
    from minions.tasks.registry import dedent, is_stub

    code = '    def usage(self):\n        text = """\n# Usage\n    run it\n    """\n        return text\n'
    assert dedent(code) == '    def usage(self):\n        text = """\n# Usage\n    run it\n    """\n        return text'
    src = (
        "import abc\n\n\nclass Job(abc.ABC):\n    @abc.abstractmethod\n    def run(self):\n"
        '        """Run it."""\n        raise NotImplementedError\n'
    )
    (run,) = [
        u for u in parse_files([SourceFile.from_raw("r", "c", "jobs.py", src, "python")]).units if u.kind == "method"
    ]
    assert is_stub(run)
