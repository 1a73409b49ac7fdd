"""The split rule (ARCHITECTURE.md): whole groups, never single records.

Levels, coarse to fine: repository (when there are several), module, class group. A level is used
when the eval share it reaches is within half the target; the class level is always used. Groups
are ordered by a hash of their key and taken in that order until the share is reached.

Split guard: a group larger than twice the eval share never goes to eval, nor one larger than twice
the test share to test (one generated class must not make half the eval set); it stays in train,
the card names it, and the share is met from the other groups. A coarse level where most records sit
in such groups is passed over for a finer one. Only when no group at the class level is small
enough does the smallest one go held out (a held-out split needs one group), and the result says
the guard could not hold.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from minions.errors import UserError
from minions.records import InstructionRecord, stable_id

Key = Callable[[InstructionRecord], str]
LEVELS: list[tuple[str, Key]] = [
    ("repository", lambda r: r.source.repo),
    ("module", lambda r: f"{r.source.repo}\x1f{r.module}"),
    ("class", lambda r: f"{r.source.repo}\x1f{r.module}\x1f{r.focal_class}"),
]


@dataclass
class SplitResult:
    splits: dict[str, list[InstructionRecord]]
    level: str
    groups: dict[str, int] = field(default_factory=dict)  # split -> number of groups
    guarded: list[tuple[str, int]] = field(default_factory=list)  # (group, records) kept in train by the guard
    guard_failed: bool = False  # every group was too large; the smallest went to eval anyway


def _take(order: list[str], groups: dict[str, list], start: int, want: float) -> int:
    """Index after the groups taken from `start` until `want` records are reached (at least one)."""
    got, i = 0, start
    while i < len(order) and (i == start or got < want):
        got += len(groups[order[i]])
        i += 1
    return i


def split_records(records: list[InstructionRecord], eval_share: float, test_share: float = 0.0) -> SplitResult:
    """Split into train/eval (and test when its share is above 0) by the map's group rule."""
    if not records:
        raise UserError("no records to split; check the sources and tasks (see rejected.jsonl for why)")
    n = len(records)
    several_repos = len({r.source.repo for r in records}) > 1
    levels = LEVELS if several_repos else LEVELS[1:]
    for pos, (level, key) in enumerate(levels):
        groups: dict[str, list[InstructionRecord]] = defaultdict(list)
        for r in records:
            groups[key(r)].append(r)
        ranked = sorted(groups, key=lambda k: stable_id(k))
        needed = 1 + (1 if test_share > 0 else 0)
        finest = pos == len(levels) - 1
        if len(ranked) <= needed and not finest:
            continue
        if len(ranked) <= needed:
            raise UserError(f"only {len(ranked)} class group(s): too little data for a train and an eval split")
        size = {k: len(groups[k]) for k in ranked}
        limits = {"eval": 2 * eval_share * n, "test": 2 * test_share * n}
        if not finest and sum(v for v in size.values() if v > limits["eval"]) > n / 2:
            continue  # most records sit in groups too big to hold out: a finer level splits them fairly
        taken: dict[str, list[str]] = {}
        guard_failed = False
        for split, share in (("eval", eval_share), ("test", test_share)):
            if share <= 0:
                continue
            free = [k for k in ranked if not any(k in t for t in taken.values())]
            fits = [k for k in free if size[k] <= limits[split]]
            if not fits:
                if not finest:
                    break
                # no group small enough at the finest level: the smallest goes held out (a split needs one)
                fits = sorted(free, key=lambda k: (size[k], stable_id(k)))[:1]
                guard_failed = True
            taken[split] = fits[: _take(fits, groups, 0, share * n)]
        else:
            held = {k for t in taken.values() for k in t}
            train = [k for k in ranked if k not in held]
            counts = {split: sum(size[k] for k in keys) for split, keys in taken.items()}
            misses = any(
                abs(counts[s] / n - share) > share / 2
                for s, share in (("eval", eval_share), ("test", test_share))
                if share > 0
            )
            if (misses or not train) and not finest:
                continue  # a finer level fits the shares better
            if not train:
                raise UserError("every group went to eval/test; lower split.eval_share or add sources")
            parts = {"eval": taken["eval"], "train": train, **({"test": taken["test"]} if test_share > 0 else {})}
            big = [k for k in train if size[k] > limits["eval"] or (test_share > 0 and size[k] > limits["test"])]
            return SplitResult(
                splits={s: [r for k in keys for r in groups[k]] for s, keys in parts.items()},
                level=level,
                groups={s: len(keys) for s, keys in parts.items()},
                guarded=[(_label(k), size[k]) for k in big],
                guard_failed=guard_failed,
            )
    raise AssertionError("the class level always returns")


def _label(key: str) -> str:
    """A group key as the card shows it: its parts joined by `/`."""
    return "/".join(p for p in key.split("\x1f") if p)
