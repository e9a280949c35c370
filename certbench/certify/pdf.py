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

The page design lives in ``certificates/<template>/template.toml``; its blocks
are drawn by :mod:`certbench.certify.pdf_page` with the primitives of
:mod:`certbench.certify.pdf_layout`. reportlab and pyHanko are imported by the
functions that use them.
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
from certbench.certify.pdf_layout import Painter, load_template
from certbench.certify.pdf_page import draw_page
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
        the content does not fit, or the printed seal hash, QR text and seal file
        do not describe the same seal.
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
    draw_page(painter, view)
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
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=".tmp",
                                        dir=out_path.parent)
    except OSError as exc:
        raise SigningError(f"cannot write the certificate to {out_path}: {exc.strerror}",
                           path=str(out_path)) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w+b") as fh:
            _sign_into(pdf, private_key, certificate, fh)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(out_path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise SigningError(f"cannot write the certificate to {out_path}: {exc.strerror}",
                           path=str(out_path)) from exc
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
