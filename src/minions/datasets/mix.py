"""Mixing: per-task and per-source quotas (`dataset.mix`), applied after the filters and before the split.

A quota caps a group's records at a count, a share of the mixed dataset, or both. Records are ranked
by a hash of (seed, record id), so the sample is the same on any machine and in any input order; a
group over its quota loses its lowest-ranked records. Shares are of the dataset after mixing: cutting
one group shrinks the total, so the caps are applied again until every quota holds. What is cut is a
rejection at stage `mix` naming the quota.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from minions.config import MixConfig, MixQuota
from minions.errors import UserError
from minions.records import InstructionRecord, Rejection, stable_id
from minions.tasks.registry import check_task_names


@dataclass
class _Group:
    label: str  # the config key, as the reason names it
    quota: MixQuota
    ranked: list[int] = field(default_factory=list)  # member indices, best-ranked first
    count: int = 0

    def limit(self, total: int) -> int:
        caps = [self.quota.max_count] if self.quota.max_count is not None else []
        if self.quota.max_share is not None:
            caps.append(math.floor(self.quota.max_share * total + 1e-9))
        return min(caps)

    def reason(self) -> str:
        caps = [f"{k} {v}" for k, v in (("max_count", self.quota.max_count), ("max_share", self.quota.max_share))]
        return f"over the quota dataset.mix.{self.label} ({', '.join(c for c in caps if not c.endswith('None'))})"


def mix_records(
    records: list[InstructionRecord], cfg: MixConfig, log: Callable[[str], None] = lambda s: None
) -> tuple[list[InstructionRecord], list[Rejection]]:
    """The records every quota allows (in input order) and a `mix` rejection for each one cut."""
    if not (cfg.tasks or cfg.sources) or not records:
        return records, []
    if cfg.tasks:
        check_task_names(list(cfg.tasks))
    repos = {r.source.repo for r in records}
    for key in cfg.sources:
        if key not in repos:
            raise UserError(
                f"dataset.mix.sources: {key!r} matches no record's repository (known: {', '.join(sorted(repos))}); "
                "name a source repository as its records carry it"
            )
    groups = [_Group(f"tasks.{k}", q) for k, q in cfg.tasks.items()]
    groups += [_Group(f"sources.{k}", q) for k, q in cfg.sources.items()]
    by_task = {k: groups[i] for i, k in enumerate(cfg.tasks)}
    by_repo = {k: groups[len(cfg.tasks) + i] for i, k in enumerate(cfg.sources)}
    rank = sorted(range(len(records)), key=lambda i: (stable_id(str(cfg.seed), records[i].id), i))
    member_of: dict[int, list[_Group]] = {}
    for i in rank:
        r = records[i]
        mine = [g for g in (by_task.get(r.task), by_repo.get(r.source.repo)) if g is not None]
        member_of[i] = mine
        for g in mine:
            g.ranked.append(i)
            g.count += 1
    cut: dict[int, str] = {}
    changed = True
    while changed:  # each pass cuts at least one record or stops
        changed = False
        for g in groups:
            limit = g.limit(len(records) - len(cut))
            while g.count > limit:
                i = g.ranked.pop()
                if i in cut:
                    continue
                cut[i] = g.reason()
                for owner in member_of[i]:
                    owner.count -= 1
                changed = True
    if len(cut) == len(records):
        raise UserError(
            "dataset.mix cuts every record (the quotas' shares leave no room for one another); raise max_share "
            "or quota fewer groups"
        )
    kept = [r for i, r in enumerate(records) if i not in cut]
    rejected = [Rejection(id=records[i].id, task=records[i].task, stage="mix", reason=cut[i]) for i in sorted(cut)]
    if rejected:
        log(f"mixed: {len(rejected)} records over their quotas cut, {len(kept)} kept")
    return kept, rejected
