"""The detector type and its registry."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Category = Literal["secret", "personal", "internal"]
# how a finding is replaced when scrubbing with a key: a consistent pseudonym of this kind (see
# pseudonyms.py); None means the detector's fixed `replacement` (secrets become a typed <SECRET:rule>)
Pseudonym = Literal["email", "phone", "name", "host", "ip"]


@dataclass(frozen=True)
class Detector:
    """A rule that finds one kind of sensitive value in text.

    `group` is the regex group holding the value (0: the whole match); only that part is replaced
    by `replacement`, so `password = "..."` keeps its key and loses its value. `accept`, when
    given, looks at a match in its text and says whether it is a finding (to rule out look-alikes
    a regex cannot, such as `package com.shop.internal;`). `positives` and `negatives` are its
    labelled samples (templates, see `samples.py`): the tests check that it finds and fully redacts
    every positive, and that no detector changes a negative. `pseudonym` says which consistent
    pseudonym replaces a finding when the scrubber has a key. `keywords` (lower case) are strings
    every match contains: text holding none of them is not searched (most files skip most rules).
    `shapes`, for a detector no keyword fits (a phone number), are strings of which the shape of
    every line holding a match holds one; only those lines are searched. A line's shape has `0` for
    each digit, `A` for each ASCII capital, `a` for each ASCII small letter and `中` for each CJK
    ideograph (U+4000-U+9FFF); other characters stay as they are (`+0000` finds `+8613...`).
    A `gate_only` rule is tuned for recall, too noisy to rewrite code by: only the gate runs it (a
    record it flags is rejected, a released file it flags fails the build).
    """

    name: str
    category: Category
    pattern: re.Pattern[str]
    replacement: str
    group: int = 0
    description: str = ""
    accept: Callable[[re.Match[str]], bool] | None = None
    positives: tuple[str, ...] = ()
    negatives: tuple[str, ...] = ()
    pseudonym: Pseudonym | None = None
    keywords: tuple[str, ...] = ()
    shapes: tuple[str, ...] = ()
    gate_only: bool = False

    def may_match(self, lowered: str) -> bool:
        """The pre-filter: a detector with keywords runs only on text (lower-cased) holding one."""
        return not self.keywords or any(k in lowered for k in self.keywords)


DETECTORS: dict[str, Detector] = {}
CATEGORY_ORDER: tuple[Category, ...] = ("secret", "personal", "internal")


def ordered_detectors(gate: bool = False) -> list[Detector]:
    """Detectors in the order they must run: secrets first (a URL password before its e-mail-like
    tail), then personal data, then internal names; registration order within a category. Gate-only
    rules are among them only for the gate."""
    return sorted(
        (d for d in DETECTORS.values() if gate or not d.gate_only), key=lambda d: CATEGORY_ORDER.index(d.category)
    )


def registered_detectors() -> dict[str, Detector]:
    """A copy of the registry, to send with work done in another process (see `adopt_detectors`)."""
    return dict(DETECTORS)


def adopt_detectors(detectors: dict[str, Detector]) -> None:
    """Register here the detectors the calling process had and this one lacks: a Ray worker imports
    only the built-ins, not the plugins the caller registered (a forked helper has them already)."""
    for name, d in detectors.items():
        DETECTORS.setdefault(name, d)


_NAME = re.compile(r"^[a-z][a-z0-9-]*$")


def register_detector(
    name: str,
    category: Category,
    pattern: str,
    replacement: str,
    group: int = 0,
    flags: int = 0,
    description: str = "",
    accept: Callable[[re.Match[str]], bool] | None = None,
    positives: tuple[str, ...] = (),
    negatives: tuple[str, ...] = (),
    pseudonym: Pseudonym | None = None,
    keywords: tuple[str, ...] = (),
    shapes: tuple[str, ...] = (),
    gate_only: bool = False,
) -> Detector:
    """Register a detector; duplicate or malformed names are refused."""
    if not _NAME.match(name):
        raise ValueError(f"detector name {name!r} must be lowercase words joined by '-'")
    if name in DETECTORS:
        raise ValueError(f"detector {name!r} is already registered")
    det = Detector(
        name,
        category,
        re.compile(pattern, flags),
        replacement,
        group,
        description,
        accept,
        positives,
        negatives,
        pseudonym,
        tuple(k.lower() for k in keywords),
        shapes,
        gate_only,
    )
    DETECTORS[name] = det
    return det


def line_of(match: re.Match[str]) -> str:
    """The whole line a match starts on."""
    text, pos = match.string, match.start()
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return text[start : end if end >= 0 else len(text)]


def char_after(match: re.Match[str]) -> str:
    return match.string[match.end() : match.end() + 1]
