"""HumanEval-X Java: the harness on canonical and broken completions (real javac and java), the
completion post-processing, the subset, and `minions humaneval` end to end."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from helpers import adapter_meta, run_cli
from minions.cli.main import app
from minions.evaluation.generate import cut_at_stops
from minions.evaluation.humaneval import (
    BUILTIN_DATA,
    completion_from_generation,
    generation_prompt,
    java_completion,
    load_problems,
    program,
    sample_problems,
    score,
)

PROBLEMS = load_problems("builtin")


def by_id(*ids: int):
    return [PROBLEMS[i] for i in ids]


def test_the_shipped_copy_has_164_problems_and_its_licence_notice():
    assert len(PROBLEMS) == 164 and PROBLEMS[0].task_id == "Java/0" and PROBLEMS[163].task_id == "Java/163"
    notice = (BUILTIN_DATA.parent / "NOTICE-humaneval-x.txt").read_text()
    assert "Apache License" in notice and "CodeGeeX" in notice


def test_limit_takes_a_seeded_sample_in_file_order_not_the_first_n():
    chosen = sample_problems(PROBLEMS, 5, seed=0)
    expected = sorted(random.Random(0).sample(range(164), 5))
    assert [p.task_id for p in chosen] == [f"Java/{i}" for i in expected]
    assert [p.task_id for p in chosen] != [f"Java/{i}" for i in range(5)]
    assert sample_problems(PROBLEMS, 5, seed=1) != chosen
    assert len(sample_problems(PROBLEMS, 500)) == 164


def test_reference_subset_of_20_passes_through_the_cli(tmp_path):
    r = run_cli("humaneval", "builtin", "--reference", "--limit", "20", "--out", str(tmp_path / "he"))
    assert r.returncode == 0, r.stderr
    path = tmp_path / "he" / "results.json"
    assert r.stdout.strip() == str(path.resolve())
    res = json.loads(path.read_text())
    assert res["pass@1"] == 1.0 and res["problems"] == 20 and res["passed"] == 20 and res["model"] == "reference"
    expected = sorted(random.Random(0).sample(range(164), 20))
    assert [x["task_id"] for x in res["results"]] == [f"Java/{i}" for i in expected]
    assert all(x["passed"] and x["error"] is None for x in res["results"])
    assert res["seconds"] > 0 and (tmp_path / "he" / "manifest.json").is_file()
    again = run_cli("humaneval", "builtin", "--reference", "--limit", "20", "--out", str(tmp_path / "he"))
    assert again.returncode == 2 and "not empty" in again.stderr


def test_wrong_completions_fail_exactly_their_problems():
    problems = by_id(0, 2, 3, 4, 7)
    completions = [p.canonical_solution for p in problems]
    completions[1] = "        return number % 1.0\n    }\n}"  # Java/2: a missing semicolon
    completions[3] = "        return 0.0;\n    }\n}"  # Java/4: compiles, wrong answer
    results = score(problems, completions, timeout=5)
    assert [(r.task_id, r.passed, r.error) for r in results] == [
        ("Java/0", True, None),
        ("Java/2", False, "compile"),
        ("Java/3", True, None),
        ("Java/4", False, "assertion"),
        ("Java/7", True, None),
    ]
    assert "';' expected" in results[1].detail and "AssertionError" in results[3].detail


def test_a_runtime_exception_is_a_runtime_error():
    [p] = by_id(2)
    [r] = score([p], ['        return Double.parseDouble("x");\n    }\n}'], timeout=5)
    assert r.error == "runtime" and "NumberFormatException" in r.detail


def test_an_infinite_loop_times_out_and_the_rest_still_pass():
    problems = by_id(0, 2, 3, 4)
    completions = [p.canonical_solution for p in problems]
    completions[1] = "        while (true) { }\n    }\n}"
    results = score(problems, completions, timeout=1, workers=1)
    assert [r.error for r in results] == [None, "timeout", None, None]
    assert [r.passed for r in results] == [True, False, True, True]


def test_system_exit_does_not_pass_and_does_not_stop_the_others():
    problems = by_id(0, 2, 3, 4)
    completions = [p.canonical_solution for p in problems]
    completions[1] = "        System.exit(0);\n        return 0.0;\n    }\n}"
    results = score(problems, completions, timeout=5, workers=1)
    assert [r.passed for r in results] == [True, False, True, True]
    assert results[1].error == "runtime" and "exited" in results[1].detail


def test_program_is_prompt_completion_test():
    p = PROBLEMS[0]
    assert program(p, "X") == p.prompt + "X\n" + p.test


@pytest.mark.parametrize(
    ("generated", "expected"),
    [
        # stopped at the line closing the class: the cut "\n}" goes back
        ("        return 1;\n    }", "        return 1;\n    }\n}"),
        # the method closed at column 0 (the stop hit the method's brace): the class is closed for it
        ("        return 1;", "        return 1;\n}\n}"),
        # braces in strings, chars and comments do not count; a helper method is kept
        (
            "        return f(\"{\");\n    }\n    // }\n    int f(String s) { return '}'; }",
            "        return f(\"{\");\n    }\n    // }\n    int f(String s) { return '}'; }\n}",
        ),
        # text after the class closes is dropped
        ("        return 1;\n    }\n}\nclass Extra {}", "        return 1;\n    }\n}"),
    ],
)
def test_java_completion_ends_where_the_class_closes(generated, expected):
    assert java_completion(generated) == expected


def test_the_model_continues_the_prompt_without_its_trailing_newline():
    p = PROBLEMS[0]
    assert p.prompt.endswith("{\n") and generation_prompt(p) == p.prompt[:-1]
    # the continuation's leading newline is the prompt's own: the program keeps one
    completion = completion_from_generation(p, "\n        return true;\n    }")
    assert completion == "        return true;\n    }\n}"
    assert program(p, completion).count("{\n        return true;") == 1


def test_cut_at_stops_cuts_before_the_earliest_stop():
    assert cut_at_stops("a\n}b public static void main", ["public static void main", "\n}"]) == "a"
    assert cut_at_stops("abc", ["\n}"]) == "abc"


def test_exactly_one_mode_is_required(tmp_path):
    r = run_cli("humaneval", "builtin", "--reference", "--base", "--out", str(tmp_path / "x"))
    assert r.returncode == 2 and "exactly one" in r.stderr
    r = run_cli("humaneval", str(tmp_path / "missing.jsonl.gz"), "--reference", "--out", str(tmp_path / "x"))
    assert r.returncode == 2 and "does not exist" in r.stderr


def test_base_generates_end_to_end_with_the_tiny_model(tmp_path, session_ws):
    out = tmp_path / "he"
    args = ["humaneval", "builtin", "--base", "--base-model", "tiny", "--limit", "2", "--max-new-tokens", "24"]
    r = CliRunner().invoke(app, [*args, "--out", str(out), "--workspace", str(session_ws.root)])
    assert r.exit_code == 0, r.output
    res = json.loads((out / "results.json").read_text())
    assert res["model"] == "base" and res["problems"] == 2 and 0.0 <= res["pass@1"] <= 1.0
    assert res["passed"] == sum(x["passed"] for x in res["results"])
    assert res["settings"]["max_new_tokens"] == 24 and "generation" in res["seconds_by_step"]
    for x in res["results"]:
        assert x["error"] in (None, "compile", "runtime", "assertion", "timeout")
        assert x["completion"].endswith("}")


def test_adapter_is_named_with_its_version(tmp_path, session_ws, tiny_adapter):
    from minions.adapters import default_folder, register_adapter
    from minions.adapters.meta import write_adapter_meta
    from minions.workspace import Workspace

    ws = Workspace(tmp_path / "ws")
    shutil.copytree(session_ws.dir("models"), ws.dir("models"))
    folder = default_folder(ws, "shop", 1)
    shutil.copytree(tiny_adapter, folder)
    meta = adapter_meta("shop", 1, base_model="tiny")
    write_adapter_meta(folder, meta)
    register_adapter(ws, "shop", folder, version=1, meta=meta)
    out = tmp_path / "he"
    args = ["humaneval", "builtin", "--adapter", "shop", "--limit", "1", "--max-new-tokens", "8", "--out", str(out)]
    r = CliRunner().invoke(app, [*args, "--workspace", str(ws.root)])
    assert r.exit_code == 0, r.output
    res = json.loads((out / "results.json").read_text())
    assert res["model"] == "shop@1" and res["problems"] == 1


@pytest.mark.slow
def test_all_164_canonical_solutions_pass(tmp_path):
    r = run_cli("humaneval", "builtin", "--reference", "--out", str(tmp_path / "he"), timeout=300)
    assert r.returncode == 0, r.stderr
    res = json.loads((tmp_path / "he" / "results.json").read_text())
    failed = [x for x in res["results"] if not x["passed"]]
    assert res["passed"] == 164 and res["pass@1"] == 1.0, failed


def test_sampled_runs_report_unbiased_pass_at_k(tmp_path, session_ws):
    out = tmp_path / "he"
    args = ["humaneval", "builtin", "--base", "--base-model", "tiny", "--limit", "2", "--max-new-tokens", "8"]
    r = CliRunner().invoke(app, [*args, "--samples", "3", "--out", str(out), "--workspace", str(session_ws.root)])
    assert r.exit_code == 0, r.output
    res = json.loads((out / "results.json").read_text())
    assert res["problems"] == 2 and res["samples"] == 3 and len(res["results"]) == 6
    assert sorted({(x["task_id"], x["sample"]) for x in res["results"]}) == sorted(
        {(t, k) for t in {x["task_id"] for x in res["results"]} for k in range(3)}
    )
    assert res["settings"]["decoding"] == "sampled" and res["settings"]["temperature"] == 0.8
    assert "pass@10" not in res, "pass@k needs at least k samples"
    r = CliRunner().invoke(app, [*args, "--samples", "2", "--reference", "--out", str(tmp_path / "x")])
    assert r.exit_code != 0


def test_pass_at_k_in_results_is_the_mean_of_the_unbiased_estimator():
    from minions.evaluation.humaneval import ProblemResult, results_document

    data = Path(__file__)
    # problem a: 1 of 10 samples passed -> pass@1 0.1, pass@10 1.0; problem b: none -> 0 and 0
    rows = [ProblemResult("a", k == 3, None, "", "", k) for k in range(10)]
    rows += [ProblemResult("b", False, "compile", "", "", k) for k in range(10)]
    res = results_document(rows, "m", data, {}, {})
    assert res["pass@1"] == 0.05 and res["pass@10"] == 0.5 and res["samples"] == 10 and res["problems"] == 2
    greedy = results_document(
        [ProblemResult("a", True, None, "", ""), ProblemResult("b", False, "x", "", "")], "m", data, {}, {}
    )
    assert greedy["pass@1"] == 0.5 and greedy["passed"] == 1 and "pass@10" not in greedy


def test_review_a_program_writing_the_harness_lines_itself_cannot_pass_anything():
    from minions.evaluation.java_exec import run_java_programs

    honest = 'public class Main { public static void main(String[] a) { throw new AssertionError("wrong"); } }'
    forger = (
        "public class Main { public static void main(String[] a) {"
        " java.io.PrintStream o = new java.io.PrintStream("
        " new java.io.FileOutputStream(java.io.FileDescriptor.out), true);"
        ' for (int i = 0; i < 10; i++) { o.println("@@RESULT " + i + " pass"); o.println("@@START " + i); }'
        ' throw new AssertionError("wrong"); } }'
    )
    outcomes = run_java_programs([honest, forger, honest], timeout=5, workers=1)
    assert [o.kind for o in outcomes] == ["assertion"] * 3
