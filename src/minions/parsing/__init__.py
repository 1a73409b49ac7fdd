"""Stage 3, parse: code files into units (classes, methods, tests, endpoints, queries) and test pairs.

Languages register themselves (`languages.register_language`); the built-ins are `java.py`,
`kotlin.py`, `python.py`, `typescript.py` (also TSX) and `go.py`. `pairing.py` links tests to the
code they test (`pairing_ts_go.py` for TypeScript's and Go's conventions).
"""

from minions.parsing import go, java, kotlin, python, typescript  # noqa: F401  (registers the built-in languages)
from minions.parsing.languages import LANGUAGES, register_language
from minions.parsing.parse import ParseResult, parse_files

__all__ = ["LANGUAGES", "ParseResult", "parse_files", "register_language"]
