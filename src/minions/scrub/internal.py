"""Built-in detectors for internal infrastructure names: hosts and private addresses.

Company-specific names (product, team, domain words) come from the config's
`scrub.internal_names` and are applied by the scrubber.
"""

from minions.scrub.rules import register_detector

register_detector(
    "internal-host",
    "internal",
    r"\b(?:[a-z0-9-]+\.)+(?:internal|corp|intranet|lan)\b",
    "internal-host.example",
    description="host names under internal top-level domains",
)
register_detector(
    "private-ip",
    "internal",
    r"\b(?:10\.\d{1,3}|192\.168|172\.(?:1[6-9]|2\d|3[01]))\.\d{1,3}\.\d{1,3}\b",
    "192.0.2.1",
    description="private IPv4 addresses (replaced by a documentation address)",
)
