"""Fixtures for the MOU tests: two parties with a signatory each, and a helper to sign."""

import pytest

from governance.extensions import db
from governance.mous import signing
from tests import factories


@pytest.fixture
def parties(network):
    practice = factories.make_partner(network, name="Riverside Medical Centre", ods_code="A81001")
    trust = factories.make_partner(network, name="Riverside Community Trust", kind="community_trust",
                                   ods_code="RYX")
    db.session.commit()
    return practice, trust


@pytest.fixture
def signatories(network, parties):
    members = [factories.make_signatory(network, partner) for partner in parties]
    db.session.commit()
    return members


@pytest.fixture
def secretary(network):
    membership = factories.make_member(network, "board_secretary")
    db.session.commit()
    return membership


@pytest.fixture
def issued(network, parties, secretary):
    """An MOU between the two parties, with version 1 issued for signature."""
    mou = factories.make_mou(network, list(parties), issued=True, actor=secretary.user,
                             title="Frailty service MOU")
    db.session.commit()
    return mou


def sign(network, version, membership, **kw):
    """Sign as one request would: from committed data (the password check writes in its own transaction)."""
    db.session.commit()
    values = {"full_name": membership.user.full_name, "job_title": "Chief executive", "confirmed": True,
              "password": factories.PASSWORD, "ip_address": "203.0.113.7", "user_agent": "pytest browser",
              "different_name": True}
    values.update(kw)
    return signing.sign_mou_version(network, version, membership, **values)


def png(width: int = 4, height: int = 4) -> bytes:
    """A real, tiny grey PNG image (a scan of a signed page, as far as the tests care)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def pdf(pages: int = 1, **active) -> bytes:
    """A real PDF of blank pages; `javascript=`, `open_action=`, `attachment=` or `page_action=` make it active."""
    import io

    import pypdf
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if "javascript" in active:
        writer.add_js(active["javascript"])
    if "attachment" in active:
        writer.add_attachment("payload.exe", active["attachment"])
    action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                               NameObject("/JS"): TextStringObject("app.alert(1)")})
    if "open_action" in active:
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    if "page_action" in active:
        writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): writer._add_object(action)})
    if "launch" in active:
        launch = DictionaryObject({NameObject("/S"): NameObject("/Launch"),
                                   NameObject("/F"): TextStringObject("calc.exe")})
        writer.pages[0][NameObject("/Annots")] = writer._add_object(pypdf.generic.ArrayObject([writer._add_object(
            DictionaryObject({NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
                              NameObject("/A"): launch}))]))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
