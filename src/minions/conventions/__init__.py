"""Conventions: rules a company's code is held to (REST, SQL, its own), shared by tasks, filters and
evaluation. A core module: it imports nothing from the stages, only `minions.records`.

- `rest.py`: REST rules for an HTTP endpoint (`check(method, path) -> [Violation]`).
"""

from minions.conventions.rest import RULES, Violation, check

__all__ = ["RULES", "Violation", "check"]
