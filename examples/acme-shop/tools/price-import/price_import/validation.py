"""Business validation of parsed price rows before they are sent to the shop."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable, Mapping

from .parsing import PriceRow

SKU_RE = re.compile(r"^[A-Z]{3}-\d{6}-\d$")
SUPPORTED_CURRENCIES = frozenset({"USD", "EUR", "GBP", "SEK"})
MAX_PRICE_CHANGE = Decimal("0.5")


@dataclass
class ValidationReport:
    accepted: list[PriceRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def sku_check_digit(digits: str) -> int:
    """Same mod-10 check digit as the shop's SkuValidator (weights 3,1,3,1,...)."""
    total = 0
    for position, char in enumerate(digits):
        weight = 3 if position % 2 == 0 else 1
        total += int(char) * weight
    return (10 - total % 10) % 10


def is_valid_sku(sku: str) -> bool:
    if not SKU_RE.match(sku):
        return False
    _, digits, check = sku.split("-")
    return sku_check_digit(digits) == int(check)


def validate_row(row: PriceRow) -> list[str]:
    """Returns the list of problems with a single row (empty when the row is fine)."""
    problems = []
    if not is_valid_sku(row.sku):
        problems.append(f"line {row.line}: invalid SKU {row.sku}")
    if row.currency not in SUPPORTED_CURRENCIES:
        problems.append(f"line {row.line}: unsupported currency {row.currency}")
    if row.price <= 0:
        problems.append(f"line {row.line}: price must be positive")
    elif row.price.as_tuple().exponent < -2:
        problems.append(f"line {row.line}: more than two decimals in {row.price}")
    if row.min_quantity < 1:
        problems.append(f"line {row.line}: min quantity must be at least 1")
    return problems


def price_jump(old: Decimal, new: Decimal) -> Decimal:
    """Relative change between the current and the imported price."""
    if old <= 0:
        raise ValueError("current price must be positive")
    return abs(new - old) / old


def validate_all(rows: Iterable[PriceRow], current_prices: Mapping[str, Decimal]) -> ValidationReport:
    """Validates every row; large jumps against current prices are warnings, not errors."""
    report = ValidationReport()
    for row in rows:
        problems = validate_row(row)
        if problems:
            report.errors.extend(problems)
            continue
        current = current_prices.get(row.sku)
        if current is not None and price_jump(current, row.price) > MAX_PRICE_CHANGE:
            report.warnings.append(f"line {row.line}: {row.sku} changes from {current} to {row.price}")
        report.accepted.append(row)
    return report
