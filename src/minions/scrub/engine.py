"""Which detector runs on which line: two automaton passes per text instead of a regex per rule.

A detector whose pattern cannot see past its own line (decided from the parsed regex, see
`spans_lines`) runs only on the lines that hold one of its keywords (found for every detector at
once by one Aho-Corasick automaton over the lower-cased text) or one of its shapes (found by a
second automaton over the text's shape: digits, letters and CJK ideographs folded into one byte
each). A detector that can span lines (a PEM block, XML attributes over several lines) runs on the
whole text, as long as one of its keywords occurs anywhere in it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, repeat
from operator import add

import ahocorasick_rs

from minions.scrub.rules import Detector

try:  # the regex parser: public enough to be stable since 3.11, private by name
    from re import _constants as _c
    from re import _parser as _p
except ImportError:  # pragma: no cover - other interpreters: treat every pattern as multi-line
    _c = _p = None

_NL = ord("\n")
_CATEGORIES_WITH_NL = {"CATEGORY_SPACE", "CATEGORY_NOT_DIGIT", "CATEGORY_NOT_WORD", "CATEGORY_LINEBREAK"}


def _set_holds_newline(items) -> bool:
    negate, hit = False, False
    for op, av in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            hit = hit or av == _NL
        elif name == "RANGE":
            hit = hit or av[0] <= _NL <= av[1]
        elif name == "CATEGORY":
            hit = hit or str(av) in _CATEGORIES_WITH_NL
        else:
            return True  # an item this check does not know: assume the worst
    return hit != negate


def _reaches_newline(items, dotall: bool) -> bool:
    """Whether a parsed (sub)pattern may match or look at a newline."""
    for op, av in items:
        name = str(op)
        if name == "ANY":
            if dotall:
                return True
        elif name == "LITERAL":
            if av == _NL:
                return True
        elif name == "NOT_LITERAL":
            if av != _NL:
                return True
        elif name == "IN":
            if _set_holds_newline(av):
                return True
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            if _reaches_newline(av[2], dotall):
                return True
        elif name == "SUBPATTERN":
            _group, add, remove, sub = av
            flags_dotall = (dotall or bool(add & re.DOTALL)) and not remove & re.DOTALL
            if _reaches_newline(sub, flags_dotall):
                return True
        elif name == "BRANCH":
            if any(_reaches_newline(b, dotall) for b in av[1]):
                return True
        elif name in ("ASSERT", "ASSERT_NOT"):
            # a lookaround that may test a newline behaves differently at the end of a cut-out line
            if _reaches_newline(av[1], dotall):
                return True
        elif name == "ATOMIC_GROUP":
            if _reaches_newline(av, dotall):
                return True
        elif name == "GROUPREF_EXISTS":
            _group, yes, no = av
            if _reaches_newline(yes, dotall) or (no is not None and _reaches_newline(no, dotall)):
                return True
        elif name in ("AT", "GROUPREF"):
            continue  # anchors match no character; a backreference repeats text already checked
        else:
            return True
    return False


def spans_lines(pattern: re.Pattern[str]) -> bool:
    """Whether a pattern can match across a newline or look at one (so it must see the whole text).

    Conservative: a construct the check does not know counts as spanning lines."""
    if _p is None:  # pragma: no cover
        return True
    try:
        parsed = _p.parse(pattern.pattern, pattern.flags)
    except Exception:  # pragma: no cover - a pattern re compiled always parses
        return True
    return _reaches_newline(parsed, bool(parsed.state.flags & re.DOTALL))


@dataclass
class Plan:
    """The detectors in order, and how to find the lines each must look at."""

    detectors: tuple[Detector, ...]
    multiline: tuple[bool, ...]
    automaton: ahocorasick_rs.AhoCorasick | None
    keyword_owners: tuple[tuple[int, ...], ...]  # per automaton keyword: the detectors holding it
    shape_automaton: ahocorasick_rs.BytesAhoCorasick | None
    shape_owners: tuple[tuple[int, ...], ...]  # per shape: the detectors holding it
    digit_owners: tuple[int, ...]  # detectors with a shape holding a digit
    everywhere: tuple[int, ...]  # line detectors with neither keywords nor shapes: every line

    def candidates(self, text: str, lowered: str) -> list[list[int] | bool]:
        """Per detector: the sorted indices of the lines it must scan, or (a multi-line detector)
        whether it must scan the whole text."""
        found: list[set[int]] = [set() for _ in self.detectors]
        anywhere = [False] * len(self.detectors)
        if self.automaton is not None:
            _note_hits(found, self.automaton, self.keyword_owners, lowered)
        if self.shape_automaton is not None:
            data = text.encode("utf-8", "surrogatepass")
            _note_hits(found, self.shape_automaton, self.shape_owners, data, data.translate(_SHAPE))
            if not text.isascii() and self.digit_owners:
                # digits outside ASCII (full-width `４１１１`, Arabic-Indic) fold to nothing above; the
                # number rules' `\d` matches them, so their lines are scanned too
                starts = [m.start() for m in _NON_ASCII_DIGIT.finditer(text)]
                if starts:
                    ends = _line_ends(text)
                    for d in self.digit_owners:
                        found[d].update(bisect_right(ends, pos) for pos in starts)
        for d in self.everywhere:
            found[d].update(range(text.count("\n") + 1))
        for d, lines in enumerate(found):
            anywhere[d] = bool(lines)
        return [anywhere[d] if self.multiline[d] else sorted(found[d]) for d in range(len(self.detectors))]


def _note_hits(found: list[set[int]], automaton, owners, text, haystack=None) -> None:
    """Add the line of every hit of `automaton` in `haystack` (same offsets as `text`, which it
    defaults to) to the lines of the detectors owning the hit's pattern."""
    haystack = text if haystack is None else haystack
    try:
        hits = automaton.find_matches_as_indexes(haystack, overlapping=True)
    except UnicodeEncodeError:  # a lone surrogate (JSON's "\ud800" decodes to one): same length, no keyword
        hits = automaton.find_matches_as_indexes(_SURROGATE.sub("\ufffd", haystack), overlapping=True)
    if hits:
        ends = _line_ends(text)
        for pattern, start, _end in hits:
            line = bisect_right(ends, start)
            for d in owners[pattern]:
                found[d].add(line)


def _line_ends(text: str | bytes) -> list[int]:
    """Per line, the offset just past its newline: the line holding offset p is bisect_right(ends, p)."""
    return list(accumulate(map(add, map(len, text.split("\n" if isinstance(text, str) else b"\n")), repeat(1))))


def _shape_table() -> bytes:
    """Byte -> shape byte (see Detector.shapes), over UTF-8: a CJK ideograph U+4000-U+9FFF is a lead
    byte E4-E9 and two continuation bytes, so its shape is `C~~`; other multi-byte characters `^~~`."""
    table = bytearray(range(256))
    table[ord("0") : ord("9") + 1] = b"0" * 10
    table[ord("A") : ord("Z") + 1] = b"A" * 26
    table[ord("a") : ord("z") + 1] = b"a" * 26
    table[0x80:0xC0] = b"~" * 0x40
    table[0xC0:0x100] = b"^" * 0x40
    table[0xE4:0xEA] = b"C" * 6
    return bytes(table)


_SHAPE = _shape_table()
_SURROGATE = re.compile("[\ud800-\udfff]")
# a digit that is not ASCII: any non-ASCII character, then checked to be a digit
_NON_ASCII_DIGIT = re.compile(r"[^\x00-\x7f](?<=\d)")


def shape_bytes(shape: str) -> bytes:
    """A detector's shape string as the bytes the shape automaton looks for."""
    return shape.encode("utf-8").replace("中".encode(), b"C~~")


@lru_cache(maxsize=8)
def plan_for(detectors: tuple[Detector, ...]) -> Plan:
    """The plan for a tuple of detectors (cached: the registry changes only when plugins load)."""
    keywords: dict[str, list[int]] = {}
    shapes: dict[bytes, list[int]] = {}
    everywhere: list[int] = []
    multiline = tuple(spans_lines(d.pattern) for d in detectors)
    for i, det in enumerate(detectors):
        for kw in det.keywords:
            keywords.setdefault(kw, []).append(i)
        for shape in det.shapes:
            shapes.setdefault(shape_bytes(shape), []).append(i)
        if not det.keywords and not det.shapes and not multiline[i]:
            everywhere.append(i)
    for i, det in enumerate(detectors):
        if multiline[i] and not det.keywords:
            # a multi-line detector without keywords runs everywhere: found by any line
            everywhere.append(i)
    words = list(keywords)
    return Plan(
        detectors=detectors,
        multiline=multiline,
        automaton=ahocorasick_rs.AhoCorasick(words) if words else None,
        keyword_owners=tuple(tuple(keywords[w]) for w in words),
        shape_automaton=ahocorasick_rs.BytesAhoCorasick(list(shapes)) if shapes else None,
        shape_owners=tuple(tuple(owners) for owners in shapes.values()),
        digit_owners=tuple(i for i, det in enumerate(detectors) if any("0" in shape for shape in det.shapes)),
        everywhere=tuple(everywhere),
    )
