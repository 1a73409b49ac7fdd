"""Conventions: a record whose output breaks a REST, SQL or company rule (`minions.conventions`).

- REST rules (`conventions.rest`) on endpoint-design outputs (form `endpoints`: each table row
  `| VERB | /path | ... |` is checked).
- SQL rules (`conventions.sql`) on SQL outputs (`check_sql`) and code outputs (`check_code`: the
  SQL the code builds in strings).
- The company's rules (`conventions.rules` in the config) on every record, each on its field.

Figures: `setting_company_rules` (a fingerprint of the company's rules: figures measured under other
rules are not reused by a resumed build); per rule set, the violations in all (`rest`, `sql`, `company`) and per rule
(`rest:verb-in-path`, `sql:select-star`, `company:<id>`, every rule present, 0 when it holds).
`judge` rejects on the first rule with a violation, naming its id and message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from minions.config import CompanyRule, FiltersConfig, PipelineConfig
from minions.conventions import company, rest, sql
from minions.filters.base import fingerprint, register_record_filter
from minions.filters.outputs import is_code, output_form
from minions.records import InstructionRecord
from minions.workspace import Workspace

_ROW = re.compile(r"^\|\s*([A-Za-z]+)\s*\|\s*(\S+?)\s*\|", re.M)


def endpoint_rows(table: str) -> list[tuple[str, str]]:
    """(method, path) of each row of a `| verb | path | ... |` table (the header and rule left out)."""
    return [(m.upper(), p) for m, p in _ROW.findall(table) if m.lower() != "verb" and p.startswith("/")]


def rest_violations(record: InstructionRecord) -> list[rest.Violation]:
    if output_form(record.task) != "endpoints":
        return []
    return [v for method, path in endpoint_rows(record.output) for v in rest.check(method, path)]


def sql_violations(record: InstructionRecord) -> list[rest.Violation]:
    if output_form(record.task) == "sql":
        return sql.check_sql(record.output)
    if is_code(record.task, record.lang):
        return sql.check_code(record.output, record.lang)
    return []


@dataclass(frozen=True)
class Conventions:
    name: str = "conventions"
    rules: tuple[CompanyRule, ...] = ()  # the company's rules, from the config

    def configure(self, cfg: PipelineConfig, ws: Workspace | None) -> Conventions:
        return Conventions(self.name, tuple(cfg.conventions.rules))

    def stats(self, record: InstructionRecord) -> dict[str, float]:
        out: dict[str, float] = {}
        for prefix, found, ids in (
            ("rest", rest_violations(record), rest.RULES),
            ("sql", sql_violations(record), sql.RULES),
        ):
            out[prefix] = float(len(found))
            out.update({f"{prefix}:{i}": float(sum(v.rule == i for v in found)) for i in ids})
        out["setting_company_rules"] = fingerprint(
            repr([(r.id, r.field, r.pattern, r.entry_point) for r in self.rules])
        )
        out["company"] = 0.0
        for r in self.rules:
            n = len(company.violations(getattr(record, r.field), r.pattern, r.entry_point))
            out[f"company:{r.id}"] = float(n)
            out["company"] += n
        return out

    def judge(self, s: dict[str, float], t: FiltersConfig) -> tuple[bool, str]:
        if not t.conventions:
            return True, ""
        messages = {
            **{f"rest:{k}": v for k, v in rest.RULES.items()},
            **{f"sql:{k}": v for k, v in sql.RULES.items()},
            **{f"company:{r.id}": r.message for r in self.rules},
        }
        for key, n in s.items():
            if ":" in key and n > 0:
                kind, rule = key.split(":", 1)
                message = messages.get(key, "")
                return False, f"{kind} rule {rule}: {message} ({int(n)} violation{'s' if n != 1 else ''})"
        return True, ""


register_record_filter(Conventions())
