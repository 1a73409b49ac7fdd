"""Stage 5, filters: quality checks and deduplication; every rejection carries a reason.

Record filters (`stats`, then `judge` on those figures) judge one record; corpus filters (`fit`, then `keep`) judge a
record against the whole corpus. Both register in `base.py`; built-ins, in the order they run: `quality.py` (size,
trivial bodies), `syntax.py`, `tokens.py`, `smells.py`, `conventions.py`, then `dedup.py` (exact, then near
dedup, whose MinHash LSH and code tokens live in `near_dedup.py`). `outputs.py` declares what
each task's output is (a file, a member, SQL, prose...). `decontaminate.py` runs after the split: train records too
close to held-out ones are dropped.
"""

# the import order is the order record filters run in: the cheapest reason comes first
# isort: off
from minions.filters import quality, syntax, tokens, smells, conventions, dedup  # noqa: F401  (registers the built-ins)

# isort: on
from minions.filters.base import (
    CORPUS_FILTERS,
    RECORD_FILTERS,
    apply_filters,
    configured_filters,
    record_figures,
)
from minions.filters.dedup import dedup_rows, field_text, normalize
from minions.filters.near_dedup import code_tokens, near_duplicates

__all__ = [
    "CORPUS_FILTERS",
    "RECORD_FILTERS",
    "apply_filters",
    "code_tokens",
    "configured_filters",
    "dedup_rows",
    "field_text",
    "near_duplicates",
    "normalize",
    "record_figures",
]
