from decimal import Decimal

import pytest

from price_import.parsing import ParseError, PriceRow, deduplicate, normalize_header, parse_decimal, read_rows, sniff_delimiter


def test_normalize_header_resolves_german_alias():
    assert normalize_header(" Artikelnummer ") == "sku"
    assert normalize_header("Unit Price") == "price"


def test_sniff_delimiter_prefers_semicolon():
    assert sniff_delimiter("sku;preis;waehrung\nTOY-123456-1;12,50;EUR") == ";"


@pytest.mark.parametrize(
    "raw, expected",
    [("1,234.50", "1234.50"), ("1.234,50", "1234.50"), ("12,5", "12.5"), (" 7 ", "7")],
)
def test_parse_decimal_handles_locales(raw, expected):
    assert parse_decimal(raw) == Decimal(expected)


def test_read_rows_reports_line_of_bad_price():
    text = "sku,price,currency\nTOY-123456-1,12.50,usd\nTOY-000042-6,twelve,usd\n"

    with pytest.raises(ParseError) as excinfo:
        list(read_rows(text))

    assert excinfo.value.line == 3


def test_read_rows_requires_currency_column():
    with pytest.raises(ParseError, match="missing columns: currency"):
        list(read_rows("sku,price\nTOY-123456-1,1.00\n"))


def test_deduplicate_keeps_last_row_per_sku():
    rows = [
        PriceRow(2, "TOY-123456-1", Decimal("10"), "USD"),
        PriceRow(3, "TOY-000042-6", Decimal("5"), "USD"),
        PriceRow(4, "TOY-123456-1", Decimal("11"), "USD"),
    ]

    result = deduplicate(rows)

    assert [r.line for r in result] == [3, 4]
