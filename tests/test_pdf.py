"""The certificate PDF: render, sign, read back, and what real tools make of it.

Every check runs on real PDFs with real keys and the real poppler / zbar
command-line tools: pdftoppm renders the page, zbarimg and zxing-cpp decode the
QR code, pdftotext extracts the text, pdfsig checks the PAdES signature.
"""

from __future__ import annotations

import base64
import io
import os
import random
import re
import shutil
import subprocess
import tomllib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from certificate_sample import issuer_key, sample_view
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from certbench.certify.pdf import (
    QR_CATALOG_KEY,
    CertificateView,
    default_template_dir,
    issue_certificate_pdf,
    read_certificate_pdf,
    render_certificate,
    sign_pdf,
)
from certbench.errors import MalformedError, SigningError

TOOLS = ("pdftoppm", "pdftotext", "pdfsig", "pdffonts", "zbarimg")


@pytest.fixture(scope="module", autouse=True)
def _tools() -> None:
    """The poppler and zbar tools are part of the test environment (scripts/system-deps.sh)."""
    missing = [t for t in TOOLS if shutil.which(t) is None]
    assert not missing, f"install poppler-utils and zbar-tools: missing {missing}"


@pytest.fixture(scope="module")
def issuer() -> tuple[ec.EllipticCurvePrivateKey, object]:
    """One P-256 issuer key and self-signed certificate for the module (keygen is cheap,
    but the signed PDF below is shared)."""
    return issuer_key()


@pytest.fixture(scope="module")
def view(issuer: tuple[ec.EllipticCurvePrivateKey, object]) -> CertificateView:
    """A certificate with a real ES256 JWS of ~1,700 characters and its seal file."""
    return sample_view(issuer[0])


@pytest.fixture(scope="module")
def signed(view: CertificateView, issuer: tuple[ec.EllipticCurvePrivateKey, object]) -> bytes:
    """The signed certificate PDF, rendered once for the module."""
    key, cert = issuer
    return sign_pdf(render_certificate(view), key, cert)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def signed_path(signed: bytes, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "certificate.pdf"
    path.write_bytes(signed)
    return path


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=60,
                           check=False)


def pdfsig(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "check.pdf"
    path.write_bytes(data)
    result = run("pdfsig", path)
    return result.stdout + result.stderr


# -- round trip ---------------------------------------------------------------


def test_round_trip_reads_back_seal_file_qr_text_and_a_valid_signature(
        signed: bytes, view: CertificateView,
        issuer: tuple[ec.EllipticCurvePrivateKey, object]) -> None:
    contents = read_certificate_pdf(signed)
    assert contents.seal_file == view.seal_file
    assert contents.qr_text == view.jws
    sig = contents.signature
    assert (sig.present, sig.intact, sig.valid, sig.covers_whole_file) == (True,) * 4
    assert sig.problem == ""
    cert = issuer[1]
    assert sig.signer_cert_der == cert.public_bytes(serialization.Encoding.DER)  # type: ignore[attr-defined]
    assert sig.signing_time is not None
    assert abs(datetime.now(UTC) - sig.signing_time) < timedelta(minutes=10)


def test_rendering_is_deterministic(view: CertificateView) -> None:
    assert render_certificate(view) == render_certificate(view)


def test_unsigned_pdf_reads_as_not_signed(view: CertificateView) -> None:
    contents = read_certificate_pdf(render_certificate(view))
    assert contents.seal_file == view.seal_file
    assert contents.qr_text == view.jws
    assert contents.signature.present is False
    assert contents.signature.valid is False
    assert "not signed" in contents.signature.problem


# -- what real tools see ------------------------------------------------------------


@pytest.fixture(scope="module")
def page_png(signed_path: Path) -> Path:
    """The signed page rendered by poppler at 150 dpi, as a scanner would see a print."""
    out = signed_path.with_name("page150")
    result = run("pdftoppm", "-r", "150", "-png", "-singlefile", signed_path, out)
    assert result.returncode == 0, result.stderr
    return out.with_suffix(".png")


def test_drawn_qr_decodes_with_zbar_to_exactly_the_jws(page_png: Path,
                                                       view: CertificateView) -> None:
    result = run("zbarimg", "--raw", "-q", page_png)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [view.jws]


def test_drawn_qr_decodes_with_zxing_to_exactly_the_jws(page_png: Path,
                                                        view: CertificateView) -> None:
    import zxingcpp
    from PIL import Image

    with Image.open(page_png) as image:
        codes = zxingcpp.read_barcodes(image)
    assert [c.text for c in codes] == [view.jws]


def test_drawn_qr_and_catalog_qr_text_agree(page_png: Path, signed: bytes) -> None:
    decoded = run("zbarimg", "--raw", "-q", page_png).stdout.strip()
    assert decoded == read_certificate_pdf(signed).qr_text


def test_text_is_extractable_in_english_and_chinese(signed_path: Path,
                                                    view: CertificateView) -> None:
    result = run("pdftotext", "-enc", "UTF-8", signed_path, "-")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    for expected in ("电子商务可信认证证书", "Certificate of E-commerce Trust", view.number,
                     view.merchant_name, *view.websites, view.seal_hash_short, "如何验证",
                     view.scheme_title_zh, "2027-11-23"):
        assert expected in text, expected
    assert view.seal_hash in "".join(text.split())


def test_cjk_font_is_embedded_as_a_subset(signed_path: Path) -> None:
    result = run("pdffonts", signed_path)
    rows = [line for line in result.stdout.splitlines() if "WenQuanYiMicroHei" in line]
    assert rows, result.stdout
    assert all(" yes " in row for row in rows), rows  # emb and sub columns


def test_pdfsig_reports_valid_and_whole_document_signed(signed: bytes, tmp_path: Path) -> None:
    report = pdfsig(signed, tmp_path)
    assert "Signature is Valid" in report, report
    assert "Total document signed" in report, report
    assert "CertbenchSeal" in report


def test_page_is_one_a4_page(signed_path: Path) -> None:
    result = run("pdfinfo", signed_path)
    assert re.search(r"^Pages:\s+1$", result.stdout, re.MULTILINE), result.stdout
    assert "595.28 x 841.89 pts (A4)" in result.stdout


# -- tampering ----------------------------------------------------------------------


def flip_in_signed_range(data: bytes) -> bytes:
    """Change one character of the document title (inside the first signed byte range)."""
    at = data.index(b"E-commerce Trust CB-")
    return data[:at] + b"e" + data[at + 1:]


def test_flipped_byte_is_not_intact(signed: bytes, tmp_path: Path) -> None:
    tampered = flip_in_signed_range(signed)
    sig = read_certificate_pdf(tampered).signature
    assert sig.present is True
    assert sig.intact is False
    assert "digest mismatch" in sig.problem
    assert "Digest Mismatch" in pdfsig(tampered, tmp_path)


def test_flipped_signature_value_is_not_valid(signed: bytes, tmp_path: Path) -> None:
    from asn1crypto import cms

    start = signed.index(b"/Contents <") + len(b"/Contents <")
    hex_contents = signed[start:signed.index(b">", start)]
    info = cms.ContentInfo.load(bytes.fromhex(hex_contents.decode()), strict=False)
    value = info["content"]["signer_infos"][0]["signature"].native.hex().encode()
    at = start + hex_contents.lower().index(value) + 40   # a digit inside r
    tampered = signed[:at] + (b"1" if signed[at:at + 1] != b"1" else b"2") + signed[at + 1:]
    sig = read_certificate_pdf(tampered).signature
    assert (sig.present, sig.intact, sig.valid) == (True, True, False)
    assert "does not verify" in sig.problem
    assert "Signature is Invalid" in pdfsig(tampered, tmp_path)


def test_appended_bytes_do_not_cover_the_whole_file(signed: bytes) -> None:
    sig = read_certificate_pdf(signed + b"\n% appended\n").signature
    assert sig.intact is True
    assert sig.covers_whole_file is False
    assert "after signing" in sig.problem


def test_incremental_update_after_signing_is_not_whole_file(signed: bytes, tmp_path: Path) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    writer.root["/" + QR_CATALOG_KEY] = generic.TextStringObject("forged")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    updated = out.getvalue()
    contents = read_certificate_pdf(updated)
    assert contents.qr_text == "forged"
    assert contents.signature.intact is True
    assert contents.signature.covers_whole_file is False
    assert "Total document signed" not in pdfsig(updated, tmp_path)


@pytest.mark.parametrize("data", [
    b"",
    b"%PDF-1.7\n",
    bytes(random.Random(7).randrange(256) for _ in range(4096)),
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF",
], ids=["empty", "header-only", "random", "no-xref"])
def test_non_pdf_input_is_malformed(data: bytes) -> None:
    with pytest.raises(MalformedError):
        read_certificate_pdf(data)


@pytest.mark.parametrize("keep", [0.5, 0.98])
def test_truncated_pdf_is_malformed(signed: bytes, keep: float) -> None:
    with pytest.raises(MalformedError):
        read_certificate_pdf(signed[:int(len(signed) * keep)])


def test_damaged_pdfs_read_or_fail_as_malformed_only(signed: bytes) -> None:
    """Random damage anywhere never escapes as another exception, and never passes as a
    good signature unless it only touched the signature's own (unsigned) /Contents value."""
    rng = random.Random(20261124)
    contents_start = signed.index(b"/Contents <")
    contents_end = signed.index(b">", contents_start + 11)
    read = 0
    for _ in range(40):
        data = bytearray(signed)
        spots = [rng.randrange(len(data)) for _ in range(rng.randint(1, 8))]
        for at in spots:
            data[at] = (data[at] + rng.randrange(1, 256)) % 256
        try:
            sig = read_certificate_pdf(bytes(data)).signature
        except MalformedError:
            continue
        read += 1
        if sig.intact and sig.valid and sig.covers_whole_file:
            assert all(contents_start + 11 <= at < contents_end for at in spots), spots
    assert read > 0


# -- signing refusals ----------------------------------------------------------------


def test_signing_with_a_key_that_does_not_match_the_certificate_is_refused(
        view: CertificateView, issuer: tuple[ec.EllipticCurvePrivateKey, object]) -> None:
    other = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(SigningError, match="does not match"):
        sign_pdf(render_certificate(view), other, issuer[1])  # type: ignore[arg-type]


def test_signing_with_a_non_p256_key_is_refused(view: CertificateView) -> None:
    _, cert = issuer_key()
    p384 = ec.generate_private_key(ec.SECP384R1())
    with pytest.raises(SigningError, match="P-256"):
        sign_pdf(render_certificate(view), p384, cert)


# -- template and content limits ---------------------------------------------------


def template_copy(tmp_path: Path, replace_text: tuple[str, str] | None = None) -> Path:
    """A copy of the default template, optionally with one text replaced."""
    folder = tmp_path / "template"
    shutil.copytree(default_template_dir(), folder)
    path = folder / "template.toml"
    text = path.read_text(encoding="utf-8")
    if replace_text:
        assert replace_text[0] in text
        text = text.replace(*replace_text)
    path.write_text(text, encoding="utf-8")
    return folder


def with_font_candidates(tmp_path: Path, name: str, candidates: list[Path]) -> Path:
    """A template copy whose CJK font is looked for at ``candidates`` only."""
    folder = template_copy(tmp_path, ('name = "WQYMicroHei"', f'name = "{name}"'))
    path = folder / "template.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index("candidates = [")
    end = text.index("]", start)
    listed = ", ".join(f'"{c}"' for c in candidates)
    path.write_text(text[:start] + f"candidates = [{listed}]" + text[end + 1:], encoding="utf-8")
    assert tomllib.loads(path.read_text(encoding="utf-8"))["fonts"]["cjk"]["candidates"]
    return folder


def test_missing_cjk_font_names_the_package_to_install(view: CertificateView,
                                                       tmp_path: Path) -> None:
    folder = with_font_candidates(tmp_path, "WQYMissing",
                                  [tmp_path / "a.ttc", tmp_path / "b.ttf"])
    with pytest.raises(SigningError, match=r"apt-get install fonts-wqy-microhei"):
        render_certificate(view, folder)


def test_a_font_without_truetype_outlines_is_refused_not_used(view: CertificateView,
                                                              tmp_path: Path) -> None:
    fake = tmp_path / "cff.otf"
    fake.write_bytes(b"OTTO" + bytes(200))  # the header of a CFF (PostScript outline) font
    folder = with_font_candidates(tmp_path, "WQYCff", [fake])
    with pytest.raises(SigningError, match="no TrueType CJK font") as info:
        render_certificate(view, folder)
    assert str(fake) in info.value.message


def test_template_colours_are_data(view: CertificateView, tmp_path: Path) -> None:
    folder = template_copy(tmp_path, ('primary = "#1D3557"', 'primary = "#7A1F2B"'))
    stream = _page_stream(render_certificate(view, folder))
    assert b".478431 .121569 .168627 rg" in stream       # the new primary, #7A1F2B
    assert b".113725 .207843 .341176" not in stream      # the default primary, #1D3557


def _page_stream(pdf: bytes) -> bytes:
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(pdf))
    page = reader.root["/Pages"]["/Kids"][0]
    return bytes(page["/Contents"].data)


def test_broken_template_value_is_reported_with_its_key(view: CertificateView,
                                                        tmp_path: Path) -> None:
    folder = template_copy(tmp_path, ("name_size = 17", 'name_size = "big"'))
    with pytest.raises(SigningError, match=r"\[merchant\] name_size must be a number"):
        render_certificate(view, folder)


def test_scope_that_does_not_fit_is_refused_not_cut(view: CertificateView) -> None:
    many = tuple(f"https://shop{i:03d}.example.cn" for i in range(40))
    with pytest.raises(SigningError, match="does not fit"):
        render_certificate(replace(view, websites=many))


def test_more_websites_shrink_to_fit(view: CertificateView, tmp_path: Path) -> None:
    sites = tuple(f"https://shop{i}.example.cn" for i in range(10))
    path = tmp_path / "c.pdf"
    path.write_bytes(render_certificate(replace(view, websites=sites)))
    text = run("pdftotext", path, "-").stdout
    assert all(site in text for site in sites)


def long_seal(view: CertificateView, extra: int) -> CertificateView:
    """The view with a JWS ``extra`` characters longer (its hash and seal file to match)."""
    import hashlib
    import json

    head, payload, sig = view.jws.split(".")
    jws = f"{head}.{payload}{'A' * extra}.{sig}"
    padded = payload + "A" * extra
    digest = hashlib.sha256(base64.urlsafe_b64decode(padded + "=" * (-len(padded) % 4)))
    seal_hash = digest.hexdigest()
    short = "-".join(seal_hash[i:i + 4] for i in range(0, 20, 4)).upper()
    return replace(view, jws=jws, seal_hash=seal_hash, seal_hash_short=short,
                   seal_file=json.dumps({"jws": jws}).encode())


def test_seal_too_long_for_the_qr_area_is_refused(view: CertificateView) -> None:
    with pytest.raises(SigningError, match="too long"):
        render_certificate(long_seal(view, 2500))


@pytest.mark.parametrize("change", ["hash", "short", "seal_file", "jws"])
def test_page_whose_seal_parts_disagree_is_refused(view: CertificateView, change: str) -> None:
    other = "0" * 64
    changed = {
        "hash": replace(view, seal_hash=other),
        "short": replace(view, seal_hash_short="0000-0000-0000-0000-0000"),
        "seal_file": replace(view, seal_file=view.seal_file.replace(b'"jws": "ey', b'"jws": "ez')),
        "jws": replace(view, jws=view.jws.replace(".", "", 1)),
    }[change]
    with pytest.raises(SigningError):
        render_certificate(changed)


# -- atomic issue ---------------------------------------------------------------------


class FailingKey(ec.EllipticCurvePrivateKey):
    """A signing key whose signing operation fails (an HSM or smart card gone away)."""

    def __init__(self, inner: ec.EllipticCurvePrivateKey) -> None:
        self._inner = inner

    def sign(self, data: bytes, signature_algorithm: ec.EllipticCurveSignatureAlgorithm) -> bytes:
        raise OSError("the signing device was disconnected")

    def exchange(self, algorithm: ec.ECDH, peer_public_key: ec.EllipticCurvePublicKey) -> bytes:
        return self._inner.exchange(algorithm, peer_public_key)

    def public_key(self) -> ec.EllipticCurvePublicKey:
        return self._inner.public_key()

    @property
    def curve(self) -> ec.EllipticCurve:
        return self._inner.curve

    @property
    def key_size(self) -> int:
        return self._inner.key_size

    def private_numbers(self) -> ec.EllipticCurvePrivateNumbers:
        return self._inner.private_numbers()

    def private_bytes(self, encoding: serialization.Encoding,
                      format: serialization.PrivateFormat,
                      encryption_algorithm: serialization.KeySerializationEncryption) -> bytes:
        return self._inner.private_bytes(encoding, format, encryption_algorithm)

    def __copy__(self) -> FailingKey:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> FailingKey:
        return self


def test_issue_writes_a_signed_pdf_over_the_old_file(
        view: CertificateView, issuer: tuple[ec.EllipticCurvePrivateKey, object],
        tmp_path: Path) -> None:
    key, cert = issuer
    out = tmp_path / "CB-2026-000123.pdf"
    out.write_bytes(b"old certificate")
    assert issue_certificate_pdf(view, key, cert, out) == out  # type: ignore[arg-type]
    contents = read_certificate_pdf(out.read_bytes())
    assert contents.signature.covers_whole_file and contents.signature.valid
    assert os.listdir(tmp_path) == [out.name]


def test_failed_signing_keeps_the_old_file_and_leaves_no_temporary_file(
        view: CertificateView, issuer: tuple[ec.EllipticCurvePrivateKey, object],
        tmp_path: Path) -> None:
    key, cert = issuer
    out = tmp_path / "CB-2026-000123.pdf"
    out.write_bytes(b"old certificate")
    with pytest.raises(SigningError, match="disconnected"):
        issue_certificate_pdf(view, FailingKey(key), cert, out)  # type: ignore[arg-type]
    assert out.read_bytes() == b"old certificate"
    assert os.listdir(tmp_path) == [out.name]


def test_failed_signing_into_a_new_path_creates_nothing(
        view: CertificateView, issuer: tuple[ec.EllipticCurvePrivateKey, object],
        tmp_path: Path) -> None:
    key, cert = issuer
    with pytest.raises(SigningError):
        issue_certificate_pdf(view, FailingKey(key), cert,  # type: ignore[arg-type]
                              tmp_path / "new.pdf")
    assert os.listdir(tmp_path) == []


def test_qr_uses_the_template_error_correction_and_falls_back_only_when_needed(
        view: CertificateView) -> None:
    from certbench.certify.pdf_layout import plan_qr

    short = plan_qr(view.jws[:900], 206, "M", 2, 1.44)
    full = plan_qr(view.jws, 206, "M", 2, 1.44)
    assert short.error_correction == "M"
    assert full.error_correction == "L"
    assert full.module >= 1.44
    assert full.size == pytest.approx(206)


def test_issue_into_a_missing_folder_is_a_signing_error(
        view: CertificateView, issuer: tuple[ec.EllipticCurvePrivateKey, object],
        tmp_path: Path) -> None:
    key, cert = issuer
    with pytest.raises(SigningError, match="cannot write the certificate"):
        issue_certificate_pdf(view, key, cert, tmp_path / "absent" / "c.pdf")  # type: ignore[arg-type]


def test_long_domain_titles_wrap_instead_of_refusing_the_certificate(
        view: CertificateView, tmp_path: Path) -> None:
    """The standard form's cross-border domain has a long title in both languages: the
    certificate of a cross-border merchant must still be issued, with the title intact."""
    long_en = "Cross-border specifics: language, duties, currency, local returns"
    long_zh = "跨境经营专项：语言、税费、货币与本地退货"
    rows = (*view.domain_scores[:12], ("XB", long_en, long_zh, "80.00"))
    pdf = tmp_path / "long.pdf"
    pdf.write_bytes(render_certificate(replace(view, domain_scores=rows)))
    text = run("pdftotext", "-enc", "UTF-8", pdf, "-").stdout
    flat = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", long_en) in flat
    assert long_zh in flat


def test_a_domain_title_too_long_for_two_lines_is_refused(view: CertificateView) -> None:
    rows = (*view.domain_scores[:12], ("XB", "Cross-border " * 40, "跨境" * 80, "80.00"))
    with pytest.raises(SigningError, match="domain title"):
        render_certificate(replace(view, domain_scores=rows))
