"""Conventions: rules a company's code is held to (REST, SQL, its own), shared by tasks, filters and
evaluation. A core module: it imports nothing from the stages, only `minions.records`.

- `rest.py`: REST rules for an HTTP endpoint (`check(method, path) -> [Violation]`).
- `sql.py`: SQL rules for SQL text (`check_sql(text)`) and for SQL built in code (`check_code(code, lang)`).
- `company.py`: a company's own rules from its config (`conventions.rules`): a regex or a
  `module:function` check over one record field (`violations(text, pattern, entry_point)`).
"""

from minions.conventions.rest import RULES, Violation, check

__all__ = ["RULES", "Violation", "check"]
