from decimal import Decimal

import pytest

from price_import.parsing import PriceRow
from price_import.validation import is_valid_sku, price_jump, sku_check_digit, validate_all, validate_row


def test_sku_check_digit_matches_java_validator():
    assert sku_check_digit("123456") == 1
    assert sku_check_digit("000042") == 6


def test_is_valid_sku_rejects_wrong_check_digit():
    assert is_valid_sku("TOY-123456-1")
    assert not is_valid_sku("TOY-123456-2")


def test_validate_row_collects_all_problems():
    row = PriceRow(7, "BAD", Decimal("-1"), "JPY", 0)

    problems = validate_row(row)

    assert len(problems) == 4
    assert problems[0] == "line 7: invalid SKU BAD"


def test_validate_row_rejects_fractional_cents():
    problems = validate_row(PriceRow(2, "TOY-123456-1", Decimal("1.005"), "USD"))

    assert problems == ["line 2: more than two decimals in 1.005"]


def test_price_jump_requires_positive_current_price():
    assert price_jump(Decimal("10"), Decimal("16")) == Decimal("0.6")
    with pytest.raises(ValueError):
        price_jump(Decimal("0"), Decimal("1"))


def test_validate_all_turns_large_jumps_into_warnings():
    rows = [PriceRow(2, "TOY-123456-1", Decimal("20.00"), "USD"), PriceRow(3, "TOY-1", Decimal("1"), "USD")]

    report = validate_all(rows, {"TOY-123456-1": Decimal("10.00")})

    assert [r.sku for r in report.accepted] == ["TOY-123456-1"]
    assert len(report.warnings) == 1
    assert not report.ok
