"""`minions humaneval`: HumanEval-X Java pass@1 of the canonical solutions, the base model or an adapter."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from minions.cli.common import ForceOpt, JsonOpt, WorkspaceOpt, log, progress, result, setup_threads, workspace
from minions.errors import UserError
from minions.workspace import check_input_path, output_folder, write_json, write_manifest


def humaneval(
    path: str = typer.Argument(
        ...,
        help="HumanEval-X Java problems (.jsonl or .jsonl.gz); `builtin` is the copy shipped in the package "
        "(minions/evaluation/data/humaneval-x-java.jsonl.gz).",
    ),
    reference: bool = typer.Option(False, "--reference", help="Score the canonical solutions (checks the harness)."),
    adapter: str = typer.Option(
        None, "--adapter", "-a", help="Generate with this adapter (name, name@N or folder) on its base model."
    ),
    base: bool = typer.Option(False, "--base", help="Generate with the base model alone (see --base-model)."),
    base_model: str = typer.Option(
        "smollm2-135m", "--base-model", "-m", help="With --base: built-in name, HF folder or .gguf file."
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for results.json (refused when not empty)."),
    limit: int = typer.Option(None, help="Score a seeded random subset of this many problems.", show_default="all"),
    seed: int = typer.Option(0, help="Seed of the --limit subset."),
    max_new_tokens: int = typer.Option(384, help="Tokens generated at most per problem (a method body)."),
    samples: int = typer.Option(
        1, help="Completions per problem: 1 is greedy (pass@1); more are sampled (pass@1, pass@10, pass@100)."
    ),
    temperature: float = typer.Option(0.8, help="Sampling temperature (with --samples above 1)."),
    top_p: float = typer.Option(0.95, help="Nucleus sampling's top_p (with --samples above 1)."),
    batch_size: int = typer.Option(8, help="Prompts generated together (left-padded)."),
    timeout: float = typer.Option(10.0, help="Seconds a program may run before it counts as a timeout."),
    workers: int = typer.Option(2, help="JVMs compiling and running programs side by side."),
    ws: Path = WorkspaceOpt,
    force: bool = ForceOpt,
    as_json: bool = JsonOpt,
) -> None:
    """HumanEval-X (Java) pass@k: complete each problem's method, compile it with its tests, run them.

    Exactly one of --reference, --base, --adapter. Generation is greedy plain continuation of the problem's
    code prefix (no chat template, as HumanEval-X is scored), stopped where the class closes. Writes
    OUT/results.json (`pass@1`, per-problem results); prints its path.

    Example: minions humaneval builtin --adapter shop-v1 --out he-shop
    """
    from minions.evaluation.humaneval import data_path, load_problems, results_document, sample_problems, score

    chosen = [name for name, on in (("--reference", reference), ("--base", base), ("--adapter", adapter)) if on]
    if len(chosen) != 1:
        raise UserError("give exactly one of --reference, --base or --adapter NAME")
    for name, value in (("--timeout", timeout), ("--workers", workers), ("--max-new-tokens", max_new_tokens)):
        if value <= 0:
            raise UserError(f"{name} must be positive, not {value}")
    if batch_size < 1 or samples < 1:
        raise UserError(f"--batch-size and --samples must be at least 1, not {batch_size} and {samples}")
    if samples > 1 and (reference or temperature <= 0 or not 0 < top_p <= 1):
        raise UserError(
            "--samples above 1 samples from a model: not with --reference; --temperature > 0, 0 < --top-p <= 1"
        )
    data = check_input_path(data_path(path), "problems file")
    problems = sample_problems(load_problems(data), limit, seed)
    setup_threads()
    settings = {"limit": limit, "seed": seed, "timeout": timeout, "workers": workers}
    seconds: dict[str, float] = {}
    with output_folder(out, force) as tmp:
        if reference:
            model, completions = "reference", [p.canonical_solution for p in problems]
        else:
            decoding = {"samples": samples, "temperature": temperature, "top_p": top_p, "seed": seed}
            model, completions, seconds["generation"] = _generate(
                problems, adapter, base_model, ws, max_new_tokens, batch_size, decoding
            )
            settings.update(max_new_tokens=max_new_tokens, batch_size=batch_size, prompt="plain")
            settings.update({"decoding": "greedy"} if samples == 1 else {"decoding": "sampled", **decoding})
        start = time.monotonic()
        with progress(("compiling and running", len(problems) * samples)) as [advance]:
            results = score(problems, completions, timeout, workers, lambda i, o: advance(o.kind))
        seconds["execution"] = time.monotonic() - start
        res = results_document(results, model, data.resolve(), settings, seconds)
        write_json(tmp / "results.json", res)
        write_manifest(tmp, "humaneval", settings, {"data": res["data"]["sha256"]})
    at_k = ", ".join(f"{k} {v}" for k, v in res.items() if k.startswith("pass@"))
    log(f"{model}: {at_k} ({res['passed']}/{res['problems'] * samples} programs passed) in {res['seconds']} s")
    path_text = str((out / "results.json").resolve())
    result({**res, "results_path": path_text}, as_json, path_text)


def _generate(problems, adapter, base_model, ws, max_new_tokens, batch_size, decoding) -> tuple[str, list, float]:
    """(model label, completions, seconds): greedy continuations of the prompts made into completions,
    or with decoding["samples"] above 1, that many sampled completions per problem."""
    from minions.evaluation.generate import generate, load_generator, sample
    from minions.evaluation.humaneval import STOPS, completion_from_generation, generation_prompt
    from minions.models.base import base_hash, resolve_base_model

    w = workspace(ws)
    folder = None
    if adapter is not None:
        from minions.adapters import resolve_adapter
        from minions.adapters.meta import check_base, read_adapter_meta

        row = resolve_adapter(w, adapter)
        folder = Path(row["path"])
        meta = read_adapter_meta(folder)
        label = f"{row['name']}@{row['version']}" if row["version"] else (meta.get("name") or str(folder))
        base_folder = resolve_base_model(meta["base_model"], w)
        check_base(meta, base_hash(base_folder, w), str(base_folder))
    else:
        label = "base"
        base_folder = resolve_base_model(base_model, w)
    n = decoding["samples"]
    how = "greedy" if n == 1 else f"{n} samples each, temperature {decoding['temperature']}, top_p {decoding['top_p']}"
    log(f"generating with {label} ({len(problems)} problems, {how}, up to {max_new_tokens} new tokens)")
    start = time.monotonic()
    model, tokenizer = load_generator(base_folder, folder)
    with progress(("generating", len(problems))) as [advance]:

        def on_batch(n: int) -> None:
            for _ in range(n):
                advance()

        prompts = [generation_prompt(p) for p in problems]
        if n == 1:
            raw = generate(model, tokenizer, prompts, max_new_tokens, STOPS, batch_size, on_batch)
            completions = [completion_from_generation(p, t) for p, t in zip(problems, raw, strict=True)]
        else:
            drawn = sample(
                model,
                tokenizer,
                prompts,
                n,
                max_new_tokens,
                STOPS,
                temperature=decoding["temperature"],
                top_p=decoding["top_p"],
                seed=decoding["seed"],
                batch_size=max(1, batch_size // n),
                on_batch=on_batch,
            )
            completions = [
                [completion_from_generation(p, t) for t in ts] for p, ts in zip(problems, drawn, strict=True)
            ]
    return label, completions, time.monotonic() - start


def register(app: typer.Typer) -> None:
    app.command("humaneval")(humaneval)
