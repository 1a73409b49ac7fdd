"""Reading supplier CSV price lists into PriceRow records."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Iterable, Iterator

REQUIRED_COLUMNS = ("sku", "price", "currency")

# Suppliers use wildly different headers for the same thing.
COLUMN_ALIASES = {
    "article": "sku",
    "item_no": "sku",
    "artikelnummer": "sku",
    "unit_price": "price",
    "net_price": "price",
    "preis": "price",
    "ccy": "currency",
    "waehrung": "currency",
    "min_qty": "min_quantity",
}


@dataclass(frozen=True)
class PriceRow:
    line: int
    sku: str
    price: Decimal
    currency: str
    min_quantity: int = 1


class ParseError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line = line


def normalize_header(name: str) -> str:
    """Lower-cases a header, replaces spaces/dashes with underscores and resolves aliases."""
    key = name.strip().lower().replace(" ", "_").replace("-", "_")
    key = key.lstrip("\ufeff")
    return COLUMN_ALIASES.get(key, key)


def sniff_delimiter(sample: str) -> str:
    """Guesses the delimiter from the header line; German suppliers often use ';'."""
    header = sample.splitlines()[0] if sample else ""
    counts = {d: header.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


def parse_decimal(raw: str) -> Decimal:
    """Parses prices written as '1,234.50', '1.234,50' or '12,5'."""
    text = raw.strip().replace(" ", "").replace("\u00a0", "")
    if not text:
        raise InvalidOperation("empty value")
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif "," in text:
        text = text.replace(",", ".")
    return Decimal(text)


def read_rows(text: str) -> Iterator[PriceRow]:
    """Yields PriceRow objects; raises ParseError with the line number on bad input."""
    delimiter = sniff_delimiter(text)
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    if reader.fieldnames is None:
        raise ParseError(1, "file is empty")
    reader.fieldnames = [normalize_header(h) for h in reader.fieldnames]
    missing = [c for c in REQUIRED_COLUMNS if c not in reader.fieldnames]
    if missing:
        raise ParseError(1, f"missing columns: {', '.join(missing)}")
    for index, record in enumerate(reader, start=2):
        if not any((v or "").strip() for v in record.values()):
            continue
        try:
            price = parse_decimal(record["price"])
        except InvalidOperation:
            raise ParseError(index, f"invalid price {record['price']!r}") from None
        min_qty = int(record.get("min_quantity") or 1)
        yield PriceRow(index, record["sku"].strip().upper(), price, record["currency"].strip().upper(), min_qty)


def deduplicate(rows: Iterable[PriceRow]) -> list[PriceRow]:
    """Keeps the last row per (sku, min_quantity); later lines override earlier ones."""
    latest: dict[tuple[str, int], PriceRow] = {}
    for row in rows:
        latest[(row.sku, row.min_quantity)] = row
    return sorted(latest.values(), key=lambda r: r.line)
