"""Training benchmark: useful tokens/s of `minions train` vs a plain transformers Trainer + peft baseline.

Same records, same base model, same machine, one run each, one torch thread, the same epochs, batch
size, learning rate, seed, LoRA settings (minions' defaults, `TrainConfig()`) and encoding (minions'
prompt template and `encode_example`, truncated to the same max length), so only the training loop
differs.

- Data: this repository's own `src` (`git archive HEAD src`, a real public repository) built with
  `minions build` into bench/.out/train-bench-dataset (or `--dataset DIR`, any built dataset); a seeded
  sample of `--records` train and up to `--eval-records` eval records is written to
  bench/.out/train-bench/data/, and both trainers read exactly those.
- Baseline: `transformers.Trainer` with default `TrainingArguments` except what CPU and fairness need
  (use_cpu, bf16 off, epochs, per-device batch size, learning rate, seed, no saving, report_to none),
  batches padded to their longest record (`DataCollatorForSeq2Seq`, label pad -100), no packing, no
  length grouping. Timed by a callback from the first step's start to the last step's end.
- minions: `minions train` as a subprocess with the same options; timed by the adapter's
  `train_log.jsonl` (`seconds` at the last step).
- Useful tokens: the non-pad tokens (prompt + completion) of the encoded train records x epochs, the
  same number for both; each trainer's own count (the baseline's batches, minions' `tokens` column) is
  reported beside it as a check.
- Eval loss: one function for both adapters, mean cross-entropy over completion tokens of the eval
  records, teacher-forced, base + adapter loaded with peft.

Usage: python bench/train_bench.py [--records 200] [--eval-records 100] [--epochs 1] [--dataset DIR | --src-commit REV]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import random
import shlex
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / ".out"
GOAL_RATIO, AIM_RATIO = 1.5, 2.0
ADAPTER_NAME = "train-bench"


@dataclass(frozen=True)
class Settings:
    """What both trainers get: minions' defaults resolved for the base model, as `minions train` resolves them."""

    base_model: str
    epochs: float
    batch_size: int
    learning_rate: float
    max_length: int
    seed: int
    lora_r: int
    lora_alpha: int
    lora_dropout: float
    target_modules: list[str] | str


def resolve(base_folder: Path, base_model: str, epochs: float, seed: int, **given) -> Settings:
    """The bench's settings: those given, the rest minions' defaults sized to the base model."""
    from minions.config import TrainConfig
    from minions.models.base import model_facts
    from minions.training.settings import resolve_settings

    cfg = TrainConfig(**{k: v for k, v in given.items() if v is not None}, epochs=epochs, seed=seed)
    facts = model_facts(base_folder)
    r = resolve_settings(
        cfg,
        template="auto",
        train_records=1,
        val_records=0,
        batches_per_epoch=1,
        model_parameters=facts["parameters"],
        model_context=facts["context"],
    )
    return Settings(
        base_model,
        epochs,
        r.batch_size,
        r.learning_rate,
        r.max_length,
        seed,
        r.lora_r,
        r.lora_alpha,
        r.lora_dropout,
        r.target_modules,
    )


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("OMP_NUM_THREADS", "1")
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("TOKENIZERS_PARALLELISM", "false")
    return env


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --- data ----------------------------------------------------------------------------------------------


def build_own_dataset(out: Path, minions: list[str], workspace: Path, rev: str = "HEAD") -> tuple[Path, str]:
    """This repository's `src` at `rev`, built into a dataset under `out` (reused while the commit is the
    same); the dataset folder and the commit."""
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", rev], capture_output=True, text=True)
    if head.returncode:
        raise SystemExit(f"--src-commit {rev} is not a commit of {ROOT}")
    commit = head.stdout.strip()
    src, dataset, stamp = out / "train-bench-src", out / "train-bench-dataset", out / "train-bench-dataset.commit"
    # the builder is this checkout's minions: another version of it may build other records from the same src
    import minions as package  # not `minions`: that name is the command line this function runs

    key = f"{commit} {_code_stamp(Path(package.__file__).parent)}"
    if stamp.exists() and stamp.read_text() == key and (dataset / "train.jsonl").is_file():
        return dataset, commit
    log(f"building a dataset from {ROOT.name}'s src at {commit[:10]} into {dataset}")
    if src.exists():
        subprocess.run(["rm", "-rf", str(src)], check=True)
    src.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "src"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(src)], input=archive.stdout, check=True)
    cmd = [*minions, "build", str(src), "--out", str(dataset), "--force", "--workspace", str(workspace)]
    # a fixed scrub key: its pseudonyms are part of the records' text, so the same records on every machine
    env = {**_env(), "MINIONS_SCRUB_KEY": "train-bench"}
    subprocess.run(cmd, check=True, env=env, cwd=out, stdout=subprocess.DEVNULL)
    stamp.write_text(key)
    return dataset, commit


def _code_stamp(package: Path) -> str:
    """A hash of a package's Python files: changes when its code does."""
    h = hashlib.sha256()
    for f in sorted(package.rglob("*.py")):
        h.update(f.relative_to(package).as_posix().encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:16]


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


def sample_records(dataset: Path, out: Path, n_train: int, n_eval: int, seed: int) -> tuple[list[dict], list[dict]]:
    """A seeded sample of train and eval records, written to `out` (train.jsonl, eval.jsonl) for both trainers."""
    train, evals = read_jsonl(dataset / "train.jsonl"), read_jsonl(dataset / "eval.jsonl")
    if len(train) < n_train:
        raise SystemExit(f"{dataset}/train.jsonl has {len(train)} records, fewer than --records {n_train}")
    if not evals:
        raise SystemExit(f"{dataset}/eval.jsonl has no records to measure the eval loss on")
    rng = random.Random(seed)
    train, evals = rng.sample(train, n_train), rng.sample(evals, min(n_eval, len(evals)))
    out.mkdir(parents=True, exist_ok=True)
    write_jsonl(out / "train.jsonl", train)
    write_jsonl(out / "eval.jsonl", evals)
    return train, evals


def encode(records: list[dict], tokenizer, max_length: int) -> list[tuple[list[int], list[int]]]:
    """minions' encoding: its template for this tokenizer, its truncation."""
    from minions.config import TrainConfig
    from minions.models.examples import encode_example
    from minions.models.templates import choose_template

    template = choose_template(TrainConfig().template, tokenizer)
    return [encode_example(tokenizer, template, r, max_length) for r in records]


def template_name(tokenizer) -> str:
    from minions.config import TrainConfig
    from minions.models.templates import choose_template

    return choose_template(TrainConfig().template, tokenizer).name


def load_base(folder: Path):
    """Tokenizer (pad = eos when it has none, as minions does) and fp32 model."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(folder)
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer, AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32)


# --- the two trainers ----------------------------------------------------------------------------------


def run_baseline(base_folder: Path, records: list[dict], s: Settings, out: Path) -> dict:
    """transformers.Trainer + peft LoRA, padding to the longest record of each batch; the adapter goes to `out`."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import DataCollatorForSeq2Seq, Trainer, TrainerCallback, TrainingArguments

    torch.set_num_threads(1)
    torch.manual_seed(s.seed)
    tokenizer, model = load_base(base_folder)
    lora = LoraConfig(
        r=s.lora_r,
        lora_alpha=s.lora_alpha,
        lora_dropout=s.lora_dropout,
        target_modules=s.target_modules,
        task_type="CAUSAL_LM",
    )
    model = get_peft_model(model, lora)
    examples = encode(records, tokenizer, s.max_length)
    rows = [{"input_ids": x, "attention_mask": [1] * len(x), "labels": y} for x, y in examples]
    pad = DataCollatorForSeq2Seq(tokenizer, label_pad_token_id=-100, padding="longest")
    seen = {"tokens": 0, "padded": 0}

    def collate(features):
        batch = pad(features)
        seen["tokens"] += int(batch["attention_mask"].sum())
        seen["padded"] += batch["attention_mask"].numel()
        return batch

    class Clock(TrainerCallback):
        def __init__(self):
            self.start: float | None = None
            self.end = 0.0
            self.steps = 0
            self.losses: list[float] = []

        def on_step_begin(self, args, state, control, **kwargs):
            if self.start is None:
                self.start = time.perf_counter()

        def on_step_end(self, args, state, control, **kwargs):
            self.end = time.perf_counter()
            self.steps += 1

        def on_log(self, args, state, control, logs=None, **kwargs):
            if logs and "loss" in logs:
                self.losses.append(float(logs["loss"]))

    args = TrainingArguments(
        output_dir=str(out / "trainer"),
        use_cpu=True,
        bf16=False,
        num_train_epochs=s.epochs,
        per_device_train_batch_size=s.batch_size,
        learning_rate=s.learning_rate,
        seed=s.seed,
        eval_strategy="no",
        save_strategy="no",
        report_to="none",
        disable_tqdm=True,
        logging_steps=max(1, len(rows) // s.batch_size),  # once an epoch: the loss for the table
    )
    clock = Clock()
    trainer = Trainer(model=model, args=args, train_dataset=rows, data_collator=collate, callbacks=[clock])
    with contextlib.redirect_stdout(sys.stderr):  # its log lines; stdout holds only the table
        trainer.train()
    adapter = out / "adapter"
    model.save_pretrained(adapter)
    assert clock.start is not None
    return {
        "seconds": clock.end - clock.start,
        "steps": clock.steps,
        "tokens_counted": seen["tokens"],
        "padded_tokens": seen["padded"],
        "final_loss": clock.losses[-1] if clock.losses else None,
        "adapter": str(adapter),
    }


def run_minions(minions: list[str], data: Path, s: Settings, out: Path, workspace: Path, packing: bool | None) -> dict:
    """`minions train` as a subprocess; its time and token counts from the adapter's train_log.jsonl.

    Its validation slice is off (train.val_share 0 in a config file), so it trains on every record the
    baseline does."""
    config = out.parent / "minions-train.yaml"
    config.write_text(
        "# the training benchmark: every train record is trained on, as by the baseline\ntrain:\n  val_share: 0\n"
    )
    cmd = [
        *minions,
        "train",
        str(data),
        "--name",
        ADAPTER_NAME,
        "--base-model",
        s.base_model,
        "--epochs",
        f"{s.epochs:g}",
        "--batch-size",
        str(s.batch_size),
        "--max-length",
        str(s.max_length),
        "--learning-rate",
        f"{s.learning_rate:g}",
        "--config",
        str(config),
        "--workspace",
        str(workspace),
        "--out",
        str(out),
        "--force",
    ]
    if packing is not None:
        cmd.append("--packing" if packing else "--no-packing")
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=_env(), cwd=OUT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"minions train failed (exit {proc.returncode}): {shlex.join(cmd)}\n{proc.stderr[-3000:]}")
    steps = read_jsonl(out / "train_log.jsonl")
    if not steps or "tokens" not in steps[-1]:
        raise SystemExit(f"{out}/train_log.jsonl has no `tokens` per step: this minions is older than the benchmark")
    used = json.loads((out / "settings.json").read_text())
    want = {k: v for k, v in asdict(s).items() if k not in ("base_model", "epochs")}
    differ = {k: (used.get(k), v) for k, v in want.items() if used.get(k) != v}
    if differ or used.get("val_records"):
        raise SystemExit(f"minions train resolved other settings than the baseline's (theirs, ours): {differ}")
    return {
        "seconds": float(steps[-1]["seconds"]),
        "steps": len(steps),
        "tokens_counted": sum(int(r["tokens"]) for r in steps),
        "final_loss": float(steps[-1]["loss"]),
        "process_wall_s": wall,
        "packing": used.get("packing"),
        "group_by_length": used.get("group_by_length"),
        "template": json.loads((out / "minions-adapter.json").read_text())["template"]["name"],
        "adapter": str(out),
        "command": shlex.join(cmd),
    }


# --- eval loss -----------------------------------------------------------------------------------------


def eval_loss(
    base_folder: Path, adapter: Path | None, records: list[dict], max_length: int, batch_size: int = 4
) -> float:
    """Mean cross-entropy over the completion tokens of `records`, teacher-forced, base + `adapter` (peft);
    the base model alone when `adapter` is None."""
    import torch
    from peft import PeftModel

    from minions.models.examples import IGNORE, collate

    torch.set_num_threads(1)
    tokenizer, model = load_base(base_folder)
    if adapter is not None:
        model = PeftModel.from_pretrained(model, adapter)
    model.eval()
    examples = encode(records, tokenizer, max_length)
    total, count = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(examples), batch_size):
            ids, mask, labels = collate(examples[i : i + batch_size], tokenizer.pad_token_id)
            logits = model(input_ids=ids, attention_mask=mask).logits[:, :-1].float()
            target = labels[:, 1:]
            total += torch.nn.functional.cross_entropy(
                logits.reshape(-1, logits.size(-1)), target.reshape(-1), ignore_index=IGNORE, reduction="sum"
            ).item()
            count += int((target != IGNORE).sum())
    return total / count


# --- report --------------------------------------------------------------------------------------------


def summarize(useful: int, baseline: dict, mine: dict, losses: dict[str, float]) -> dict:
    """Tokens/s, the ratio and the goal, from the two runs and the eval losses."""
    for name, run in (("baseline", baseline), ("minions", mine)):
        if run["seconds"] <= 0:
            raise SystemExit(f"{name} trained too fast to time ({run['seconds']} s); train on more records")
        run["useful_tokens_per_s"] = useful / run["seconds"]
    ratio = mine["useful_tokens_per_s"] / baseline["useful_tokens_per_s"]
    no_worse = losses["minions"] <= losses["baseline"]
    return {
        "ratio": ratio,
        "eval_loss_no_worse": no_worse,
        "goal": {"speed": ratio >= GOAL_RATIO, "aim": ratio >= AIM_RATIO, "eval_loss": no_worse},
    }


def markdown(res: dict) -> str:
    s, b, m, e = res["settings"], res["baseline"], res["minions"], res["eval_loss"]
    lines = [
        f"### Training benchmark: {res['records']} train records ({res['useful_tokens_per_epoch']:,} useful tokens an "
        f"epoch), {res['eval_records']} eval records, `{s['base_model']}`, {s['epochs']:g} epoch(s), batch "
        f"{s['batch_size']}, lr {s['learning_rate']:g}, max length {s['max_length']}, CPU, 1 thread",
        "",
        "| trainer | steps | train s | useful tokens/s | tokens counted | final train loss | eval loss |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    rows = "packed rows" if m["packing"] else "rows grouped by length" if m["group_by_length"] else "rows"
    for name, r in (("transformers Trainer + peft", b), (f"minions train ({rows})", m)):
        key = "baseline" if r is b else "minions"
        fl = "-" if r["final_loss"] is None else f"{r['final_loss']:.3f}"
        lines.append(
            f"| {name} | {r['steps']} | {r['seconds']:.1f} | {r['useful_tokens_per_s']:.1f} | "
            f"{r['tokens_counted']:,} | {fl} | {e[key]:.4f} |"
        )
    lines += [
        f"| base model, no adapter | | | | | | {e['base']:.4f} |",
        "",
        f"minions: **{res['ratio']:.2f}x** the baseline's useful tokens/s; eval loss "
        f"{'no worse' if res['eval_loss_no_worse'] else 'WORSE'} ({e['minions']:.4f} vs {e['baseline']:.4f}).",
        f"Goal ({GOAL_RATIO}x at an eval loss no worse, {AIM_RATIO}x the aim): speed "
        f"{'met' if res['goal']['speed'] else 'NOT met'}, aim {'met' if res['goal']['aim'] else 'not met'}, "
        f"eval loss {'met' if res['goal']['eval_loss'] else 'NOT met'}.",
        "",
        f"Reproduce: `{res['command']}`",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", type=Path, help="a built dataset folder [default: build one from this repo's src]")
    ap.add_argument("--src-commit", default="HEAD", help="the commit of this repository to build from")
    ap.add_argument("--records", type=int, default=200, help="train records (default 200)")
    ap.add_argument("--eval-records", type=int, default=100, help="eval records, at most (default 100)")
    ap.add_argument("--epochs", type=float, default=1.0)
    ap.add_argument("--batch-size", type=int, help="[default: minions' train.batch_size]")
    ap.add_argument("--learning-rate", type=float, help="[default: minions' train.learning_rate]")
    ap.add_argument("--max-length", type=int, help="[default: minions' train.max_length]")
    ap.add_argument("--base-model", default="smollm2-135m")
    ap.add_argument("--seed", type=int, default=0, help="for the sample and both trainers")
    ap.add_argument("--packing", action=argparse.BooleanOptionalAction, default=None, help="[default: minions']")
    ap.add_argument("--out", type=Path, default=OUT / "train-bench", help="working folder")
    ap.add_argument("--json", type=Path, default=OUT / "train_bench.json")
    ap.add_argument("--minions", default=f"{sys.executable} -m minions", help="how to run the minions CLI")
    args = ap.parse_args(argv)
    # the CLI runs in other folders: paths given relative to here must not change meaning there
    args.out, args.json = args.out.resolve(), args.json.resolve()
    args.dataset = args.dataset.resolve() if args.dataset else None

    from minions.models.base import resolve_base_model
    from minions.workspace import Workspace

    minions = shlex.split(args.minions)
    work = args.out
    workspace = work / "workspace"
    OUT.mkdir(exist_ok=True)
    if args.dataset:
        dataset, commit = args.dataset, None
    else:
        dataset, commit = build_own_dataset(OUT, minions, OUT / "train-bench-ws", args.src_commit)
    train, evals = sample_records(dataset, work / "data", args.records, args.eval_records, args.seed)
    base_folder = resolve_base_model(args.base_model, Workspace(workspace))
    s = resolve(
        base_folder,
        args.base_model,
        args.epochs,
        args.seed,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        max_length=args.max_length,
    )
    tokenizer, _ = load_base(base_folder)
    useful_epoch = sum(len(ids) for ids, _ in encode(train, tokenizer, s.max_length))
    useful = round(useful_epoch * s.epochs)

    log(f"baseline: transformers Trainer + peft, {len(train)} records, {s.epochs:g} epoch(s) ...")
    load_before = os.getloadavg()[0]
    baseline = run_baseline(base_folder, train, s, work / "baseline")
    baseline["load_avg"] = [load_before, os.getloadavg()[0]]  # other work on the machine skews the times
    log(f"  {baseline['seconds']:.1f} s")
    log("minions train ...")
    load_before = os.getloadavg()[0]
    mine = run_minions(minions, work / "data", s, work / "minions", workspace, args.packing)
    mine["load_avg"] = [load_before, os.getloadavg()[0]]
    log(f"  {mine['seconds']:.1f} s")
    if mine["template"] != template_name(tokenizer):
        raise SystemExit(f"minions trained with the {mine['template']} template, the bench encodes with another")
    log("eval loss ...")
    losses = {
        "base": eval_loss(base_folder, None, evals, s.max_length),
        "baseline": eval_loss(base_folder, Path(baseline["adapter"]), evals, s.max_length),
        "minions": eval_loss(base_folder, Path(mine["adapter"]), evals, s.max_length),
    }
    command = f"python bench/train_bench.py --records {args.records} --eval-records {args.eval_records}"
    command += f" --epochs {s.epochs:g} --batch-size {s.batch_size} --learning-rate {s.learning_rate:g}"
    command += f" --max-length {s.max_length} --base-model {s.base_model} --seed {s.seed}"
    command += f" --dataset {args.dataset}" if args.dataset else f" --src-commit {commit[:12]}"
    if args.packing is not None:
        command += " --packing" if args.packing else " --no-packing"
    res = {
        "settings": asdict(s),
        "dataset": str(dataset),
        "src_commit": commit,
        "records": len(train),
        "eval_records": len(evals),
        "useful_tokens_per_epoch": useful_epoch,
        "useful_tokens": useful,
        "baseline": baseline,
        "minions": mine,
        "eval_loss": losses,
        "cpus": os.cpu_count(),
        "command": command,
    }
    res.update(summarize(useful, baseline, mine, losses))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(res, indent=1))
    print(markdown(res))
    print(f"\n(JSON: {args.json})")
    return res


if __name__ == "__main__":
    main()
