"""The text of a document file (a PDF), or why there is none: an encrypted, broken or scanned PDF is
skipped with a reason, never a traceback."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from pypdf import PdfReader
from pypdf.errors import DependencyError, PdfReadError

REASON_LENGTH = 160  # characters of pypdf's message kept in a skip reason


def pdf_text(data: bytes) -> tuple[str | None, str | None]:
    """The text of every page of a PDF, pages joined by blank lines, and None; or None and a skip reason
    (`encrypted PDF`, `unreadable PDF: ...`, `PDF without text (scanned?)`).

    A PDF encrypted with an empty user password (permissions only) opens as any other. A page whose
    text pypdf cannot extract is left out; the PDF is unreadable only when no page gives text and one
    failed. pypdf's own log lines about a broken file are held back: the reason says it.
    """
    with _quiet("pypdf"):
        return _pdf_text(data)


def _pdf_text(data: bytes) -> tuple[str | None, str | None]:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            return None, "encrypted PDF"
        pages = list(reader.pages)
    except Exception as e:  # pypdf raises more than its own errors (KeyError, ValueError, ...) on broken files
        return None, _reason(e)
    texts, failure = [], None
    for page in pages:
        try:
            text = page.extract_text()
        except Exception as e:  # see above: one bad page does not lose the others
            failure = failure or e
            continue
        if text and text.strip():
            texts.append(text.strip())
    if texts:
        return "\n\n".join(texts), None
    if failure is not None:
        return None, _reason(failure)
    return None, "PDF without text (scanned?)"


@contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    """A library's warnings off while it reads one file (`Ignoring wrong pointing object 6 0`, ...)."""
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _reason(error: Exception) -> str:
    if isinstance(error, DependencyError):  # AES encryption, and the cryptography package is not installed
        return "encrypted PDF (AES: reading it needs the cryptography package)"
    message = " ".join(str(error).split())[:REASON_LENGTH]
    kind = "" if isinstance(error, PdfReadError) else f"{type(error).__name__}: "
    return f"unreadable PDF: {kind}{message or type(error).__name__}"
