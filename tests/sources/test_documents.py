"""PDF text: every page's text, or a reason (encrypted, unreadable, no text layer), never a traceback."""

import io
import os
import random

import pytest
from pypdf import PdfReader, PdfWriter

from minions.sources.documents import pdf_text


def build_pdf(contents: list[bytes], trailer: bytes = b"", extra: tuple[bytes, ...] = ()) -> bytes:
    """A PDF written by hand: one page per content stream, Helvetica as /F1, `extra` objects after them."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for content in contents:
        number = len(objects) + 1
        kids.append(b"%d 0 R" % number)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >>"
            b" /Contents %d 0 R >>" % (number + 1)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(contents))
    objects += extra
    out, offsets = b"%PDF-1.7\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref)
    return out


def text_op(text: str) -> bytes:
    return b"BT /F1 12 Tf 72 720 Td (%s) Tj ET" % text.encode()


IMAGE_ONLY = b"q 200 0 0 200 72 500 cm BI /W 2 /H 2 /CS /G /BPC 8 ID \x00\xff\xff\x00 EI Q"
TWO_PAGES = build_pdf([text_op("Refund policy: 30 days"), b"", text_op("Escalate to the shop lead")])


def encrypted(data: bytes, user: str, owner: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user, owner_password=owner, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_text_of_every_page_joined_by_blank_lines():
    assert pdf_text(TWO_PAGES) == ("Refund policy: 30 days\n\nEscalate to the shop lead", None)


def test_a_pdf_without_a_text_layer_is_skipped_as_scanned():
    assert pdf_text(build_pdf([IMAGE_ONLY, b""])) == (None, "PDF without text (scanned?)")


def test_a_pdf_with_a_password_is_skipped_as_encrypted():
    password = "pw-" + os.urandom(6).hex()
    assert pdf_text(encrypted(TWO_PAGES, user=password, owner=password)) == (None, "encrypted PDF")


def test_a_pdf_encrypted_only_for_permissions_is_read():
    data = encrypted(TWO_PAGES, user="", owner="owner-" + os.urandom(6).hex())
    assert PdfReader(io.BytesIO(data)).is_encrypted
    assert pdf_text(data)[0] == "Refund policy: 30 days\n\nEscalate to the shop lead"


def test_an_aes_256_pdf_is_skipped_as_encrypted():
    # /V 5 /R 6 (AES-256): pypdf needs the cryptography package to even check the empty password;
    # without it the reason says so, with it the (random) password does not open it
    salt = b"<%s>" % os.urandom(48).hex().encode()
    key = b"<%s>" % os.urandom(32).hex().encode()
    encrypt = (
        b"<< /Filter /Standard /V 5 /R 6 /Length 256 /P -4 /U %s /O %s /UE %s /OE %s /Perms <%s>"
        b" /CF << /StdCF << /CFM /AESV3 /AuthEvent /DocOpen /Length 32 >> >> /StmF /StdCF /StrF /StdCF >>"
    ) % (salt, salt, key, key, os.urandom(16).hex().encode())
    doc_id = b"<%s>" % os.urandom(16).hex().encode()
    data = build_pdf([text_op("Secret")], trailer=b"/Encrypt 6 0 R /ID [%s %s] " % (doc_id, doc_id), extra=(encrypt,))
    text, reason = pdf_text(data)
    assert text is None and reason.startswith("encrypted PDF")


@pytest.mark.parametrize(
    "data",
    [b"", b"not a pdf at all", TWO_PAGES[: len(TWO_PAGES) // 2], b"%PDF-1.4\n" + bytes(range(256)) * 4],
    ids=["empty", "not a pdf", "truncated", "garbage after the header"],
)
def test_a_broken_pdf_is_skipped_as_unreadable(data):
    text, reason = pdf_text(data)
    assert text is None and reason.startswith("unreadable PDF: ")


def test_damaged_pdfs_never_raise(caplog):
    rng = random.Random(13)
    outcomes = set()
    for _ in range(300):
        damaged = bytearray(TWO_PAGES)
        for _ in range(rng.randint(1, 20)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        text, reason = pdf_text(bytes(damaged))
        assert (text is None) != (reason is None)
        outcomes.add("text" if text else reason.split(":")[0])
    assert {"text", "unreadable PDF"} <= outcomes, "the damage both spares some files and breaks others"
    assert not [r for r in caplog.records if r.name.startswith("pypdf")], "pypdf's log lines are held back"
