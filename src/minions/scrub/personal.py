"""Built-in detectors for personal data: e-mail addresses and phone numbers."""

from minions.scrub.rules import register_detector

# A person's name where code names people: an author tag, or "Name <e-mail>" (CODEOWNERS, headers).
# Runs before "email" so the address is still there to anchor on. Free-text names need NER (not yet).
register_detector(
    "person-name",
    "personal",
    r"(?<=@author )[A-Z][\w'-]+(?: [A-Z][\w'-]+)*|\b[A-Z][a-z'-]+(?: [A-Z][a-z'-]+)+(?= <[^<>\s]+@)",
    "<NAME>",
    description="names in @author tags and before an e-mail address in angle brackets",
)
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
