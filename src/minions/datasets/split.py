"""The split rule (ARCHITECTURE.md): whole groups, never single records.

Levels, coarse to fine: repository (when there are several), module, class group. A level is used
when the eval share it reaches is within half the target; the class level is always used. Groups
are ordered by a hash of their key and taken in that order until the share is reached.

Split guard: a group larger than twice the eval share never goes to a held-out split (one generated
class must not make half the eval set); it stays in train, the card names it, and the share is met
from the other groups. Only when no group at the class level is small enough does the smallest one
go to eval (a held-out split needs one group), and the result says the guard could not hold.
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
        limit = 2 * eval_share * n
        big = [k for k in ranked if len(groups[k]) > limit]
        order = [k for k in ranked if len(groups[k]) <= limit]
        guard_failed = False
        if len(order) < needed:
            if not finest:
                continue
            # no group small enough at the finest level: the smallest ones go held out (a split needs one)
            smallest = sorted(big, key=lambda k: (len(groups[k]), stable_id(k)))[: needed - len(order)]
            order += smallest
            big = [k for k in big if k not in smallest]
            guard_failed = True
        end_eval = _take(order, groups, 0, eval_share * n)
        n_eval = sum(len(groups[k]) for k in order[:end_eval])
        end_test = _take(order, groups, end_eval, test_share * n) if test_share > 0 else end_eval
        n_test = sum(len(groups[k]) for k in order[end_eval:end_test])
        misses = abs(n_eval / n - eval_share) > eval_share / 2 or abs(n_test / n - test_share) > test_share / 2
        no_train = end_test >= len(order) and not big
        if (misses or no_train) and not finest:
            continue  # a finer level fits the shares better
        if no_train:
            raise UserError("every group went to eval/test; lower split.eval_share or add sources")
        parts = {"eval": order[:end_eval], "train": order[end_test:] + big}
        if test_share > 0:
            parts["test"] = order[end_eval:end_test]
        return SplitResult(
            splits={s: [r for k in keys for r in groups[k]] for s, keys in parts.items()},
            level=level,
            groups={s: len(keys) for s, keys in parts.items()},
            guarded=[(_label(k), len(groups[k])) for k in big],
            guard_failed=guard_failed,
        )
    raise AssertionError("the class level always returns")


def _label(key: str) -> str:
    """A group key as the card shows it: its parts joined by `/`."""
    return "/".join(p for p in key.split("\x1f") if p)
