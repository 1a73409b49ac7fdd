"""Stage 5, filters: quality checks and deduplication; every rejection carries a reason.

Record filters (`stats`, then `judge` on those figures) judge one record; corpus filters (`fit`, then `keep`) judge a
record against the whole corpus. Both register in `base.py`; built-ins in `quality.py`, `dedup.py` (exact, then
near dedup, whose MinHash LSH and code tokens live in `near_dedup.py`).
`decontaminate.py` runs after the split: train records too close to held-out ones are dropped.
"""

from minions.filters import dedup, quality  # noqa: F401  (registers the built-in filters)
from minions.filters.base import CORPUS_FILTERS, RECORD_FILTERS, apply_filters, record_figures
from minions.filters.dedup import dedup_rows, field_text, normalize
from minions.filters.near_dedup import code_tokens, near_duplicates

__all__ = [
    "CORPUS_FILTERS",
    "RECORD_FILTERS",
    "apply_filters",
    "code_tokens",
    "dedup_rows",
    "field_text",
    "near_duplicates",
    "normalize",
    "record_figures",
]
