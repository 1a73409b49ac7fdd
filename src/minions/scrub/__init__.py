"""Stage 2, scrub: remove secrets, personal data and internal names from files before parsing.

Detectors register themselves (`rules.register_detector`); the built-ins live in `secrets.py`,
`personal.py` and `internal.py`, registered the same way a plugin would be.
"""

from minions.scrub import internal, personal, secrets  # noqa: F401  (registers the built-in detectors)
from minions.scrub.rules import DETECTORS, Detector, register_detector
from minions.scrub.scrubber import ScrubReport, scan_text, scrub_files, scrub_text

__all__ = [
    "DETECTORS",
    "Detector",
    "ScrubReport",
    "register_detector",
    "scan_text",
    "scrub_files",
    "scrub_text",
]
