"""A company's own rules, from its config: a regex that must not match a record field, or a Python
check (`module:function`, taking the field's text and returning a list of messages).

`check_rule` says what is wrong with a rule (a bad regex, an entry point that does not import or is
not callable) so the config load can refuse it naming the rule; `violations` runs one rule on a
text. An entry point that raises on a text counts as one violation with the error's type, so one odd
record never stops a build.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from functools import lru_cache

from minions.errors import UserError

Check = Callable[[str], list[str]]


def load_entry_point(spec: str) -> Check:
    """The function a `module:function` spec names; a ValueError says why it cannot be had."""
    module, sep, name = spec.partition(":")
    if not sep or not module or not name:
        raise ValueError(f"entry point {spec!r} is not `module:function`")
    try:
        fn = getattr(importlib.import_module(module), name)
    except ImportError as e:
        raise ValueError(
            f"entry point {spec!r}: module {module!r} cannot be imported ({e.__class__.__name__})"
        ) from None
    except AttributeError:
        raise ValueError(f"entry point {spec!r}: module {module!r} has no {name!r}") from None
    if not callable(fn):
        raise ValueError(f"entry point {spec!r} is not callable")
    return fn


def check_rule(rule_id: str, pattern: str | None, entry_point: str | None) -> str | None:
    """Why a rule cannot run, naming it (None when it can)."""
    try:
        if pattern is not None:
            re.compile(pattern)
        if entry_point is not None:
            load_entry_point(entry_point)
    except re.error as e:
        return f"rule {rule_id!r}: pattern is not a valid regex ({e}); fix the pattern"
    except ValueError as e:
        return f"rule {rule_id!r}: {e}; name an importable `module:function`"
    return None


@lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def violations(text: str, pattern: str | None = None, entry_point: str | None = None) -> list[str]:
    """One entry per violation of a rule in a text: each regex match (its matched text), or each
    message the entry point returns."""
    if pattern is not None:
        return [m.group(0) for m in _regex(pattern).finditer(text)]
    if entry_point is None:
        return []
    try:
        found = load_entry_point(entry_point)(text)
    except Exception as e:  # a broken check is a config problem: counting it as a violation hid it
        raise UserError(
            f"company rule check {entry_point} raised {e.__class__.__name__} on a record; fix the check "
            "(it takes the field's text and returns a list of messages)"
        ) from None
    return [str(m) for m in found or []]
