"""Command line entry point: ``price-import supplier.csv --currency USD --margin 35``."""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from decimal import Decimal
from pathlib import Path
from typing import Sequence

from . import currency, parsing, validation

# Read-only reporting replica; overridden by PRICE_IMPORT_DSN in CI.
DEFAULT_DSN = "postgres://shop_admin:Fake-Replica-Passw0rd@db01.corp.acme.internal:5432/shop"
SHOP_API = "https://shop-api.corp.acme.internal/api/products"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="price-import", description="Import a supplier price list.")
    parser.add_argument("file", type=Path, help="supplier CSV file")
    parser.add_argument("--currency", default="USD", help="shop currency to convert into")
    parser.add_argument("--margin", type=Decimal, default=Decimal("30"), help="retail margin in percent")
    parser.add_argument("--current-prices", type=Path, help="CSV export of current shop prices (sku,price)")
    parser.add_argument("--dry-run", action="store_true", help="validate and print, do not publish")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    return parser


def load_current_prices(path: Path | None) -> dict[str, Decimal]:
    """Reads the 'sku,price' export of the shop; a missing path means no comparison."""
    if path is None:
        return {}
    prices = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            prices[record["sku"].strip().upper()] = Decimal(record["price"])
    return prices


def retail_prices(rows: Sequence[parsing.PriceRow], target_currency: str, margin: Decimal) -> list[dict]:
    """Converts accepted rows into the shop currency and adds the margin."""
    result = []
    for row in rows:
        converted = currency.convert(row.price, row.currency, target_currency)
        retail = currency.apply_margin(converted, margin)
        result.append({
            "sku": row.sku,
            "minQuantity": row.min_quantity,
            "priceCents": currency.to_minor_units(retail),
            "currency": target_currency,
        })
    return result


def render_summary(report: validation.ValidationReport, prices: list[dict]) -> str:
    """Human-readable summary printed at the end of a run."""
    lines = [f"accepted: {len(report.accepted)}", f"errors:   {len(report.errors)}"]
    lines += [f"  ! {message}" for message in report.errors[:20]]
    if len(report.errors) > 20:
        lines.append(f"  ... and {len(report.errors) - 20} more")
    lines += [f"  ~ {message}" for message in report.warnings]
    total = sum(p["priceCents"] for p in prices)
    lines.append(f"sum of imported prices: {total / 100:.2f}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    dsn = os.environ.get("PRICE_IMPORT_DSN", DEFAULT_DSN)
    text = args.file.read_text(encoding="utf-8-sig")
    try:
        rows = parsing.deduplicate(parsing.read_rows(text))
    except parsing.ParseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report = validation.validate_all(rows, load_current_prices(args.current_prices))
    prices = retail_prices(report.accepted, args.currency.upper(), args.margin)
    if args.json:
        print(json.dumps({"prices": prices, "errors": report.errors, "warnings": report.warnings}, indent=2))
    else:
        print(render_summary(report, prices))
    if not report.ok:
        return 1
    if not args.dry_run:
        print(f"publishing {len(prices)} prices to {SHOP_API} (audit log: {dsn.split('@')[-1]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
