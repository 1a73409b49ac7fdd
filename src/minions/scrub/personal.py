"""Built-in detectors for personal data: e-mail addresses and phone numbers."""

import re

from minions.scrub.rules import char_after, register_detector


def _is_address(m: re.Match[str]) -> bool:
    """Not Kotlin's labelled `this@Outer` / `super@Outer`, nor a call like `run@Scope.launch(`."""
    return not re.match(r"(?:this|super)@", m.group(0)) and char_after(m) != "("


def _has_nine_digits(m: re.Match[str]) -> bool:
    return sum(c.isdigit() for c in m.group(0)) >= 9


# A person's name where code names people: an author tag, or "Name <e-mail>" (CODEOWNERS, headers).
# Runs before "email" so the address is still there to anchor on. Free-text names need NER (not yet).
register_detector(
    "person-name",
    "personal",
    r"(?<=@author )[A-Z][\w'-]+(?: [A-Z][\w'-]+)*"
    r"|\b[A-Z][a-z'-]+(?: [A-Z][a-z'-]+)+(?=,? [(<]?[^\s<>()\"']+@[\w-]+\.)"
    r"|(?<=name = \")[A-Z][a-z'-]+(?: [A-Z][a-z'-]+)+(?=\",\s*email)",
    "<NAME>",
    description="names in @author tags, before an e-mail address, and in name/email metadata",
    positives=(
        " * @author ⟦Dana Whitfield⟧",
        "# Owner: ⟦Marcus Ekdahl⟧ <⟦marcus.e@shop-example.org⟧>",
        "# Contact: ⟦Jonas Berg⟧, ⟦jonas.berg@supply-example.org⟧",
        "Team lead: ⟦Dana Whitfield⟧ (⟦dana.w@shop-example.org⟧)",
        'authors = [{ name = "⟦Priya Raman⟧", email = "⟦priya@shop-example.org⟧" }]',
    ),
    negatives=(
        "@author <NAME>",
        "Order Service <b>bold</b>",
    ),
)
register_detector(
    "email",
    "personal",
    r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b",
    "<EMAIL>",
    description="e-mail addresses (not Kotlin's this@Outer.member)",
    accept=_is_address,
    positives=(
        "@author ⟦jane.doe@shop-example.org⟧",
        "mail ⟦«a:6».«a:5»@«a:8».example.com⟧ now",
    ),
    negatives=(
        "val total = this@OrderService.computeTotal()",
        "val total = this@OrderService.total",
        "return super@Base.field",
    ),
)
# International numbers (+CC or 00CC ...) or the North-American (NNN) NNN-NNNN form, with at least
# nine digits; bare digit runs in code (ids, amounts) and ISO dates (+2024-01-15) are left alone.
register_detector(
    "phone",
    "personal",
    r"(?<![\w+])(?:(?:\+|\b00)\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]\d{2,4}){1,4}"
    r"|\(\d{3}\) ?\d{3}-\d{4})(?!\w)",
    "<PHONE>",
    description="phone numbers in international or (NNN) NNN-NNNN form",
    accept=_has_nine_digits,
    positives=(
        "call ⟦+1 415 555 0134⟧",
        "tel: ⟦+44 20 7946 0958⟧",
        "⟦(415) 555-0134⟧",
        'norm("⟦0044 20 7946 0958⟧")',
        "dial ⟦+1 415 555 01⟧ now",
    ),
    negatives=(
        "int total = 1234567890; double rate = 10.5;",
        'LocalDate.parse("+2024-01-15")',
        "code +1 41 555 01",
    ),
)
