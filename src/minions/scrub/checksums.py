"""Check digits that tell a real identifier from a look-alike digit run: Luhn (bank cards) and
ISO 7064 MOD 11-2 with a birth date (Chinese resident ID numbers)."""

from __future__ import annotations

import datetime

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # 2**(17 - i) mod 11
_ID_CHECK = "10X98765432"  # indexed by (weighted sum) mod 11


def luhn_valid(digits: str) -> bool:
    """Whether a digit string passes the Luhn check (every second digit from the right doubled)."""
    if not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def luhn_check_digit(partial: str) -> str:
    """The digit that makes `partial + digit` Luhn-valid."""
    return next(d for d in "0123456789" if luhn_valid(partial + d))


def cn_id_check_char(first17: str) -> str:
    """The 18th character of a Chinese resident ID number (ISO 7064 MOD 11-2) for its first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def valid_birth_date(yyyymmdd: str) -> bool:
    """Whether eight digits are a real calendar date (no 30 February)."""
    try:
        datetime.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return True


def cn_id_valid(value: str) -> bool:
    """Whether an 18-character string is a well-formed Chinese resident ID number: 17 digits, a real
    birth date at positions 7-14, and the right check character (digit or X)."""
    if len(value) != 18 or not value[:17].isdigit():
        return False
    return valid_birth_date(value[6:14]) and cn_id_check_char(value[:17]) == value[17].upper()
