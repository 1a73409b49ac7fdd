"""Apply the detectors to files: redact values, drop key files, count findings (never values)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from minions.records import SCHEMA_VERSION, Rejection, SourceFile, content_hash
from minions.scrub.rules import ordered_detectors
from minions.sources.collect import matches_any


@dataclass
class ScrubReport:
    """Counts only: how many files were scanned and dropped, and findings per detector and file."""

    files_scanned: int = 0
    files_dropped: int = 0
    findings: Counter = field(default_factory=Counter)
    by_file: dict[str, dict[str, int]] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "schema_version": SCHEMA_VERSION,
            "files_scanned": self.files_scanned,
            "files_dropped": self.files_dropped,
            "findings": dict(sorted(self.findings.items())),
            "by_file": self.by_file,
        }


def _names_pattern(internal_names: dict[str, str]) -> re.Pattern[str] | None:
    if not internal_names:
        return None
    alts = sorted(internal_names, key=len, reverse=True)
    return re.compile("|".join(re.escape(n) for n in alts), re.IGNORECASE)


def _replace_name(match: re.Match[str], internal_names: dict[str, str]) -> str:
    word = match.group(0)
    repl = next(v for k, v in internal_names.items() if k.lower() == word.lower())
    if word.isupper():
        return repl.upper()
    if word[:1].isupper():
        return repl[:1].upper() + repl[1:]
    return repl


def scrub_text(text: str, internal_names: dict[str, str] | None = None) -> tuple[str, Counter]:
    """Redact every detector's findings in a text; return the new text and counts per detector."""
    counts: Counter = Counter()
    for det in ordered_detectors():

        def sub(m: re.Match[str], det=det) -> str:
            if det.accept is not None and not det.accept(m):
                return m.group(0)
            counts[det.name] += 1
            if det.group == 0:
                return det.replacement
            start, end = m.span(det.group)
            base = m.start()
            s = m.group(0)
            return s[: start - base] + det.replacement + s[end - base :]

        text = det.pattern.sub(sub, text)
    names = _names_pattern(internal_names or {})
    if names:
        text, n = names.subn(lambda m: _replace_name(m, internal_names or {}), text)
        if n:
            counts["internal-name"] += n
    return text, counts


def scan_text(text: str, internal_names: dict[str, str] | None = None) -> Counter:
    """Findings per detector in a text, without changing it (the gate uses this)."""
    return scrub_text(text, internal_names)[1]


def scrub_files(
    files: list[SourceFile], internal_names: dict[str, str], drop_files: list[str]
) -> tuple[list[SourceFile], list[Rejection], ScrubReport]:
    """Scrub each file's text, path and provenance; key files are dropped whole.

    Ids stay those of the raw source, so later stages still line up with provenance.
    """
    report = ScrubReport()
    kept, dropped = [], []
    for f in files:
        report.files_scanned += 1
        path, path_counts = scrub_text(f.path, internal_names)
        if matches_any(f.path, drop_files):
            report.files_dropped += 1
            report.findings["key-file"] += 1
            report.by_file[path] = {"key-file": 1}
            dropped.append(Rejection(id=f.id, task=None, stage="scrub", reason="key or secrets file"))
            continue
        text, counts = scrub_text(f.text, internal_names)
        repo, _ = scrub_text(f.repo, internal_names)
        counts += path_counts
        if counts:
            report.findings.update(counts)
            report.by_file[path] = dict(sorted(counts.items()))
        kept.append(f.model_copy(update={"text": text, "path": path, "repo": repo, "text_hash": content_hash(text)}))
    return kept, dropped, report
