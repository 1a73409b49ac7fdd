"""Scores of generated outputs against their records, per record and per task (no model needed).

Every record: exact match, edit similarity and sentence BLEU against the reference output. Then by
the task's declared output form (`filters.outputs`):
- code (`file`, `member`): `parses` (tree-sitter, a member inside its language's wrapper); and the
  compile rung of the ladder (`evaluation.ladder`): Python outputs with py_compile, Java files and
  Java members (inside a stub of their class made from the outline in the record's input:
  `evaluation.stubs`) with javac, in one batch per model. `compiles` is 1 or 0, and None when it
  cannot be known offline: Kotlin and other languages, a Java member without an outline, or only
  missing names of the repository or its libraries (then `unresolved` is 1). The task's CodeBLEU is
  computed over all its records (a corpus score).
- `sql`: `parses` (sqlglot) and `sql_compliance` (no SQL rule of `conventions.sql` broken).
- `endpoints`: `rest_compliance`, the share of the table's endpoints that break no REST rule of
  `conventions.rest` (0 when the output has no endpoint row).
- code that builds SQL in strings: `sql_compliance` on that SQL.
- user stories: `story_structure` (`scoring.stories`).
- generated tests (write-test, Python and Java), when the record's code under test is whole enough
  for its own reference test to pass on it (a Java method inside a stub of its class): `test_passes`
  (on the real code) and `mutation_kill`, the share of mutants of the code (`evaluation.mutation`)
  the test catches. controller-test outputs need Spring's test libraries, which cannot be fetched
  offline: they get the compile rung only.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from minions.filters.conventions import endpoint_rows
from minions.filters.outputs import output_form
from minions.filters.syntax import first_error, member_error, sql_parses
from minions.parsing.languages import LANGUAGES
from minions.scoring.codebleu import SPECS as CODEBLEU_LANGS
from minions.scoring.codebleu import codebleu
from minions.scoring.stories import story_structure
from minions.scoring.text import edit_similarity, exact_match, sentence_bleu
from minions.tasks.registry import MEMBER_WRAPPERS

STORY_TASKS = frozenset({"user-story", "api-to-user-story"})


def reference(record: dict) -> str:
    """The record's reference output (the assistant turn of a chat-form record)."""
    if "output" in record:
        return record["output"]
    return next((m["content"] for m in reversed(record.get("messages") or []) if m.get("role") == "assistant"), "")


def prompt_text(record: dict) -> str:
    """What the model was shown: the instruction and input, or a chat record's user turn (the
    dataset reader folds a chat record's whole user turn into `instruction`)."""
    if record.get("messages"):
        return "\n".join(m.get("content", "") for m in record["messages"] if m.get("role") == "user")
    return "\n\n".join(x for x in (record.get("instruction"), record.get("input")) if x)


def score_output(record: dict, output: str) -> dict[str, float | None]:
    """The model-free scores of one generated output (compiling is apart: `compile_scores`)."""
    from minions.conventions import rest, sql

    ref, task, lang = reference(record), record.get("task", ""), record.get("lang") or ""
    zh = record.get("instruction_lang") or "en"
    s: dict[str, float | None] = {
        "exact_match": exact_match(output, ref),
        "edit_similarity": round(edit_similarity(output, ref), 4),
        "bleu": round(sentence_bleu(output, ref, zh), 4),
    }
    form = output_form(task)
    if form in ("file", "member") and lang in LANGUAGES:
        error = first_error(output, lang) if form == "file" else member_error(output, lang)
        s["parses"] = float(error is None and bool(output.strip()))  # an empty file parses, but is no answer
    if form == "sql":
        s["parses"] = float(sql_parses(output))
        s["sql_compliance"] = float(not sql.check_sql(output))
    elif form in ("file", "member") and lang in LANGUAGES:
        s["sql_compliance"] = float(not sql.check_code(output, lang))
    if form == "endpoints":
        rows = endpoint_rows(output)
        s["rest_compliance"] = sum(not rest.check(m, p) for m, p in rows) / len(rows) if rows else 0.0
    if task in STORY_TASKS:
        s["story_structure"] = story_structure(output)["score"]
    return s


def compile_scores(records: list[dict], outputs: list[str]) -> list[dict[str, float | None]]:
    """The compile rung for each output: `compiles` (1, 0, or None when unknowable offline) and
    `unresolved` (1 when only missing third-party names stopped it). Java files compile in one javac run."""
    from minions.evaluation.ladder import compile_java_batch, ladder
    from minions.evaluation.stubs import focal_outline, java_member_file

    found: list[dict[str, float | None]] = [{} for _ in records]
    java: dict[str, str] = {}
    counted: dict[str, tuple[int, int]] = {}
    for i, (record, output) in enumerate(zip(records, outputs, strict=True)):
        form, lang = output_form(record.get("task", "")), record.get("lang")
        if form not in ("file", "member"):
            continue
        outline = focal_outline(prompt_text(record)) if form == "member" and lang == "java" else None
        if not output.strip():
            found[i] = {"compiles": 0.0, "unresolved": 0.0}  # nothing written compiles to nothing
        elif lang == "java" and form == "file":
            java[str(i)] = output
        elif outline is not None:
            java[str(i)], counted[str(i)] = java_member_file(output, outline)
        elif lang == "python":
            with tempfile.TemporaryDirectory(prefix="minions-compile-") as tmp:
                rungs = ladder(output, "python", workdir=Path(tmp))
            found[i] = {"compiles": _flag(rungs.compiles) if rungs.parses else 0.0, "unresolved": 0.0}
        else:
            found[i] = {"compiles": None, "unresolved": 0.0}
    if java:
        for key, result in compile_java_batch(java, counted=counted).items():
            found[int(key)] = {"compiles": _flag(result.compiles), "unresolved": float(bool(result.unresolved))}
    return found


_UNDER_TEST = re.compile(r"Code under test \((?P<path>[^)\n]*)\):\n```[^\n]*\n(?P<code>.*?)```", re.S)
_FROM_IMPORT = re.compile(r"^from\s+([\w.]+)\s+import\s+(?:\(([\w\s,]+)\)|([\w ,]+))", re.M)
_DEFINED = re.compile(r"^(?:async\s+def|def|class)\s+(\w+)", re.M)


def _imported_module(test: str, code: str) -> str | None:
    """The module a Python test imports one of code's functions or classes from."""
    defined = set(_DEFINED.findall(code))
    for module, group, line in _FROM_IMPORT.findall(test):
        if defined & {n.strip() for n in (group or line).split(",")}:
            return module
    return None


def runnable_test_case(record: dict) -> tuple[str, str, dict] | None:
    """(language, implementation, ladder context) of a write-test record whose code under test is
    whole enough for its own reference test to pass on it (in the sandbox); None otherwise.
    Python: the code as a module, the one the reference test imports the code's functions from.
    Java: the method inside a stub of its class made from the record's class outline, in the
    outline's package; only the method's own lines are mutated (`mutate_lines`)."""
    from minions.evaluation.ladder import ladder
    from minions.evaluation.stubs import focal_outline, java_member_file

    lang = record.get("lang")
    found = _UNDER_TEST.search(prompt_text(record))
    if record.get("task") != "write-test" or lang not in ("python", "java") or not found:
        return None
    code, ref = found["code"], reference(record)
    if lang == "python":
        module = _imported_module(ref, code)
        if module is None:
            return None
        context: dict = {"module": module}
    else:
        outline = focal_outline(prompt_text(record))
        if outline is None:
            return None
        code, lines = java_member_file(code, outline, package=True)
        context = {"class_name": outline.name, "mutate_lines": lines}
    with tempfile.TemporaryDirectory(prefix="minions-tests-") as tmp:
        rungs = ladder(code, lang, tests=ref, context=context, workdir=Path(tmp))
    return (lang, code, context) if rungs.tests_pass else None


def generated_test_scores(records: list[dict], outputs: dict[str, list[str]], limit: int = 12) -> dict[str, list[dict]]:
    """Per model, for each record that `runnable_test_case` accepts: whether the generated test passes
    on the real code (`test_passes`) and its mutation-kill score (`mutation_kill`, 0 when it does not
    pass); {} for the other records. Each record's case is checked once for all models."""
    from minions.evaluation.mutation import kill_score

    found = {m: [{} for _ in records] for m in outputs}
    for i, record in enumerate(records):
        case = runnable_test_case(record)
        if case is None:
            continue
        lang, code, context = case
        for m, outs in outputs.items():
            if not outs[i].strip():
                found[m][i] = {"test_passes": 0.0, "mutation_kill": 0.0}
                continue
            k = kill_score(outs[i], code, lang, context=context, limit=limit)
            found[m][i] = {"test_passes": float(k.passes), "mutation_kill": round(k.score, 4)}
    return found


_TEST_BLOCK = re.compile(r"Test \((?P<path>[^)\n]*)\):\n```[^\n]*\n(?P<code>.*?)```", re.S)
JUNIT_IMPORTS = "import org.junit.jupiter.api.*;\nimport static org.junit.jupiter.api.Assertions.*;\n"


def runnable_impl_case(record: dict) -> tuple[str, str, dict] | None:
    """(language, test code, ladder context) of an implement-from-test record whose test passes on
    the reference implementation when run alone (Python: the module the test imports; Java: the
    method inside a stub of its class, the test method inside a JUnit class); None otherwise."""
    from minions.evaluation.stubs import JDK_IMPORTS, focal_outline

    lang = record.get("lang")
    found = _TEST_BLOCK.search(prompt_text(record))
    if record.get("task") != "implement-from-test" or lang not in ("python", "java") or not found:
        return None
    test, ref = found["code"], reference(record)
    if lang == "python":
        module = _imported_module(test, ref)
        if module is None:
            return None
        case = ("python", test, {"module": module})
    else:
        outline = focal_outline(prompt_text(record))
        if outline is None:
            return None
        test = f"{JUNIT_IMPORTS}{JDK_IMPORTS}\npublic class {outline.name}Test {{\n{test}\n}}\n"
        case = ("java", test, {"outline": outline})
    return case if _implementation_passes(ref, case) else None


def _implementation_passes(code: str, case: tuple[str, str, dict]) -> bool:
    from minions.evaluation.ladder import ladder
    from minions.evaluation.stubs import java_member_file

    lang, test, context = case
    with tempfile.TemporaryDirectory(prefix="minions-tests-") as tmp:
        if lang == "python":
            return bool(ladder(code, "python", tests=test, context=context, workdir=Path(tmp)).tests_pass)
        source, _ = java_member_file(code, context["outline"])
        return bool(ladder(source, "java", tests=test, workdir=Path(tmp)).tests_pass)


def generated_impl_scores(records: list[dict], outputs: dict[str, list[str]]) -> dict[str, list[dict]]:
    """Per model, for each implement-from-test record that `runnable_impl_case` accepts: whether the
    record's test passes on the generated implementation (`tests_pass`); {} for the other records."""
    found = {m: [{} for _ in records] for m in outputs}
    for i, record in enumerate(records):
        case = runnable_impl_case(record)
        if case is not None:
            for m, outs in outputs.items():
                found[m][i] = {"tests_pass": float(bool(outs[i].strip()) and _implementation_passes(outs[i], case))}
    return found


def _flag(value: bool | None) -> float | None:
    return None if value is None else float(value)


def task_codebleu(records: list[dict], outputs: list[str]) -> float | None:
    """CodeBLEU over one task's code outputs (a corpus score per language, weighted by records);
    None when none is code in a language CodeBLEU reads."""
    by_lang: dict[str, list[tuple[dict, str]]] = {}
    for r, o in zip(records, outputs, strict=True):
        if output_form(r.get("task", "")) in ("file", "member", "fragment") and r.get("lang") in CODEBLEU_LANGS:
            by_lang.setdefault(r["lang"], []).append((r, o))
    if not by_lang:
        return None
    total = 0.0
    for lang, pairs in by_lang.items():

        def wrapped(r: dict, text: str, lang: str = lang) -> str:
            head, tail = MEMBER_WRAPPERS.get(lang, ("", "")) if output_form(r["task"]) == "member" else ("", "")
            return head + text + tail

        preds = [wrapped(r, o) for r, o in pairs]
        refs = [wrapped(r, reference(r)) for r, _ in pairs]
        total += codebleu(preds, refs, lang)["codebleu"] * len(pairs)
    return round(total / sum(len(p) for p in by_lang.values()), 4)
