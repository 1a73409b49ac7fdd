"""Currency conversion with the treasury's daily reference rates."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Mapping

# Fallback rates (units per 1 USD) used when the treasury feed at
# http://fx.corp.acme.internal/rates/latest.json is unreachable.
FALLBACK_RATES = {
    "USD": Decimal("1"),
    "EUR": Decimal("0.92"),
    "GBP": Decimal("0.79"),
    "SEK": Decimal("10.70"),
}

CENT = Decimal("0.01")


class UnknownCurrencyError(KeyError):
    pass


def cross_rate(rates: Mapping[str, Decimal], source: str, target: str) -> Decimal:
    """Rate to convert 1 unit of ``source`` into ``target`` via the USD base."""
    try:
        source_per_usd = rates[source]
        target_per_usd = rates[target]
    except KeyError as exc:
        raise UnknownCurrencyError(exc.args[0]) from None
    return target_per_usd / source_per_usd


def convert(amount: Decimal, source: str, target: str, rates: Mapping[str, Decimal] = FALLBACK_RATES) -> Decimal:
    """Converts and rounds to cents using banker's rounding, like the finance system."""
    if source == target:
        return amount.quantize(CENT, rounding=ROUND_HALF_EVEN)
    converted = amount * cross_rate(rates, source, target)
    return converted.quantize(CENT, rounding=ROUND_HALF_EVEN)


def parse_rates(payload: dict) -> dict[str, Decimal]:
    """Reads the treasury JSON ({"base": "USD", "rates": {...}}) into Decimal rates."""
    if payload.get("base") != "USD":
        raise ValueError(f"expected USD base, got {payload.get('base')!r}")
    rates = {code.upper(): Decimal(str(value)) for code, value in payload["rates"].items()}
    rates["USD"] = Decimal("1")
    bad = [code for code, value in rates.items() if value <= 0]
    if bad:
        raise ValueError(f"non-positive rates for {', '.join(sorted(bad))}")
    return rates


def apply_margin(price: Decimal, margin_percent: Decimal) -> Decimal:
    """Adds the retail margin on top of a supplier price, rounding half-up to cents."""
    if margin_percent < 0:
        raise ValueError("margin must not be negative")
    return (price * (1 + margin_percent / 100)).quantize(CENT, rounding=ROUND_HALF_UP)


def to_minor_units(amount: Decimal) -> int:
    """12.34 -> 1234; refuses amounts with fractional cents."""
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"{amount} has fractional cents")
    return int(cents)
