"""One example record per task, built from examples/acme-shop and shipped in the package.

`minions tasks` shows them. They are built the way `minions build` builds records (collect, scrub
with the quickstart config, parse, the task) and kept in `examples.json` beside this module; a test
rebuilds them and fails when the file is stale. Rebuild with `python -m minions.tasks.examples`
(or `make task-examples`) after changing a task or the example project.
"""

from __future__ import annotations

import json
from pathlib import Path

EXAMPLES_FILE = Path(__file__).with_name("examples.json")
KEYS = ("task", "instruction_lang", "template_id", "instruction", "input", "output")


def build_examples(project: Path, config: Path) -> dict[str, dict]:
    """Task name -> one record of that task on the project (the most compact one with at least four
    output lines, a deterministic choice), as the `KEYS` of the record; teacher tasks have none."""
    from minions.config import load_config
    from minions.parsing import parse_files
    from minions.scrub import scrub_files
    from minions.scrub.scrubber import ScrubOptions
    from minions.sources.collect import collect
    from minions.tasks.registry import TASKS, run_tasks, task_options

    cfg = load_config(config)
    files, _ = collect(project, "acme-shop")
    options = ScrubOptions(cfg.scrub.internal_names, cfg.scrub.internal_domains, None)
    files, _, _ = scrub_files(files, cfg.scrub.internal_names, cfg.scrub.drop_files, options=options, workers=1)
    units = parse_files(files).units
    documents = [f for f in files if f.lang == "markdown"]
    out = {}
    for name, task in sorted(TASKS.items()):
        if task.teacher:
            continue
        records, _ = run_tasks(units, [name], task_options(cfg.tasks), documents)
        fitting = [r for r in records if r.output.count("\n") >= 3] or records
        if fitting:
            best = min(fitting, key=lambda r: (len(r.input) + len(r.output), r.id))
            out[name] = {k: getattr(best, k) for k in KEYS}
    return out


def shipped_examples() -> dict[str, dict]:
    """The examples shipped with the package (empty when the file is missing)."""
    return json.loads(EXAMPLES_FILE.read_text()) if EXAMPLES_FILE.is_file() else {}


def main() -> None:
    root = Path(__file__).resolve().parents[3]
    examples = build_examples(root / "examples" / "acme-shop", root / "configs" / "quickstart.yaml")
    EXAMPLES_FILE.write_text(json.dumps(examples, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {len(examples)} examples to {EXAMPLES_FILE}")


if __name__ == "__main__":
    main()
