"""The certificate PDF: render (reportlab), sign (pyHanko PAdES), write, and read back.

One A4 page in English and Chinese carries what ISO/IEC 17065 §7.7 asks of a
certificate, the seal hash, and a QR code holding the compact JWS. The PDF
also carries, covered by its signature:

- the ``.cbseal`` file as an embedded file named ``<number>.cbseal``;
- the exact QR string in the document catalog under ``/CertbenchQR``, so a
  verifier reads it without rendering (the test suite proves the drawn QR
  decodes to the same string).

The PDF is signed PAdES B-B (ECDSA P-256, SHA-256) with the issuer's X.509
certificate. :func:`read_certificate_pdf` needs nothing but the bytes: it
checks the signature against the embedded signer certificate and leaves
trust in that certificate's key to the caller (``signer_cert_der``).

reportlab and pyHanko are imported by the functions that use them.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from certbench import assets
from certbench.certify.fonts import register_cjk_font
from certbench.certify.pdf_layout import Box, Painter, load_template, plan_qr
from certbench.errors import MalformedError, SigningError

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import ec

__all__ = [
    "QR_CATALOG_KEY",
    "SIGNATURE_FIELD",
    "CertificateView",
    "PdfContents",
    "PdfSignatureCheck",
    "default_template_dir",
    "issue_certificate_pdf",
    "read_certificate_pdf",
    "render_certificate",
    "sign_pdf",
]

SIGNATURE_FIELD = "CertbenchSeal"
"""Name of the PDF signature field."""
QR_CATALOG_KEY = "CertbenchQR"
"""Document catalog key holding the exact string the QR code encodes."""
_RESERVED_SIGNATURE_BYTES = 8192


@dataclass(frozen=True)
class CertificateView:
    """Everything printed on the certificate page: plain values, no database."""

    number: str
    body_name: str
    body_address: str
    body_id: str
    merchant_name: str
    merchant_reg_no: str
    merchant_country: str
    merchant_address: str
    websites: tuple[str, ...]
    """The exact websites and shops in scope."""
    scheme_title_en: str
    scheme_title_zh: str
    form_id: str
    form_version: str
    form_hash: str
    grade: str
    score: str
    """Overall score, a decimal string."""
    domain_scores: tuple[tuple[str, str, str, str], ...]
    """``(domain id, title en, title zh, score)`` rows."""
    decision_date: date
    issue_date: date
    valid_from: date
    valid_until: date
    signatory_name: str
    signatory_title: str
    seal_hash: str
    seal_hash_short: str
    jws: str
    """The compact JWS the QR code carries."""
    seal_file: bytes
    """The ``.cbseal`` file, embedded as ``<number>.cbseal``."""
    verify_hint_en: str = ""
    """Replaces the template's how-to-verify text when given."""
    verify_hint_zh: str = ""

    @property
    def attachment_name(self) -> str:
        """The embedded seal file's name."""
        return f"{self.number}.cbseal"


@dataclass(frozen=True)
class PdfSignatureCheck:
    """What the PDF's own signature says (trust in the signer's key is the caller's call)."""

    present: bool
    intact: bool
    """The signed bytes hash to the signed digest."""
    valid: bool
    """The signature value verifies under the signer certificate's key."""
    covers_whole_file: bool
    """Nothing was added or changed after signing."""
    signer_cert_der: bytes | None
    signing_time: datetime | None
    """The time the signer claims (not a trusted timestamp)."""
    problem: str
    """Empty when all is well; otherwise what is wrong, in one line."""


@dataclass(frozen=True)
class PdfContents:
    """What a certificate PDF carries."""

    seal_file: bytes | None
    qr_text: str | None
    signature: PdfSignatureCheck


def default_template_dir() -> Path:
    """The bundled template, ``certificates/default``."""
    return assets.certificates_dir() / "default"


# -- rendering ---------------------------------------------------------------


def render_certificate(view: CertificateView, template_dir: Path | None = None) -> bytes:
    """Render the unsigned one-page certificate PDF (deterministic for equal input).

    :raises SigningError: when the template is broken, its CJK font is missing,
        or the content does not fit.
    """
    from reportlab.pdfgen.canvas import Canvas

    _check_seal_agrees(view)
    template = load_template(template_dir or default_template_dir())
    cjk = register_cjk_font(template.cjk_font())
    page = template.section("page")
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(page.num("width"), page.num("height")), invariant=1,
                    pageCompression=1)
    canvas.setTitle(f"{page.text('title')} {view.number}")
    canvas.setAuthor(view.body_name)
    canvas.setSubject(f"{view.merchant_name}: {view.scheme_title_en} {view.form_version}")
    canvas.setKeywords(view.number)
    canvas.setCreator("certbench")
    painter = Painter(canvas, template, cjk)
    for draw in _BLOCKS:
        draw(painter, view)
    _embed_seal(canvas, view)
    canvas.showPage()
    with _binary_streams():
        canvas.save()
    return buffer.getvalue()


def _check_seal_agrees(view: CertificateView) -> None:
    """Refuse a page whose printed seal hash, QR and attached seal file disagree.

    The seal hash is SHA-256 of the JWS payload segment (the canonical payload);
    its short form is the first 20 hex digits; the seal file carries the same JWS.
    """
    parts = view.jws.split(".")
    try:
        if len(parts) != 3:
            raise ValueError("not three segments")
        payload = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
        seal_file = json.loads(view.seal_file)
    except (ValueError, TypeError) as exc:
        raise SigningError(f"the seal is not a compact JWS with a JSON seal file: {exc}",
                           number=view.number) from exc
    if hashlib.sha256(payload).hexdigest() != view.seal_hash.lower():
        raise SigningError("the seal hash is not the hash of the JWS payload",
                           number=view.number)
    if view.seal_hash_short.replace("-", "").lower() != view.seal_hash[:20].lower():
        raise SigningError("the short seal hash is not the start of the seal hash",
                           number=view.number)
    if not isinstance(seal_file, dict) or seal_file.get("jws") != view.jws:
        raise SigningError("the seal file does not carry the JWS of the QR code",
                           number=view.number)


@contextmanager
def _binary_streams() -> Iterator[None]:
    """Write streams Flate-compressed only, without reportlab's ASCII85 layer.

    ASCII85 is encoded in pure Python here and took longer than the rest of the
    page; binary streams are what every PDF writer produces today. The switch
    is reportlab-global, so it is set only while saving.
    """
    from reportlab import rl_config

    saved = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = saved


def _draw_frame(p: Painter, view: CertificateView) -> None:
    frame = p.template.section("page").sub("frame")
    w, h = p.template.section("page").num("width"), p.page_height
    outer, inner = frame.num("outer_inset"), frame.num("inner_inset")
    p.rect(Box(outer, outer, w - 2 * outer, h - 2 * outer), stroke="primary",
           width=frame.num("outer_width"))
    p.rect(Box(inner, inner, w - 2 * inner, h - 2 * inner), stroke="accent",
           width=frame.num("inner_width"))
    corner = frame.num("corner")
    d = inner + 4
    for x, y, sx, sy in ((d, d, 1, 1), (w - d, d, -1, 1), (d, h - d, 1, -1),
                         (w - d, h - d, -1, -1)):
        p.hline(x, x + sx * corner, y, color="accent", width=1.6)
        p.canvas.line(x, h - y, x, h - (y + sy * corner))


def _draw_header(p: Painter, view: CertificateView) -> None:
    s = p.template.section("header")
    p.logo(p.template.section("logo"))
    box = s.box()
    number_size = s.num("number_size")
    label = s.pair("number_label")
    p.label(box.right, box.y + 9, label, 7, align="right")
    number_w = p.text(box.right, box.y + 11 + number_size, view.number, number_size, bold=True,
                      mono=True, color="primary", align="right")
    left_w = box.w - max(number_w, p.width(label.en + "  " + label.zh, 7)) - 18
    name_size = p.fit_size([view.body_name], s.num("name_size"), 8, left_w, bold=True)
    p.text(box.x, box.y + name_size + 2, view.body_name, name_size, bold=True, color="primary")
    id_label = s.pair("id_label")
    lines = [*p.wrap(view.body_address, s.num("address_size"), left_w),
             f"{id_label.en} / {id_label.zh}: {view.body_id}"]
    size = s.num("address_size")
    top = box.y + name_size + 6
    if top + len(lines) * size * 1.3 > box.bottom:
        raise p.overflow("certification body address")
    for i, line in enumerate(lines):
        p.text(box.x, top + size * (1 + i * 1.3), line, size, color="muted")
    p.hline(p.template.section("logo").box().x, box.right, box.bottom + 4, width=0.6)


def _draw_title(p: Painter, view: CertificateView) -> None:
    s = p.template.section("title")
    box = s.box()
    mid = box.x + box.w / 2
    title = s.pair("text")
    en_size, zh_size = s.num("en_size"), s.num("zh_size")
    p.text(mid, box.y + en_size, title.en, en_size, bold=True, color="primary", align="center")
    p.text(mid, box.y + en_size + zh_size + 6, title.zh, zh_size, color="accent", align="center")
    statement = s.pair("statement")
    size = s.num("statement_size")
    top = box.y + en_size + zh_size + 14
    top = p.paragraph(box, top, statement.en, size, color="muted", align="center")
    p.paragraph(box, top, statement.zh, size, color="muted", align="center")


def _draw_merchant(p: Painter, view: CertificateView) -> None:
    s = p.template.section("merchant")
    box = s.box()
    mid = box.x + box.w / 2
    p.label(mid, box.y + 7, s.pair("label"), 7, align="center")
    name_size = p.fit_size([view.merchant_name], s.num("name_size"), 9, box.w, bold=True)
    p.text(mid, box.y + 10 + name_size, view.merchant_name, name_size, bold=True, align="center")
    reg, country, address = s.pair("reg_label"), s.pair("country_label"), s.pair("address_label")
    size = s.num("detail_size")
    details = (f"{reg.en} / {reg.zh}: {view.merchant_reg_no}     "
               f"{country.en} / {country.zh}: {view.merchant_country}")
    top = box.y + 16 + name_size
    top = p.paragraph(box, top, details, size, align="center")
    p.paragraph(box, top, f"{address.en} / {address.zh}: {view.merchant_address}", size,
                align="center")


def _draw_scope(p: Painter, view: CertificateView) -> None:
    s = p.template.section("scope")
    box = s.box()
    p.rect(box, fill="panel", radius=4)
    inner = Box(box.x + 10, box.y + 6, box.w - 20, box.h - 10)
    p.label(inner.x, inner.y + 7, s.pair("label"), 7)
    area = Box(inner.x, inner.y + 13, inner.w, inner.h - 13)
    size, columns = _scope_layout(p, view.websites, area, s.num("size"), s.num("min_size"))
    gap = 10
    col_w = (area.w - gap * (len(columns) - 1)) / len(columns)
    for c, sites in enumerate(columns):
        x = area.x + c * (col_w + gap)
        y = area.y
        for site in sites:
            p.canvas.setFillColor(p.color("accent"))
            p.canvas.circle(x + 2, p.page_height - (y + size * 0.62), 1.4, stroke=0, fill=1)
            for line in p.wrap(site, size, col_w - 9):
                p.text(x + 9, y + size, line, size)
                y += size * 1.35


def _scope_layout(p: Painter, sites: tuple[str, ...], area: Box, size: float,
                  min_size: float) -> tuple[float, list[tuple[str, ...]]]:
    """The largest type size and fewest columns (one, then two) at which every site fits.

    :raises SigningError: when the scope does not fit even in two columns at ``min_size``.
    """
    for n_cols, lowest in ((1, max(min_size, size - 1.6)), (2, min_size)):
        col_w = (area.w - 10 * (n_cols - 1)) / n_cols
        per_col = -(-len(sites) // n_cols)
        columns = [sites[i:i + per_col] for i in range(0, len(sites), per_col)] or [()]
        current = size
        while current >= lowest - 1e-9:
            lines = max(sum(len(p.wrap(site, current, col_w - 9)) for site in col)
                        for col in columns)
            if lines * current * 1.35 <= area.h:
                return current, columns
            current -= 0.2
    raise p.overflow(f"scope of {len(sites)} websites")


def _draw_scheme(p: Painter, view: CertificateView) -> None:
    s = p.template.section("scheme")
    box = s.box()
    p.rect(box, fill="panel", radius=4)
    inner = Box(box.x + 10, box.y + 6, box.w - 20, box.h - 10)
    p.label(inner.x, inner.y + 7, s.pair("label"), 7)
    size = s.num("size")
    top = p.paragraph(inner, inner.y + 11, view.scheme_title_en, size)
    top = p.paragraph(inner, top, view.scheme_title_zh, size)
    form, version = s.pair("form_label"), s.pair("version_label")
    top = p.paragraph(inner, top, f"{form.en} / {form.zh}: {view.form_id}    "
                      f"{version.en} / {version.zh}: {view.form_version}", size * 0.9,
                      color="muted")
    hash_label = s.pair("hash_label")
    p.text(inner.x, top + 8, f"{hash_label.en} / {hash_label.zh}", 5.8, color="muted")
    p.paragraph(inner, top + 9, view.form_hash, s.num("hash_size"), color="muted")


def _draw_grade(p: Painter, view: CertificateView) -> None:
    s = p.template.section("grade")
    box = s.box()
    p.rect(box, fill="primary", radius=6)
    mid = box.x + box.w / 2
    label = s.pair("label")
    p.text(mid, box.y + 18, label.en.upper(), 9, bold=True, color="on_primary", align="center")
    p.text(mid, box.y + 30, label.zh, 9, color="on_primary", align="center")
    grade_size = p.fit_size([view.grade], s.num("grade_size"), 14, box.w - 20, bold=True)
    radius = min(box.w / 2 - 12, 44)
    centre = box.y + 38 + radius
    p.canvas.setFillColor(p.color("on_primary"))
    p.canvas.circle(mid, p.page_height - centre, radius, stroke=0, fill=1)
    p.canvas.setStrokeColor(p.color("accent"))
    p.canvas.setLineWidth(2)
    p.canvas.circle(mid, p.page_height - centre, radius - 4, stroke=1, fill=0)
    p.text(mid, centre + grade_size * 0.36, view.grade, grade_size, bold=True, color="primary",
           align="center")
    score = s.pair("score_label")
    top = centre + radius + 16
    p.text(mid, top, score.en, 7, bold=True, color="on_primary", align="center")
    p.text(mid, top + 10, score.zh, 7, color="on_primary", align="center")
    p.text(mid, top + 12 + s.num("score_size"), view.score, s.num("score_size"), bold=True,
           color="on_primary", align="center")


def _draw_domains(p: Painter, view: CertificateView) -> None:
    s = p.template.section("domains")
    box = s.box()
    columns = s.numbers("columns")
    if len(columns) != 4:
        raise p.overflow("[domains] columns must list 4 widths")
    p.label(box.x, box.y + 7, s.pair("label"), 7)
    rows = view.domain_scores
    header_top = box.y + 11
    row_h = min((box.h - 27) / max(len(rows), 1), s.num("size") * 2)
    size = min(s.num("size"), row_h / 1.45)
    if size < s.num("min_size"):
        raise p.overflow(f"{len(rows)} domain rows")
    size = min(p.fit_size([r[1] for r in rows] or [""], size, s.num("min_size"), columns[1] - 6),
               p.fit_size([r[2] for r in rows] or [""], size, s.num("min_size"), columns[2] - 6))
    xs = [box.x + sum(columns[:i]) for i in range(4)]
    p.rect(Box(box.x, header_top, box.w, 14), fill="primary")
    hs = s.num("header_size")
    heads = (("ID", "代码"), ("Domain", ""), ("领域", ""), ("Score", "得分"))
    for i, (en, zh) in enumerate(heads):
        text = f"{en} {zh}".strip()
        if i == 3:
            p.text(box.right - 4, header_top + 9.6, text, hs, bold=True, color="on_primary",
                   align="right")
        else:
            p.text(xs[i] + 4, header_top + 9.6, text, hs, bold=True, color="on_primary")
    top = header_top + 14
    for n, (dom_id, en, zh, score) in enumerate(rows):
        if n % 2:
            p.rect(Box(box.x, top, box.w, row_h), fill="stripe")
        base = top + row_h / 2 + size * 0.36
        p.text(xs[0] + 4, base, dom_id, size, bold=True, color="primary")
        p.text(xs[1] + 4, base, en, size)
        p.text(xs[2] + 4, base, zh, size)
        p.text(box.right - 4, base, score, size, bold=True, mono=True, align="right")
        top += row_h
    p.hline(box.x, box.right, top, width=0.8)


def _draw_dates(p: Painter, view: CertificateView) -> None:
    s = p.template.section("dates")
    box = s.box()
    items = s.tables("items")
    cell = box.w / max(len(items), 1)
    p.hline(box.x, box.right, box.y, width=0.6)
    p.hline(box.x, box.right, box.bottom, width=0.6)
    for i, item in enumerate(items):
        value = getattr(view, str(item.get("field")), None)
        if not isinstance(value, date):
            raise p.overflow(f"[dates] unknown field {item.get('field')!r}")
        mid = box.x + cell * (i + 0.5)
        p.text(mid, box.y + 10, str(item.get("en", "")), 6.6, bold=True, color="muted",
               align="center")
        p.text(mid, box.y + 19, str(item.get("zh", "")), 6.6, color="muted", align="center")
        p.text(mid, box.y + 21 + s.num("size"), value.isoformat(), s.num("size"), bold=True,
               mono=True, color="primary", align="center")
        if i:
            p.canvas.setStrokeColor(p.color("rule"))
            p.canvas.line(box.x + cell * i, p.page_height - box.y - 5,
                          box.x + cell * i, p.page_height - box.bottom + 5)


def _draw_qr(p: Painter, view: CertificateView) -> None:
    s = p.template.section("qr")
    box = s.box()
    caption = s.pair("caption")
    side = min(box.w, box.h - 10)
    plan = plan_qr(view.jws, side, s.text("error_correction"), int(s.num("quiet_zone")),
                   s.num("min_module"))
    left = box.x + (box.w - plan.size) / 2
    p.qr(plan, left, box.y)
    p.text(box.x + box.w / 2, box.y + plan.size + 6, f"{caption.en}  {caption.zh}", 6.2,
           color="muted", align="center")


def _draw_seal(p: Painter, view: CertificateView) -> None:
    s = p.template.section("seal")
    box = s.box()
    p.label(box.x, box.y + 7, s.pair("label"), 7)
    short = s.num("short_size")
    p.text(box.x, box.y + 10 + short, view.seal_hash_short, short, bold=True, mono=True,
           color="primary")
    per_line = int(s.num("hash_chars_per_line"))
    size = s.num("hash_size")
    chunks = [view.seal_hash[i:i + per_line] for i in range(0, len(view.seal_hash), per_line)]
    top = box.y + 16 + short
    if top + len(chunks) * size * 1.3 > box.bottom:
        raise p.overflow("seal hash")
    for i, chunk in enumerate(chunks):
        p.text(box.x, top + size * (1 + 1.3 * i), chunk, size, mono=True)


def _draw_verify(p: Painter, view: CertificateView) -> None:
    s = p.template.section("verify")
    box = s.box()
    p.label(box.x, box.y + 7, s.pair("label"), 7)
    text = s.pair("text")
    size = s.num("size")
    top = p.paragraph(box, box.y + 11, view.verify_hint_en or text.en, size)
    p.paragraph(box, top + 3, view.verify_hint_zh or text.zh, size)


def _draw_signature(p: Painter, view: CertificateView) -> None:
    s = p.template.section("signature")
    box = s.box()
    mid = box.x + box.w / 2
    p.label(mid, box.y + 7, s.pair("label"), 6.6, align="center")
    line_y = box.y + s.num("line_y")
    signed_by = s.pair("signed_by")
    p.text(mid, line_y - 30, f"{signed_by.en}  {signed_by.zh}", 6.2, color="muted",
           align="center")
    body_size = p.fit_size([view.body_name], 8, 5, box.w, bold=True)
    p.text(mid, line_y - 19, view.body_name, body_size, bold=True, color="primary",
           align="center")
    p.text(mid, line_y - 8, view.issue_date.isoformat(), 7, mono=True, color="muted",
           align="center")
    p.hline(box.x + 4, box.right - 4, line_y, color="text", width=0.7)
    name_size = p.fit_size([view.signatory_name], s.num("name_size"), 6, box.w, bold=True)
    p.text(mid, line_y + 4 + name_size, view.signatory_name, name_size, bold=True,
           align="center")
    top = line_y + 8 + name_size
    for part in view.signatory_title.split(" / "):  # "Title / 职务" reads best a line each
        top = p.paragraph(box, top, part, s.num("title_size"), color="muted", align="center")
    radius = s.num("seal_radius")
    if radius:
        _draw_stamp(p, mid, top + 6 + radius, radius, en=s.text("stamp_en"),
                    zh=s.text("stamp_zh"))
        top += 12 + 2 * radius
    note = s.pair("note")
    top = p.paragraph(box, top, note.en, s.num("note_size"), color="muted", align="center")
    p.paragraph(box, top, note.zh, s.num("note_size"), color="muted", align="center")


def _draw_stamp(p: Painter, x: float, centre: float, radius: float, *, en: str, zh: str) -> None:
    c = p.canvas
    y = p.page_height - centre
    c.setStrokeColor(p.color("accent"))
    c.setLineWidth(1.6)
    c.circle(x, y, radius, stroke=1, fill=0)
    c.setLineWidth(0.6)
    c.circle(x, y, radius - 4, stroke=1, fill=0)
    p.text(x, centre + 3.5, zh, 10, color="accent", align="center")
    en_size = p.fit_size([en], 5.4, 3.5, radius * 1.5, bold=True)
    p.text(x, centre + 4 + 10, en, en_size, bold=True, color="accent", align="center")


def _draw_footer(p: Painter, view: CertificateView) -> None:
    s = p.template.section("footer")
    text = s.pair("text")
    line = (f"{text.en.format(attachment=view.attachment_name)}   "
            f"{text.zh.format(attachment=view.attachment_name)}")
    width = p.template.section("page").num("width")
    p.text(width / 2, s.num("y"), line, s.num("size"), color="muted", align="center")


_BLOCKS = (_draw_frame, _draw_header, _draw_title, _draw_merchant, _draw_scope, _draw_scheme,
           _draw_grade, _draw_domains, _draw_dates, _draw_qr, _draw_seal, _draw_verify,
           _draw_signature, _draw_footer)


def _embed_seal(canvas: Any, view: CertificateView) -> None:
    """Attach the seal file and record the QR string in the catalog (reportlab low level)."""
    from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream, PDFString

    doc = canvas._doc
    name = view.attachment_name
    stream = PDFStream(PDFDictionary({
        "Type": PDFName("EmbeddedFile"),
        "Subtype": PDFName("application#2Fjson"),
        "Params": PDFDictionary({"Size": len(view.seal_file)}),
    }), content=view.seal_file)
    stream_ref = doc.Reference(stream)
    filespec = doc.Reference(PDFDictionary({
        "Type": PDFName("Filespec"),
        "F": PDFString(name),
        "UF": PDFString(name),
        "Desc": PDFString("certbench seal file (JSON): the compact JWS and its detail"),
        "AFRelationship": PDFName("Data"),
        "EF": PDFDictionary({"F": stream_ref, "UF": stream_ref}),
    }))
    catalog = doc.Catalog
    catalog.Names = PDFDictionary({
        "EmbeddedFiles": PDFDictionary({"Names": PDFArray([PDFString(name), filespec])}),
    })
    # PDFCatalog writes only the keys listed in __NoDefault__; extend the list on this instance.
    catalog.__NoDefault__ = [*catalog.__NoDefault__, QR_CATALOG_KEY, "AF"]
    setattr(catalog, QR_CATALOG_KEY, PDFString(view.jws))
    catalog.AF = PDFArray([filespec])


# -- signing -------------------------------------------------------------------


def sign_pdf(pdf: bytes, private_key: ec.EllipticCurvePrivateKey,
             certificate: x509.Certificate) -> bytes:
    """Sign ``pdf`` PAdES B-B (ECDSA P-256, SHA-256) as the holder of ``certificate``.

    :raises SigningError: when the key does not match the certificate, or pyHanko fails.
    """
    out = io.BytesIO()
    _sign_into(pdf, private_key, certificate, out)
    return out.getvalue()


def issue_certificate_pdf(view: CertificateView, private_key: ec.EllipticCurvePrivateKey,
                          certificate: x509.Certificate, out_path: Path,
                          template_dir: Path | None = None) -> Path:
    """Render, sign and atomically write the certificate to ``out_path``.

    The signed PDF is written to a temporary file in the same folder, flushed to
    disk and renamed over ``out_path``: readers see the old file or the new one,
    never half of one, and a failure leaves no temporary file behind.
    """
    pdf = render_certificate(view, template_dir)
    out_path = Path(out_path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=".tmp",
                                    dir=out_path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w+b") as fh:
            _sign_into(pdf, private_key, certificate, fh)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(out_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(out_path.parent)
    return out_path


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _sign_into(pdf: bytes, private_key: ec.EllipticCurvePrivateKey,
               certificate: x509.Certificate, output: IO[bytes]) -> None:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    _check_key(private_key, certificate)
    signer = _signer(private_key, certificate)
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        pdf_signer = signers.PdfSigner(meta, signer=signer,
                                       new_field_spec=fields.SigFieldSpec(SIGNATURE_FIELD))
        pdf_signer.sign_pdf(writer, output=output, bytes_reserved=_RESERVED_SIGNATURE_BYTES)
    except SigningError:
        raise
    except Exception as exc:
        raise SigningError(f"cannot sign the certificate PDF: {exc}") from exc


def _check_key(private_key: ec.EllipticCurvePrivateKey, certificate: x509.Certificate) -> None:
    from cryptography.hazmat.primitives.asymmetric import ec

    if not isinstance(private_key, ec.EllipticCurvePrivateKey) or not isinstance(
            private_key.curve, ec.SECP256R1):
        raise SigningError("the certificate PDF is signed with an ECDSA P-256 key only")
    if private_key.public_key() != certificate.public_key():
        raise SigningError("the signing key does not match the issuer certificate",
                           subject=certificate.subject.rfc4514_string())


def _signer(private_key: ec.EllipticCurvePrivateKey, certificate: x509.Certificate) -> Any:
    from cryptography.hazmat.primitives import serialization

    der = certificate.public_bytes(serialization.Encoding.DER)
    return _signer_class()(private_key, _asn1_certificate(der))


@cache
def _asn1_certificate(der: bytes) -> Any:
    from asn1crypto import x509 as asn1_x509

    return asn1_x509.Certificate.load(der)


@cache
def _signer_class() -> Any:
    """A pyHanko signer that signs with the in-memory ``cryptography`` key.

    pyHanko's ``SimpleSigner`` re-parses its DER key for every raw signature;
    this one keeps the key object (which a hardware key could equally provide).
    """
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from pyhanko.sign.signers import Signer
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    class _KeySigner(Signer):
        def __init__(self, key: ec.EllipticCurvePrivateKey, cert: Any) -> None:
            super().__init__(signing_cert=cert,
                             cert_registry=SimpleCertificateStore.from_certs([cert]))  # type: ignore[no-untyped-call]
            self._key = key

        async def async_sign_raw(self, data: bytes, digest_algorithm: str,
                                 dry_run: bool = False) -> bytes:
            if digest_algorithm != "sha256":
                raise SigningError(f"unexpected digest algorithm {digest_algorithm}")
            if dry_run:
                return bytes(72)
            return self._key.sign(data, ec.ECDSA(hashes.SHA256()))

    return _KeySigner


# -- reading -------------------------------------------------------------------


def read_certificate_pdf(data: bytes) -> PdfContents:
    """Read the seal file, the QR string and the signature check from a certificate PDF.

    Works offline on the bytes alone. The signature is validated against the
    signer certificate embedded in it; whether that certificate's key is the
    issuer's is for the caller to decide from ``signer_cert_der``.

    :raises MalformedError: when ``data`` is not a readable PDF; never anything else.
    """
    if not data.lstrip()[:5] == b"%PDF-":
        raise MalformedError("not a PDF file", size=len(data))
    try:
        from pyhanko.pdf_utils.reader import PdfFileReader

        reader = PdfFileReader(io.BytesIO(data), strict=False)
        root = reader.root
        seal = _embedded_seal(root)
        qr = _get(root, "/" + QR_CATALOG_KEY)
        qr_text = str(qr) if qr is not None else None
    except Exception as exc:
        raise MalformedError(f"unreadable PDF: {exc}", size=len(data)) from exc
    return PdfContents(seal, qr_text, _check_signature(reader))


def _embedded_seal(root: Any) -> bytes | None:
    """The bytes of the first embedded ``*.cbseal`` file, or ``None``."""
    names = _get(root, "/Names")
    files = _get(names, "/EmbeddedFiles") if names is not None else None
    entries = _get(files, "/Names") if files is not None else None
    if entries is None:
        return None
    entries = list(entries)
    for name, spec in zip(entries[::2], entries[1::2], strict=True):
        if str(name.get_object()).endswith(".cbseal"):
            stream = spec.get_object()["/EF"]["/F"].get_object()
            return bytes(stream.data)
    return None


def _get(dictionary: Any, key: str) -> Any:
    """``dictionary[key]`` resolved to a direct object, or ``None`` when absent."""
    value = dictionary.get(key)
    return value.get_object() if value is not None else None


def _check_signature(reader: Any) -> PdfSignatureCheck:
    """Validate the certificate's PAdES signature; problems are reported, never raised."""
    try:
        signatures = list(reader.embedded_signatures)
    except Exception as exc:
        return _unsigned(f"the signature dictionary is unreadable: {exc}", present=True)
    if not signatures:
        return _unsigned("the PDF is not signed", present=False)
    sig = next((s for s in signatures if s.field_name == SIGNATURE_FIELD), signatures[0])
    cert_der: bytes | None = None
    try:
        from pyhanko.sign.validation import validate_pdf_signature
        from pyhanko_certvalidator import ValidationContext

        cert = sig.signer_cert
        cert_der = cert.dump()
        context = ValidationContext(trust_roots=[cert], allow_fetching=False)
        status = validate_pdf_signature(sig, context)
    except Exception as exc:
        return _unsigned(f"the signature cannot be checked: {exc}", present=True,
                         cert_der=cert_der)
    whole = _covers_whole_file(status) and len(signatures) == 1
    return PdfSignatureCheck(
        present=True,
        intact=bool(status.intact),
        valid=bool(status.valid),
        covers_whole_file=whole,
        signer_cert_der=cert_der,
        signing_time=status.signer_reported_dt,
        problem=_problem(bool(status.intact), bool(status.valid), whole),
    )


def _covers_whole_file(status: Any) -> bool:
    from pyhanko.sign.validation import SignatureCoverageLevel

    return bool(status.coverage == SignatureCoverageLevel.ENTIRE_FILE)


def _problem(intact: bool, valid: bool, whole: bool) -> str:
    if not intact:
        return "the signed bytes were changed after signing (digest mismatch)"
    if not valid:
        return "the signature value does not verify under the signer certificate"
    if not whole:
        return "the file was extended after signing (incremental update or appended bytes)"
    return ""


def _unsigned(problem: str, *, present: bool, cert_der: bytes | None = None) -> PdfSignatureCheck:
    return PdfSignatureCheck(present=present, intact=False, valid=False, covers_whole_file=False,
                             signer_cert_der=cert_der, signing_time=None, problem=problem)
