"""Property tests: whatever bytes a file holds, parsing never raises, and every file in a parsed
language ends parsed or skipped with a reason."""

import os
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import ROOT
from minions.parsing import parse_files
from minions.records import SourceFile

EXAMPLE = ROOT / "examples" / "acme-shop"
SUFFIX_LANG = {".java": "java", ".kt": "kotlin", ".py": "python", ".ts": "typescript", ".go": "go", ".yaml": "yaml"}
# a deeper run: MINIONS_FUZZ_EXAMPLES=2000 pytest tests/parsing/test_fuzz.py
EXAMPLES = int(os.environ.get("MINIONS_FUZZ_EXAMPLES", "60"))
REAL = sorted(p for p in EXAMPLE.rglob("*") if p.suffix in SUFFIX_LANG and p.stat().st_size < 20_000)


def _check(f: SourceFile) -> None:
    """Parsing one file raises nothing; a file of a parsed language ends parsed, or skipped with a
    reason, or both (a syntax error drops some units); units are sound: of this file, within its
    lines, with distinct ids."""
    res = parse_files([f])
    reasons = [s.reason for s in res.skipped if s.id == f.id]
    assert all(reasons) and len(reasons) == len(res.skipped)
    if f.lang != "yaml":
        assert res.files_parsed == 1 or reasons, "a file is parsed or skipped with a reason"
    lines = f.text.count("\n") + 1
    assert all(u.file_id == f.id and 1 <= u.span[0] <= u.span[1] <= lines for u in res.units)
    assert len({u.id for u in res.units}) == len(res.units)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=400), lang=st.sampled_from(sorted(set(SUFFIX_LANG.values()))))
def test_random_bytes_never_break_parsing(data, lang):
    text = data.decode("utf-8", "replace")
    _check(SourceFile.from_raw("r", "c", f"x/F.{lang}", text, lang))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    index=st.integers(min_value=0, max_value=len(REAL) - 1),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    edits=st.integers(min_value=1, max_value=12),
)
def test_mutated_real_files_never_break_parsing(index, seed, edits):
    """A real file of the example, with bytes deleted, duplicated or replaced by code punctuation."""
    path = REAL[index]
    text = path.read_text()
    rng = random.Random(seed)
    for _ in range(edits):
        at = rng.randrange(len(text) + 1)
        span = rng.randint(0, 40)
        op = rng.choice(["delete", "duplicate", "insert"])
        if op == "delete":
            text = text[:at] + text[at + span :]
        elif op == "duplicate":
            text = text[:at] + text[at : at + span] * 2 + text[at + span :]
        else:
            text = text[:at] + rng.choice(["{", "}", "(", ")", '"', "@", ":", "\n", "\t", "/*", "'''", "é"]) + text[at:]
    rel = path.relative_to(EXAMPLE).as_posix()
    _check(SourceFile.from_raw("acme", "c", rel, text, SUFFIX_LANG[path.suffix]))
