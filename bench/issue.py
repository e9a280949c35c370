"""Time to render and sign one certificate PDF, next to the bare minimum.

The bare pair, measured in the same run: a reportlab A4 page with one line of
text and the same QR code (``qrcode`` matrix at level L, the level the
certificate ends up with for this seal, runs of dark modules drawn as one
path), plus a bare pyHanko ``SimpleSigner`` PAdES signature of that page with
the same key. Both encode the same ~1,700-character JWS (the sample merchant
name is Chinese, 3 bytes per character in the payload); choosing the QR mask
is most of the cost of either.

Run: ``.venv/bin/python bench/issue.py [--runs 20] [--pdf sample.pdf]``
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from certbench.certify.pdf import render_certificate, sign_pdf

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "support"))
from certificate_sample import issuer_key, sample_view


def bare_pair(text: str, key: ec.EllipticCurvePrivateKey, cert: x509.Certificate) -> bytes:
    """The raw limit: a bare page with the QR as one path, signed by bare pyHanko."""
    import qrcode
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(595.28, 841.89), invariant=1)
    c.setFont("Helvetica-Bold", 24)
    c.drawString(72, 760, "Certificate")
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_L, border=0)
    qr.add_data(text)
    qr.make(fit=True)
    m = 1.44
    path = c.beginPath()
    for r, row in enumerate(qr.get_matrix()):
        col = 0
        while col < len(row):
            start = col
            while col < len(row) and row[col]:
                col += 1
            if col > start:
                path.rect(72 + start * m, 700 - (r + 1) * m, (col - start) * m, m)
            col += 1
    c.drawPath(path, stroke=0, fill=1)
    c.showPage()
    c.save()
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    asn1_cert = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    simple = signers.SimpleSigner(
        signing_cert=asn1_cert,
        signing_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption())),
        cert_registry=SimpleCertificateStore.from_certs([asn1_cert]))
    out = io.BytesIO()
    signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(buf.getvalue())),
                     signers.PdfSignatureMetadata(field_name="Sig",
                                                  subfilter=fields.SigSeedSubFilter.PADES,
                                                  md_algorithm="sha256"),
                     signer=simple, output=out)
    return out.getvalue()


def timed_ms(fn: Callable[[], object]) -> float:
    """Wall time of one call, in milliseconds."""
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--pdf", type=Path, help="also write the signed sample certificate")
    args = parser.parse_args()
    key, cert = issuer_key()
    view = sample_view(key)
    signed = sign_pdf(render_certificate(view), key, cert)   # warm-up: font, imports
    bare_pair(view.jws, key, cert)
    if args.pdf:
        args.pdf.write_bytes(signed)
    render, full, bare = [], [], []
    for _ in range(args.runs):  # interleaved, so load from other processes hits all three
        render.append(timed_ms(lambda: render_certificate(view)))
        full.append(timed_ms(lambda: sign_pdf(render_certificate(view), key, cert)))
        bare.append(timed_ms(lambda: bare_pair(view.jws, key, cert)))
    r, f, b = (statistics.median(x) for x in (render, full, bare))
    print(f"JWS length: {len(view.jws)} characters; signed PDF {len(signed) / 1024:.1f} KiB")
    print(f"render certificate:             {r:7.1f} ms (median of {args.runs})")
    print(f"render + sign certificate:      {f:7.1f} ms")
    print(f"bare page + QR + bare pyHanko:  {b:7.1f} ms")
    print(f"ratio: {f / b:.2f}x (aim: at most 1.5x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
