"""Built-in detectors for personal data: e-mail addresses and phone numbers."""

from minions.scrub.rules import register_detector

register_detector(
    "email",
    "personal",
    r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b",
    "<EMAIL>",
    description="e-mail addresses",
)
# International numbers (+CC ...) or the North-American (NNN) NNN-NNNN form; bare digit runs in
# code (ids, amounts) are left alone.
register_detector(
    "phone",
    "personal",
    r"(?<![\w+])(?:\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]\d{2,4}){1,4}|\(\d{3}\) ?\d{3}-\d{4})(?!\w)",
    "<PHONE>",
    description="phone numbers in international or (NNN) NNN-NNNN form",
)
