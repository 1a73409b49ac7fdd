"""The example records shipped for `minions tasks` are current, and the command shows them."""

from __future__ import annotations

import json

from helpers import EXAMPLE, ROOT, run_cli
from minions.tasks import TASKS
from minions.tasks.examples import build_examples, shipped_examples


def test_the_shipped_examples_are_current():
    built = build_examples(EXAMPLE, ROOT / "configs" / "quickstart.yaml")
    assert built == shipped_examples(), "examples are stale: run `make task-examples` and commit examples.json"
    missing = [t.name for t in TASKS.values() if not t.teacher and t.name not in built]
    assert missing == [], f"tasks without a record on examples/acme-shop: {missing}"
    assert all("acme" not in json.dumps(e).lower() for e in built.values()), "examples are scrubbed"


def test_minions_tasks_lists_every_task_and_shows_one_in_full(tmp_path):
    p = run_cli("tasks", "--json", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    rows = json.loads(p.stdout)
    assert [r["name"] for r in rows] == sorted(TASKS)
    assert all(set(r) == {"name", "description", "needs", "teacher", "example"} and r["needs"] for r in rows)
    one = run_cli("tasks", "write-test", cwd=tmp_path)
    assert one.returncode == 0 and "needs: " in one.stdout and "example (write-test/" in one.stdout
    bad = run_cli("tasks", "nope", cwd=tmp_path)
    assert bad.returncode == 2 and "unknown task 'nope'" in bad.stderr


def test_the_readme_lists_every_task_that_needs_no_teacher():
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## What the tasks teach", 1)[1].split("\n\n", 3)[2]
    listed = [line.split("`")[1] for line in table.splitlines()[2:]]
    assert listed == sorted(t.name for t in TASKS.values() if not t.teacher)
    assert all(f"`{t.name}`" in readme for t in TASKS.values() if t.teacher)
