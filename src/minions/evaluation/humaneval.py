"""HumanEval-X (Java): 164 problems, each a method to complete and a `Main` class whose main() throws
when the method is wrong. A program is prompt + completion + "\\n" + test; pass@1 is the share of
problems whose program compiles and whose main() returns (greedy decoding: one sample a problem).

The Java part of HumanEval-X (CodeGeeX, Apache License 2.0) ships in this package (BUILTIN_DATA, with its
licence notice beside it); nothing is downloaded.
"""

from __future__ import annotations

import gzip
import json
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from minions.errors import UserError
from minions.evaluation.java_exec import JavaOutcome, run_java_programs
from minions.records import SCHEMA_VERSION, content_hash

BUILTIN_DATA = Path(__file__).parent / "data" / "humaneval-x-java.jsonl.gz"
# Generation stops at a line starting with "}" (in formatted code, the line closing the class) or where
# the model starts writing its own test; `java_completion` then decides by brace balance what to keep.
STOPS = ["\n}", "public static void main"]
FIELDS = ("task_id", "prompt", "canonical_solution", "test")


@dataclass(frozen=True)
class Problem:
    task_id: str
    prompt: str
    canonical_solution: str
    test: str


@dataclass(frozen=True)
class ProblemResult:
    task_id: str
    passed: bool
    error: str | None  # compile, runtime, assertion or timeout; None when it passed
    detail: str
    completion: str
    sample: int = 0  # which of a problem's sampled completions (0 when greedy)


def data_path(path: str | Path) -> Path:
    """The problems file: `builtin` is the copy shipped in the package."""
    return BUILTIN_DATA if str(path) == "builtin" else Path(path)


def load_problems(path: str | Path) -> list[Problem]:
    """The problems of a HumanEval-X jsonl or jsonl.gz file (`builtin`: the shipped Java copy)."""
    path = data_path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    problems = []
    try:
        with opener(path, "rt", encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                row = json.loads(line)
                missing = [k for k in FIELDS if not isinstance(row.get(k), str)]
                if missing:
                    raise UserError(f"{path} line {n} lacks {', '.join(missing)}; pass a HumanEval-X Java file")
                problems.append(Problem(**{k: row[k] for k in FIELDS}))
    except (OSError, ValueError, EOFError) as e:
        raise UserError(f"cannot read {path} as HumanEval-X jsonl(.gz): {e}; pass a HumanEval-X Java file") from None
    if not problems:
        raise UserError(f"{path} has no problems; pass a HumanEval-X Java file")
    return problems


def sample_problems(problems: list[Problem], limit: int | None, seed: int = 0) -> list[Problem]:
    """A seeded random subset of `limit` problems, in file order (all of them when limit is None or
    not smaller than their count)."""
    if limit is None or limit >= len(problems):
        return list(problems)
    if limit < 1:
        raise UserError(f"--limit must be at least 1, not {limit}")
    chosen = set(random.Random(seed).sample(range(len(problems)), limit))
    return [p for i, p in enumerate(problems) if i in chosen]


def generation_prompt(problem: Problem) -> str:
    """What the model continues: the prompt without its trailing whitespace. A prompt ending in "\\n" splits
    the newline-and-indent token a BPE model writes there (SmolLM2 then starts every body with "//")."""
    return problem.prompt.rstrip()


def completion_from_generation(problem: Problem, generated: str) -> str:
    """The completion (what follows the whole prompt) from a continuation of generation_prompt: the
    whitespace the prompt already ends with is dropped from its start, then java_completion."""
    tail = problem.prompt[len(problem.prompt.rstrip()) :]
    if tail and generated.startswith(tail):
        generated = generated[len(tail) :]
    return java_completion(generated)


def java_completion(generated: str) -> str:
    """A generated continuation made into a completion, as HumanEval-X's Java post-processing does: the
    prompt leaves a method of a class open, so the completion ends where braces balance the class; a
    completion that closed only the method gets the class's closing brace. `generated` is cut before a
    STOPS string; the cut "\\n}" is put back first (it closes the class, or a method written at column 0)."""
    text = generated + "\n}"
    depth, end = 2, None
    for i, ch in _code_chars(text):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                end = i + 1
                break
    if end is not None:
        return text[:end]
    return text + "\n}" if depth == 1 else text


def _code_chars(text: str):
    """(index, char) of the characters outside comments, string, text-block and char literals."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            i = text.find("\n", i)
            i = n if i == -1 else i
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j == -1 else j + 2
        elif text.startswith('"""', i):
            j = text.find('"""', i + 3)
            i = n if j == -1 else j + 3
        elif c in "\"'":
            i += 1
            while i < n and text[i] != c and text[i] != "\n":
                i += 2 if text[i] == "\\" else 1
            i += 1
        else:
            yield i, c
            i += 1


def program(problem: Problem, completion: str) -> str:
    """The Java source that is compiled and run: prompt + completion + "\\n" + test."""
    return problem.prompt + completion + "\n" + problem.test


def score(
    problems: list[Problem],
    completions: list[str] | list[list[str]],
    timeout: float = 10.0,
    workers: int = 2,
    on_result: Callable[[int, JavaOutcome], None] | None = None,
) -> list[ProblemResult]:
    """Compile and run every problem's program (or each of its sampled completions, when a problem has
    a list); one result per program, problem by problem, in order."""
    jobs = [
        (p, k, c)
        for p, cs in zip(problems, completions, strict=True)
        for k, c in enumerate([cs] if isinstance(cs, str) else cs)
    ]
    outcomes = run_java_programs([program(p, c) for p, _, c in jobs], timeout, workers, on_result)
    return [
        ProblemResult(p.task_id, o.passed, None if o.passed else o.kind, o.detail, c, k)
        for (p, k, c), o in zip(jobs, outcomes, strict=True)
    ]


def results_document(
    results: list[ProblemResult], model: str, data: Path, settings: dict, seconds: dict[str, float]
) -> dict:
    """What results.json holds: pass@1 (greedy: the share of problems passed; sampled: the unbiased
    estimator averaged over problems, and pass@10 / pass@100 when there are that many samples),
    counts, the error kinds, each program's result, the settings and the time taken."""
    from minions.scoring.text import pass_at_k

    passed = sum(r.passed for r in results)
    by_problem: dict[str, list[bool]] = {}
    for r in results:
        by_problem.setdefault(r.task_id, []).append(r.passed)
    n = min((len(v) for v in by_problem.values()), default=1)
    at_k = {
        f"pass@{k}": round(sum(pass_at_k(len(v), sum(v), k) for v in by_problem.values()) / len(by_problem), 4)
        for k in (1, 10, 100)
        if k <= n and by_problem
    }
    errors: dict[str, int] = {}
    for r in results:
        if r.error:
            errors[r.error] = errors.get(r.error, 0) + 1
    return {
        "schema_version": SCHEMA_VERSION,
        "benchmark": "humaneval-x-java",
        "model": model,
        "pass@1": 0.0,
        **at_k,
        "problems": len(by_problem),
        "samples": n,
        "passed": passed,
        "errors": dict(sorted(errors.items())),
        "data": {"path": str(data), "sha256": content_hash(data.read_bytes())},
        "settings": settings,
        "seconds": round(sum(seconds.values()), 2),
        "seconds_by_step": {k: round(v, 2) for k, v in seconds.items()},
        "results": [asdict(r) for r in results],
    }


def timed(step: Callable[[], object]) -> tuple[object, float]:
    """step()'s value and the seconds it took."""
    start = time.monotonic()
    value = step()
    return value, time.monotonic() - start
