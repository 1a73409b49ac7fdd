"""Deduplication: exact (whitespace-normalized) and near (`near_dedup.py`), on records and on JSONL rows."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import PurePosixPath
from typing import NamedTuple

from minions.config import FiltersConfig
from minions.filters.base import register_corpus_filter
from minions.filters.near_dedup import code_tokens, near_duplicates
from minions.records import InstructionRecord, Rejection, content_hash

_WS = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Whitespace runs collapse to one space; leading and trailing space is dropped."""
    return _WS.sub(" ", text).strip()


class RowDuplicate(NamedTuple):
    """A removed JSONL row: its number and the kept row's (1-based), their Jaccard, whether exact."""

    row: int
    kept_row: int
    jaccard: float
    exact: bool


def field_text(row: dict, path: str) -> str | None:
    """The string at `path` in a row: a top-level key as written, else a dotted path (`a.b`, list
    items by index `a.0`); None when it is missing or not a string."""
    if path in row:
        value = row[path]
    else:
        value = row
        for part in path.split("."):
            if isinstance(value, dict) and part in value:
                value = value[part]
            elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
                value = value[int(part)]
            else:
                return None
    return value if isinstance(value, str) else None


def dedup_rows(
    rows: list[dict], field: str, threshold: float = 0.8, ngram: int = 5, lang: str | None = None
) -> tuple[list[dict], list[RowDuplicate], int]:
    """Rows kept, rows removed and how many rows had no text at `field` (those are kept). Threshold 1:
    exact duplicates only (whitespace-normalized text); below 1, near duplicates too (`near_duplicates`:
    Jaccard of code-token `ngram` shingles; `lang` says how comments are written). The first in input
    order is kept."""
    with_text = [(i, text) for i, row in enumerate(rows) if (text := field_text(row, field)) is not None]
    dropped: dict[int, RowDuplicate] = {}
    if threshold >= 1:
        first: dict[str, int] = {}
        for i, text in with_text:
            owner = first.setdefault(content_hash(normalize(text)), i)
            if owner != i:
                dropped[i] = RowDuplicate(i + 1, owner + 1, 1.0, True)
    else:
        texts = [text for _, text in with_text]
        found = near_duplicates(texts, threshold=threshold, ngram=ngram, langs=[lang] * len(texts))
        for (i, text), dup in zip(with_text, found, strict=True):
            if dup is not None:
                owner, other = with_text[dup[0]]
                dropped[i] = RowDuplicate(i + 1, owner + 1, dup[1], normalize(text) == normalize(other))
    kept = [row for i, row in enumerate(rows) if i not in dropped]
    return kept, [dropped[i] for i in sorted(dropped)], len(rows) - len(with_text)


def _record_key(r: InstructionRecord) -> str:
    """A record's identity for exact dedup: its task, input and output, whitespace-normalized. Not the
    output alone: two tests of one method (implement-from-test) or a method taught by two tasks are
    different lessons with one answer."""
    return content_hash("\x1f".join([r.task, normalize(r.input), normalize(r.output)]))


class ExactDedup:
    name = "exact-dedup"

    def fit(self, records: list[InstructionRecord], t: FiltersConfig) -> dict[str, str]:
        first: dict[str, str] = {}
        for r in records:
            first.setdefault(_record_key(r), r.id)
        return first

    def keep(self, record: InstructionRecord, state: dict[str, str], t: FiltersConfig) -> tuple[bool, str]:
        if t.dedup == "none":
            return True, ""
        owner = state[_record_key(record)]
        return (True, "") if owner == record.id else (False, f"exact duplicate of {owner}")


# path segments of a copy that is not the canonical one: vendored, third-party or generated code
_NOT_CANONICAL = {
    "vendor",
    "vendored",
    "third_party",
    "third-party",
    "thirdparty",
    "3rdparty",
    "node_modules",
    "bower_components",
    "generated",
    "generated-sources",
    "generated-src",
}


def is_canonical(path: str) -> bool:
    """False for a vendored, third-party or generated copy (a segment like `vendor/`, `third_party/`,
    `node_modules/`, `generated/`, or a `.generated.` file name), which near-dedup removes first."""
    parts = [p.lower() for p in PurePosixPath(path.replace("\\", "/")).parts]
    return not (any(p in _NOT_CANONICAL for p in parts[:-1]) or (parts and ".generated." in parts[-1]))


_COMMENT_MARKS = re.compile(r"/\*+|\*+/|<!--|-->|^[ \t]*(?://+|#+|--|\*+(?!/))", re.MULTILINE)


def _answer_text(output: str, lang: str | None = None) -> str:
    """The output as near-dedup compares it: code tokens drop comments, so an output that is nothing
    but a comment (a generated doc comment) is compared by its words instead."""
    return output if code_tokens(output, lang) else _COMMENT_MARKS.sub(" ", output)


class NearDedup:
    """Within each task, a record whose output and input are both `near_dedup` alike (Jaccard of
    code-token shingles) to a kept record's goes; the canonical copy is kept first, else the first in
    input order. Both, not the two joined: records that share a long context (a class outline, a
    schema) and differ in a short answer are different lessons; on mall, joining them removed 157
    implement-method records of different methods of one class."""

    name = "near-dedup"

    def fit(self, records: list[InstructionRecord], t: FiltersConfig) -> dict[str, tuple[str, float]]:
        if t.near_dedup is None or t.dedup == "none":
            return {}
        by_task: dict[str, list[InstructionRecord]] = defaultdict(list)
        for r in records:
            by_task[r.task].append(r)
        removed: dict[str, tuple[str, float]] = {}
        for group in by_task.values():
            found = near_duplicates(
                [_answer_text(r.output, r.lang) for r in group],
                threshold=t.near_dedup,
                ngram=t.near_dedup_ngram,
                prefer=[0 if is_canonical(r.source.path) else 1 for r in group],
                also=[r.input for r in group],
                langs=[r.lang for r in group],
            )
            for r, dup in zip(group, found, strict=True):
                if dup is not None:
                    removed[r.id] = (group[dup[0]].id, dup[1])
        return removed

    def keep(
        self, record: InstructionRecord, state: dict[str, tuple[str, float]], t: FiltersConfig
    ) -> tuple[bool, str]:
        if record.id not in state:
            return True, ""
        owner, jaccard = state[record.id]
        return False, f"near duplicate of {owner} (jaccard {jaccard:.2f})"


def _user_turn(instruction: str, input: str) -> str:
    """What the user says, as the chat form writes it (records.InstructionRecord.to_chat)."""
    return instruction + ("\n\n" + input if input else "")


def only_new(
    records: list[InstructionRecord], earlier: list[dict], version: str, t: FiltersConfig
) -> tuple[list[InstructionRecord], list[Rejection]]:
    """Delta mode (`minions build --since VERSION`): the records that are not already in an earlier
    dataset version, and a rejection for each that is. Within each task, a record whose output and
    input are both `near_dedup` alike (only exact copies when near dedup is off) to an earlier
    record's goes, so a rebuild teaches only what is new. `earlier`: that version's records as
    `datasets.read.load_records` gives them (alpaca keys)."""
    threshold = t.near_dedup or 1.0
    old_by_task: dict[str, list[dict]] = defaultdict(list)
    for row in earlier:
        old_by_task[str(row.get("task", ""))].append(row)
    new_by_task: dict[str, list[InstructionRecord]] = defaultdict(list)
    for r in records:
        new_by_task[r.task].append(r)
    gone: dict[str, Rejection] = {}
    for task, new in new_by_task.items():
        old = old_by_task.get(task, [])
        if not old:
            continue
        # an earlier chat-form version has no separate input (its user turn holds the instruction too):
        # then compare whole user turns; else inputs, whose instruction wording may differ between builds
        chat = any("system" in o for o in old)

        def context(instruction: str, input: str, chat: bool = chat) -> str:
            return _user_turn(str(instruction), str(input)) if chat else str(input)

        found = near_duplicates(
            [_answer_text(str(o.get("output", "")), o.get("lang")) for o in old]
            + [_answer_text(r.output, r.lang) for r in new],
            threshold=threshold,
            ngram=t.near_dedup_ngram,
            prefer=[0] * len(old) + [1] * len(new),  # what the earlier version holds is kept first
            also=[context(o.get("instruction", ""), o.get("input", "")) for o in old]
            + [context(r.instruction, r.input) for r in new],
            langs=[o.get("lang") for o in old] + [r.lang for r in new],
        )
        for r, dup in zip(new, found[len(old) :], strict=True):
            if dup is not None and dup[0] < len(old):
                owner = old[dup[0]].get("id", f"record {dup[0] + 1}")
                reason = f"already in dataset version {version[:12]} as {owner} (jaccard {dup[1]:.2f})"
                gone[r.id] = Rejection(id=r.id, task=r.task, stage="filter:since", reason=reason)
    return [r for r in records if r.id not in gone], list(gone.values())


register_corpus_filter(ExactDedup())
register_corpus_filter(NearDedup())  # after exact dedup: it sees one copy of each exact duplicate
