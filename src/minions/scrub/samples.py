"""Labelled samples of a detector, written as templates so no real-looking value is ever committed.

A detector carries positive samples (texts it must find) and negative ones (texts no detector may
change). A positive marks the planted value with ⟦ ⟧ and random runs with «CLASSES:N»: the value is
assembled at test time from a known prefix plus random characters, as the best scanners' test
suites do. CLASSES combines `A` (upper-case letters), `a` (lower-case), `9` (digits), `x` (hex
digits, lower-case), `/` (`+` and `/`), `_` (`_` and `-`).

    expand("key=⟦AKIA«A9:16»⟧", rng) -> ("key=AKIA7Q...", ["AKIA7Q..."])
"""

from __future__ import annotations

import random
import re
import string

_CLASSES = {
    "A": string.ascii_uppercase,
    "a": string.ascii_lowercase,
    "9": string.digits,
    "x": "0123456789abcdef",
    "/": "+/",
    "_": "_-",
}
_RUN = re.compile(r"«([Aa9x/_]+):(\d+)»")
_PLANTED = re.compile(r"⟦(.*?)⟧", re.DOTALL)


def _chars(classes: str) -> str:
    return "".join(dict.fromkeys("".join(_CLASSES[c] for c in classes)))


def expand(template: str, rng: random.Random) -> tuple[str, list[str]]:
    """The sample text and its planted values, random runs filled from `rng`."""
    text = _RUN.sub(lambda m: "".join(rng.choice(_chars(m.group(1))) for _ in range(int(m.group(2)))), template)
    planted = _PLANTED.findall(text)
    return text.replace("⟦", "").replace("⟧", ""), planted


_SHOWN = {"A": "X", "a": "x", "9": "0", "x": "0", "/": "+", "_": "-"}


def example(template: str) -> str:
    """A template made readable and visibly fake: random runs become X/x/0 runs, marks go."""
    text = _RUN.sub(lambda m: _SHOWN[m.group(1)[0]] * int(m.group(2)), template)
    return text.replace("⟦", "").replace("⟧", "")
