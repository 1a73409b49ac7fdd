"""Apply the detectors to files: redact values, drop key and secrets files, count findings (never values)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from minions.executor import Executor
from minions.records import SCHEMA_VERSION, Rejection, SourceFile, content_hash
from minions.scrub.engine import plan_for
from minions.scrub.pseudonyms import PLACEHOLDER, Pseudonyms, is_placeholder
from minions.scrub.rules import Detector, adopt_detectors, ordered_detectors, registered_detectors
from minions.sources.collect import matches_any


@dataclass
class ScrubReport:
    """Counts only: how many files were scanned and dropped, and findings per detector and file."""

    files_scanned: int = 0
    files_dropped: int = 0
    findings: Counter = field(default_factory=Counter)
    by_file: dict[str, dict[str, int]] = field(default_factory=dict)
    allowed: Counter = field(default_factory=Counter)  # findings a pragma or the baseline accepted

    def to_json(self) -> dict:
        return {
            "schema_version": SCHEMA_VERSION,
            "files_scanned": self.files_scanned,
            "files_dropped": self.files_dropped,
            "findings": dict(sorted(self.findings.items())),
            "by_file": self.by_file,
            "allowed": dict(sorted(self.allowed.items())),
        }


# Where an identifier part begins or ends: next to a non-alphanumeric (`_ - . /`, space, start or end of
# the text), at a camelCase hump (`acmePay`, the `P` of `HTTPPay`), or between letters and digits.
_PART_EDGE = (
    r"(?:(?<![^\W_])|(?![^\W_])|(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])"
    r"|(?<=[0-9])(?=[A-Za-z])|(?<=[A-Za-z])(?=[0-9]))"
)
HOST_REPLACEMENT = "internal-host.example"


def _names_pattern(internal_names: dict[str, str]) -> re.Pattern[str] | None:
    """Any configured name (longest first, any case) that begins and ends on identifier-part edges:
    `acme` in `AcmePayClient`, `acme_pay`, `com.acme.pay`, not `shop` in `Workshop`."""
    alts = sorted((n for n in internal_names if n), key=len, reverse=True)
    if not alts:
        return None
    return re.compile(_PART_EDGE + "(?i:" + "|".join(re.escape(n) for n in alts) + ")" + _PART_EDGE)


def _domains_pattern(internal_domains: list[str]) -> re.Pattern[str] | None:
    """A configured domain (`acme.local`; `*.acme.local` and `.acme.local` mean the same) or any host
    under it (`db01.corp.acme.local`), any case, wherever it occurs (`acme.local.txt`), but not inside a
    longer label (`notacme.local`, `acme.localhost`)."""
    domains = sorted({d.strip().lstrip("*.").lower() for d in internal_domains} - {""}, key=len, reverse=True)
    if not domains:
        return None
    alts = "|".join(re.escape(d) for d in domains)
    return re.compile(r"(?<![\w.-])(?:[\w-]+\.)*(?:" + alts + r")(?![\w-])", re.IGNORECASE)


def _replace_name(match: re.Match[str], internal_names: dict[str, str]) -> str:
    word = match.group(0)
    repl = next(v for k, v in internal_names.items() if k.lower() == word.lower())
    if word.isupper():
        return repl.upper()
    if word[:1].isupper():
        return repl[:1].upper() + repl[1:]
    return repl


ALLOW_PRAGMA = "minions: allow"


@dataclass
class Finding:
    """One finding, for review: where it is and its value masked (never the value itself)."""

    rule: str
    path: str
    line: int
    masked: str
    digest: str  # keyed hash of the value: what a baseline file holds (accepted under every rule)


@dataclass
class ScrubOptions:
    """How to scrub: the config's names and domains; with `pseudonyms` (a key), consistent
    pseudonyms instead of fixed placeholders; `baseline` digests and `minions: allow` pragmas accept
    findings. `allowed`, `findings` and `mapping` (each when a list) collect as it runs; `mapping` gets one
    entry per replaced finding (several values can share a placeholder: a typed secret, a pseudonym)."""

    internal_names: dict[str, str] = field(default_factory=dict)
    internal_domains: list[str] = field(default_factory=list)
    pseudonyms: Pseudonyms | None = None
    baseline: frozenset[str] = frozenset()
    allowed: Counter = field(default_factory=Counter)
    baseline_hits: int = 0
    findings: list[Finding] | None = None
    mapping: list[dict] | None = None
    # the optional NER step (scrub/ner.py): (text, path) -> sorted (start, end) spans of person names,
    # replaced after the rules, before internal domains and names, as `person-name-ner`
    recognizer: Callable[[str, str], list[tuple[int, int]]] | None = None


NER_RULE = "person-name-ner"


def mask(value: str) -> str:
    """A value a reviewer can recognise without reading it: at most a third of it shows
    (`ghp_****Xq2Z` for a 40-character token, `Zq****T4` for a 14-character password)."""
    value = value.strip()
    if len(value) >= 24:
        return value[:4] + "****" + value[-4:]
    return value[:2] + "****" + value[-2:] if len(value) >= 12 else "****"


def _line_at(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _allowed_inline(m: re.Match[str]) -> bool:
    """`minions: allow` on the finding's line or the line before it."""
    text, pos = m.string, m.start()
    start = text.rfind("\n", 0, pos) + 1
    before = text.rfind("\n", 0, max(start - 1, 0)) + 1 if start else start
    end = text.find("\n", pos)
    return ALLOW_PRAGMA in text[before : end if end >= 0 else len(text)]


def _replacement(det, value: str, ps: Pseudonyms | None) -> str:
    if ps is None:
        return det.replacement
    if det.category == "secret":
        return ps.secret(det.name.replace("-", "_"))
    return getattr(ps, det.pseudonym)(value) if det.pseudonym else det.replacement


class _LineMap:
    """Current lines of a text being scrubbed vs its original lines: a multi-line finding (a PEM
    block) collapses the lines it spans into one, and findings are reported on original lines."""

    def __init__(self, count: int) -> None:
        self.first = list(range(count))  # per current line: the first original line it holds
        self.count = count

    def original(self, current: int) -> int:
        return self.first[current]

    def originals(self, current: int) -> range:
        end = self.first[current + 1] if current + 1 < len(self.first) else self.count
        return range(self.first[current], end)

    def current(self, originals: list[int]) -> list[int]:
        """Sorted original lines -> the current lines holding them, sorted, each once."""
        if len(self.first) == self.count:
            return originals
        out: list[int] = []
        for o in originals:
            c = bisect_right(self.first, o) - 1
            if not out or out[-1] != c:
                out.append(c)
        return out

    def collapse(self, spans: list[tuple[int, int]]) -> None:
        """Each (current line, k): that line and the k after it became one line."""
        for c, k in sorted(spans, reverse=True):
            del self.first[c + 1 : c + 1 + k]


def scrub_text(
    text: str,
    internal_names: dict[str, str] | None = None,
    internal_domains: list[str] | None = None,
    *,
    options: ScrubOptions | None = None,
    path: str = "",
) -> tuple[str, Counter]:
    """Redact every detector's findings in a text, then hosts under the company's domains (counted as
    `internal-host`), then internal names; return the new text and counts per detector.

    Placeholders minions writes are never findings; findings allowed by a pragma or the baseline are
    kept and counted in `options.allowed`.
    """
    opts = options or ScrubOptions(internal_names or {}, internal_domains or [])
    return _scrub(text, opts, path, None)


def _scrub(
    text: str, opts: ScrubOptions, path: str, secret_lines: set[int] | None, gate: bool = False, ner: bool = True
) -> tuple[str, Counter]:
    """`scrub_text`; `secret_lines`, when a set, collects the (0-based, original) lines a secret
    finding spans (what decides whether a file is mostly secrets); `gate` adds the gate-only rules;
    `ner` False skips `opts.recognizer` (file paths and repository names)."""
    counts: Counter = Counter()
    kept: list[str] = []  # values the baseline accepted: a later rule matching one is allowed too
    plan = plan_for(tuple(ordered_detectors(gate)))
    # replacements only add placeholders, so the lines to scan can be found once, on the original
    todo = plan.candidates(text, text.lower())
    lines = text.split("\n")
    where = _LineMap(len(lines))

    def accepted(rule: str, value: str, whole: str, pragma) -> str | None:
        """None when a finding is kept as it is (counted as allowed): by the baseline, a pragma
        (`pragma()`), or a value the baseline accepted earlier in the text; else its keyed digest
        (what a baseline holds; "" when neither a baseline nor a review needs it)."""
        wanted = opts.pseudonyms and (opts.baseline or opts.findings is not None)
        digest = opts.pseudonyms.digest("finding", value)[:32] if wanted else ""
        in_baseline = bool(digest) and digest in opts.baseline
        if in_baseline or pragma() or any(v in whole or value in v for v in kept):
            opts.allowed[rule] += 1
            if in_baseline:
                opts.baseline_hits += 1
                kept.append(value)
            return None
        return digest

    def record(rule: str, value: str, repl: str, digest: str, current_line) -> None:
        """Count a replaced finding; note it for a review and in the mapping when they are asked for
        (`current_line()`: the 0-based current line it is on)."""
        counts[rule] += 1
        if opts.findings is not None or opts.mapping is not None:
            line = where.original(current_line()) + 1
            if opts.findings is not None:
                opts.findings.append(Finding(rule, path, line, mask(value), digest))
            if opts.mapping is not None:
                opts.mapping.append({"rule": rule, "path": path, "line": line, "placeholder": repl, "value": value})

    def on_match(m: re.Match[str], det, line_at, allowed) -> str:
        """The replacement of one match; `line_at(pos)` is the current line of a position in
        `m.string`, `allowed(m)` whether a pragma accepts it."""
        if det.accept is not None and not det.accept(m):
            return m.group(0)
        value = m.group(det.group)
        if secret_lines is not None and det.category == "secret":
            first = line_at(m.start())
            for c in range(first, first + m.group(0).rstrip("\n").count("\n") + 1):
                secret_lines.update(where.originals(c))
        if is_placeholder(value):
            return m.group(0)
        digest = accepted(det.name, value, m.group(0), lambda: allowed(m))
        if digest is None:
            return m.group(0)
        repl = _replacement(det, value, opts.pseudonyms)
        record(det.name, value, repl, digest, lambda: line_at(m.start(det.group)))
        start, end = m.span(det.group)
        base = m.start()
        return m.group(0)[: start - base] + repl + m.group(0)[end - base :]

    for d, det in enumerate(plan.detectors):
        want = todo[d]
        if not want:
            continue
        if plan.multiline[d]:
            joined = "\n".join(lines)
            spans: list[tuple[int, int]] = []

            def whole(m: re.Match[str], det=det, joined=joined, spans=spans) -> str:
                out = on_match(m, det, lambda pos: joined.count("\n", 0, pos), _allowed_inline)
                gone = m.group(det.group).count("\n") if out != m.group(0) else 0
                if gone:
                    spans.append((joined.count("\n", 0, m.start(det.group)), gone))
                return out

            new = det.pattern.sub(whole, joined)
            if new != joined:
                lines = new.split("\n")
                where.collapse(spans)
            continue
        for c in where.current(want):
            line = lines[c]

            def one(m: re.Match[str], det=det, c=c, lines=lines) -> str:
                return on_match(m, det, lambda _pos: c, lambda _m: _pragma_near(lines, c))

            lines[c] = det.pattern.sub(one, line)
    text = "\n".join(lines)
    ps = opts.pseudonyms
    if ner and opts.recognizer is not None:
        text = _replace_names(text, opts.recognizer(text, path), lines, accepted, record, ps)

    def noted(rule: str, replace_with):
        """A substitution that records each replacement in the mapping when one is asked for."""

        def sub(m: re.Match[str]) -> str:
            repl = replace_with(m)
            if opts.mapping is not None:
                line = where.original(_line_at(m.string, m.start()) - 1) + 1
                opts.mapping.append(
                    {"rule": rule, "path": path, "line": line, "placeholder": repl, "value": m.group(0)}
                )
            return repl

        return sub

    domains = _domains_pattern(opts.internal_domains)
    if domains:
        host = noted("internal-host", lambda m: ps.host(m.group(0)) if ps else HOST_REPLACEMENT)
        text, n = domains.subn(host, text)
        if n:
            counts["internal-host"] += n
    names = _names_pattern(opts.internal_names)
    if names:
        text, n = names.subn(noted("internal-name", lambda m: _replace_name(m, opts.internal_names)), text)
        if n:
            counts["internal-name"] += n
    return text, counts


def _replace_names(text: str, spans, lines: list[str], accepted, record, ps: Pseudonyms | None) -> str:
    """Replace the recognizer's name spans (sorted) in `text` (whose lines are `lines`) by a name
    pseudonym, or `<NAME>` without a key; a span overlapping a placeholder is not a finding."""
    if not spans:
        return text
    placeholders = [m.span() for m in PLACEHOLDER.finditer(text)]
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    out, last = [], 0
    for start, end in spans:
        value = text[start:end]
        if start < last or not value.strip() or any(s < end and start < e for s, e in placeholders):
            continue
        c = bisect_right(starts, start) - 1
        digest = accepted(NER_RULE, value, value, lambda c=c: _pragma_near(lines, c))
        if digest is None:
            continue
        repl = ps.name(value) if ps else "<NAME>"
        record(NER_RULE, value, repl, digest, lambda c=c: c)
        out += [text[last:start], repl]
        last = end
    return "".join(out) + text[last:]


def _pragma_near(lines: list[str], c: int) -> bool:
    """`minions: allow` on line c or the line before it."""
    return ALLOW_PRAGMA in lines[c] or (c > 0 and ALLOW_PRAGMA in lines[c - 1])


def scan_text(
    text: str, internal_names: dict[str, str] | None = None, internal_domains: list[str] | None = None
) -> Counter:
    """Findings per detector in a text, without changing it, by every rule, gate-only ones too (the
    gate uses this)."""
    return _scrub(text, ScrubOptions(internal_names or {}, internal_domains or []), "", None, gate=True)[1]


def _dropped_by_name(path: str, drop_files: list[str]) -> str | None:
    """The first glob of `drop_files` that the file's name or path matches, in any case; None when
    none does or a `!glob` does (`!.env.example`: placeholders, kept and scrubbed)."""
    low = path.lower()
    if matches_any(low, [p[1:].lower() for p in drop_files if p.startswith("!")]):
        return None
    return next((p for p in drop_files if not p.startswith("!") and matches_any(low, [p.lower()])), None)


_PEM_FILE = re.compile(r"-----BEGIN [A-Z0-9 ]+-----\n.*-----END [A-Z0-9 ]+-----", re.DOTALL)
MOSTLY_SECRETS_MIN_LINES = 3


def _mostly_secrets(text: str, secret_lines: set[int]) -> str | None:
    """The rejection reason when more than half of a text's non-blank lines, at least 3 of them, hold a
    secret finding (`secret_lines`: 0-based line numbers), else None."""
    nonblank = [i for i, line in enumerate(text.split("\n")) if line.strip()]
    held = len(secret_lines.intersection(nonblank))
    if len(nonblank) >= MOSTLY_SECRETS_MIN_LINES and 2 * held > len(nonblank):
        return f"mostly secrets ({held} of {len(nonblank)} lines)"
    return None


def _drop_reason(f: SourceFile, drop_files: list[str]) -> tuple[str, str] | None:
    """(report key, rejection reason) for a file dropped whole by name (a `drop_files` glob) or for
    being a PEM block; None for one to scrub (which `_mostly_secrets` may still drop).
    Reasons name a rule, never a value."""
    glob = _dropped_by_name(f.path, drop_files)
    if glob is not None:
        return "key-file", f"key file by name ({glob})"
    if _PEM_FILE.fullmatch(f.text.strip()):
        return "key-file", "key file by content (PEM block)"
    return None


def scrub_files(
    files: list[SourceFile],
    internal_names: dict[str, str],
    drop_files: list[str],
    internal_domains: list[str] | None = None,
    options: ScrubOptions | None = None,
    workers: int = 1,
    executor: Executor | None = None,
) -> tuple[list[SourceFile], list[Rejection], ScrubReport]:
    """Scrub each file's text, path and provenance; key and secrets files are dropped whole.

    Ids stay those of the raw source, so later stages still line up with provenance. With
    `workers` > 1 (or an `executor`, see minions/executor.py) the files are scrubbed in chunks by
    several processes and the results put back in input order: the output is byte-identical to one process.
    """
    from functools import partial

    from minions.executor import LocalExecutor, chunked

    opts = options or ScrubOptions(internal_names, internal_domains or [])
    # a few chunks per process, so the options (a baseline can be large) travel rarely
    ex = executor or LocalExecutor(workers)
    chunks = chunked(files, ex.width() * 4)
    job = partial(_scrub_chunk, drop_files, opts, registered_detectors())  # the detectors travel with the work
    results = [r for part in ex.map(job, chunks) for r in part]
    report = ScrubReport()
    kept, dropped = [], []
    for out, rejection, counts, path, part in results:
        report.files_scanned += 1
        _merge(opts, part)
        if rejection is not None:
            report.files_dropped += 1
            report.findings.update(counts)
            report.by_file[path] = dict(counts)
            dropped.append(rejection)
            continue
        if counts:
            report.findings.update(counts)
            report.by_file[path] = dict(sorted(counts.items()))
        kept.append(out)
    report.allowed = opts.allowed
    return kept, dropped, report


def _fresh(opts: ScrubOptions) -> ScrubOptions:
    """The same settings with empty collectors: what one file's scrub fills (merged in order)."""
    return replace(
        opts,
        allowed=Counter(),
        baseline_hits=0,
        findings=[] if opts.findings is not None else None,
        mapping=[] if opts.mapping is not None else None,
    )


def _merge(into: ScrubOptions, part: ScrubOptions) -> None:
    """Add what one part's scrub collected to `into`'s collectors."""
    into.allowed.update(part.allowed)
    into.baseline_hits += part.baseline_hits
    if into.findings is not None:
        into.findings.extend(part.findings)
    if into.mapping is not None:
        into.mapping.extend(part.mapping)


def _scrub_chunk(
    drop_files: list[str], opts: ScrubOptions, detectors: dict[str, Detector], files: list[SourceFile]
) -> list:
    adopt_detectors(detectors)
    return [_scrub_one(f, drop_files, _fresh(opts)) for f in files]


def _scrub_one(f: SourceFile, drop_files: list[str], opts: ScrubOptions):
    """One file: (scrubbed file or None, rejection or None, counts, scrubbed path, its collectors)."""
    # findings in a path are reported under the scrubbed path (a review never prints a raw one)
    seen = (len(opts.findings or ()), len(opts.mapping or ()))
    path, path_counts = _scrub(f.path, opts, "", None, ner=False)
    for entry in (opts.findings or [])[seen[0] :]:
        entry.path = path
    for entry in (opts.mapping or [])[seen[1] :]:
        entry["path"] = path
    drop = _drop_reason(f, drop_files)
    if drop is None:
        # the text is scrubbed with its own collectors: a file dropped for being mostly secrets adds none
        body, secret_lines = _fresh(opts), set()
        text, counts = _scrub(f.text, body, path, secret_lines)
        reason = _mostly_secrets(f.text, secret_lines)
        drop = None if reason is None else ("secrets-file", reason)
    if drop is not None:
        key, reason = drop
        return None, Rejection(id=f.id, task=None, stage="scrub", reason=reason), Counter({key: 1}), path, opts
    _merge(opts, body)
    repo, _ = _scrub(f.repo, opts, "", None, ner=False)
    counts += path_counts
    out = f.model_copy(update={"text": text, "path": path, "repo": repo, "text_hash": content_hash(text)})
    return out, None, counts, path, opts
