from decimal import Decimal

import pytest

from price_import.currency import UnknownCurrencyError, apply_margin, convert, cross_rate, parse_rates, to_minor_units


def test_cross_rate_goes_through_usd():
    rates = {"USD": Decimal("1"), "EUR": Decimal("0.8"), "GBP": Decimal("0.5")}

    assert cross_rate(rates, "EUR", "GBP") == Decimal("0.625")


def test_convert_uses_bankers_rounding():
    rates = {"USD": Decimal("1"), "EUR": Decimal("0.5")}

    assert convert(Decimal("0.05"), "USD", "EUR", rates) == Decimal("0.02")


def test_convert_unknown_currency_raises():
    with pytest.raises(UnknownCurrencyError):
        convert(Decimal("1"), "USD", "XYZ")


def test_parse_rates_rejects_non_usd_base():
    with pytest.raises(ValueError, match="expected USD base"):
        parse_rates({"base": "EUR", "rates": {"USD": 1.08}})


def test_apply_margin_rounds_half_up():
    assert apply_margin(Decimal("10.00"), Decimal("33.35")) == Decimal("13.34")


def test_to_minor_units_rejects_fractional_cents():
    assert to_minor_units(Decimal("12.34")) == 1234
    with pytest.raises(ValueError):
        to_minor_units(Decimal("0.015"))
