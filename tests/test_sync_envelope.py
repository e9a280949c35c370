"""The encryption envelope: round trips, and every way a ciphertext can be spoiled."""

from __future__ import annotations

import io
import os
import tracemalloc

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from jwcrypto import jwk

from certbench.errors import PackageError
from certbench.sync.envelope import (
    EncryptingWriter,
    decrypt_stream,
    encrypt_stream,
    is_encrypted,
    public_key_id,
    read_header,
)

CHUNK = 1024


@pytest.fixture(scope="module")
def key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _encrypt(data: bytes, key: ec.EllipticCurvePrivateKey, chunk: int = CHUNK) -> bytes:
    out = io.BytesIO()
    encrypt_stream(io.BytesIO(data), out, key.public_key(), chunk_size=chunk)
    return out.getvalue()


def _decrypt(blob: bytes, key: ec.EllipticCurvePrivateKey) -> bytes:
    out = io.BytesIO()
    decrypt_stream(io.BytesIO(blob), out, key)
    return out.getvalue()


def _code(blob: bytes, key: ec.EllipticCurvePrivateKey) -> str:
    with pytest.raises(PackageError) as info:
        _decrypt(blob, key)
    return str(info.value.context["code"])


def _header_len(blob: bytes) -> int:
    stream = io.BytesIO(blob)
    read_header(stream)
    return stream.tell()


def _chunks(blob: bytes) -> tuple[bytes, list[bytes]]:
    at = _header_len(blob)
    body = blob[at:]
    return blob[:at], [body[i:i + CHUNK + 16] for i in range(0, len(body), CHUNK + 16)]


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 5 * CHUNK + 7])
def test_round_trip_at_every_chunk_edge(key: ec.EllipticCurvePrivateKey, size: int) -> None:
    data = os.urandom(size)
    blob = _encrypt(data, key)
    assert is_encrypted(blob)
    assert _decrypt(blob, key) == data
    _header, chunks = _chunks(blob)
    assert len(chunks) == max(1, -(-size // CHUNK))


def test_ciphertext_hides_the_plaintext_and_differs_each_time(
        key: ec.EllipticCurvePrivateKey) -> None:
    data = b"merchant legal name: ACME Trading Ltd. " * 100
    first, second = _encrypt(data, key), _encrypt(data, key)
    assert first != second
    assert b"ACME" not in first


def test_key_id_is_the_rfc7638_thumbprint(key: ec.EllipticCurvePrivateKey) -> None:
    """An independent JOSE library computes the same key id the header names."""
    expected = jwk.JWK.from_pyca(key.public_key()).thumbprint()
    assert public_key_id(key.public_key()) == expected
    header = read_header(io.BytesIO(_encrypt(b"x", key)))
    assert header.recipient_key_id == expected


def test_wrong_recipient_is_refused(key: ec.EllipticCurvePrivateKey) -> None:
    other = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(PackageError, match="not addressed to this key") as info:
        _decrypt(_encrypt(b"secret", key), other)
    assert info.value.context["code"] == "wrong_recipient"


def test_every_single_byte_flip_is_refused(key: ec.EllipticCurvePrivateKey) -> None:
    """Flip each byte of a three-chunk ciphertext in turn: every one is caught."""
    data = os.urandom(2 * CHUNK + 500)
    blob = _encrypt(data, key)
    header_len = _header_len(blob)
    codes: dict[str, int] = {}
    for at in range(len(blob)):
        for mask in (0x01, 0x80):
            spoiled = bytearray(blob)
            spoiled[at] ^= mask
            code = _code(bytes(spoiled), key)
            codes[code] = codes.get(code, 0) + 1
            if at >= header_len:
                assert code == "damaged", (at, mask, code)
    assert set(codes) <= {"damaged", "wrong_recipient", "not_a_package", "unknown_version",
                          "truncated"}


def test_truncation_at_every_chunk_boundary_is_detected(key: ec.EllipticCurvePrivateKey) -> None:
    data = os.urandom(4 * CHUNK + 100)
    blob = _encrypt(data, key)
    header, chunks = _chunks(blob)
    for keep in range(len(chunks)):
        cut = header + b"".join(chunks[:keep])
        assert _code(cut, key) == "truncated", keep


def test_truncation_anywhere_is_refused(key: ec.EllipticCurvePrivateKey) -> None:
    blob = _encrypt(os.urandom(2 * CHUNK + 10), key)
    for cut in range(0, len(blob), 7):
        assert _code(blob[:cut], key) in {"truncated", "damaged", "not_a_package"}, cut


def test_reordered_chunks_are_refused(key: ec.EllipticCurvePrivateKey) -> None:
    header, chunks = _chunks(_encrypt(os.urandom(3 * CHUNK + 10), key))
    swapped = header + chunks[1] + chunks[0] + chunks[2] + chunks[3]
    assert _code(swapped, key) == "damaged"


def test_duplicated_and_appended_chunks_are_refused(key: ec.EllipticCurvePrivateKey) -> None:
    header, chunks = _chunks(_encrypt(os.urandom(2 * CHUNK + 10), key))
    assert _code(header + chunks[0] + chunks[0] + chunks[1] + chunks[2], key) == "damaged"
    assert _code(header + b"".join(chunks) + chunks[-1], key) == "damaged"
    assert _code(header + b"".join(chunks) + b"\x00", key) == "damaged"


def test_chunks_spliced_from_another_envelope_are_refused(
        key: ec.EllipticCurvePrivateKey) -> None:
    data = os.urandom(2 * CHUNK + 10)
    header_a, chunks_a = _chunks(_encrypt(data, key))
    _, chunks_b = _chunks(_encrypt(data, key))
    assert _code(header_a + chunks_a[0] + chunks_b[1] + chunks_a[2], key) == "damaged"


def test_unknown_envelope_version_is_refused(key: ec.EllipticCurvePrivateKey) -> None:
    blob = bytearray(_encrypt(b"x", key))
    blob[8] = 2
    assert _code(bytes(blob), key) == "unknown_version"


def test_not_an_envelope_is_refused(key: ec.EllipticCurvePrivateKey) -> None:
    assert _code(b"PK\x03\x04" + os.urandom(100), key) == "not_a_package"
    assert not is_encrypted(b"PK\x03\x04")


def test_writer_feeds_a_zip_in_one_pass(key: ec.EllipticCurvePrivateKey) -> None:
    """The unseekable writer works under zipfile, which then writes data descriptors."""
    import zipfile

    out = io.BytesIO()
    writer = EncryptingWriter(out, key.public_key(), chunk_size=CHUNK)
    with zipfile.ZipFile(writer, "w") as zf:  # type: ignore[arg-type]
        zf.writestr("manifest.json", b"{}" * 3000)
    writer.close()
    plain = _decrypt(out.getvalue(), key)
    with zipfile.ZipFile(io.BytesIO(plain)) as zf:
        assert zf.read("manifest.json") == b"{}" * 3000
        assert zf.getinfo("manifest.json").flag_bits & 0x08


def test_writer_refuses_writes_after_close(key: ec.EllipticCurvePrivateKey) -> None:
    writer = EncryptingWriter(io.BytesIO(), key.public_key())
    writer.close()
    writer.close()
    with pytest.raises(ValueError, match="closed"):
        writer.write(b"x")


def test_writer_refuses_bad_chunk_sizes_and_curves() -> None:
    p256 = ec.generate_private_key(ec.SECP256R1()).public_key()
    with pytest.raises(ValueError, match="power of two"):
        EncryptingWriter(io.BytesIO(), p256, chunk_size=1000)
    with pytest.raises(ValueError, match="P-256"):
        EncryptingWriter(io.BytesIO(), ec.generate_private_key(ec.SECP384R1()).public_key())


def test_memory_stays_constant_over_a_long_stream(key: ec.EllipticCurvePrivateKey) -> None:
    """16 MiB through 64 KiB chunks: peak allocations stay a few chunks, not the stream."""
    chunk = 64 << 10
    total = 16 << 20

    class Source(io.RawIOBase):
        left = total

        def readable(self) -> bool:
            return True

        def readinto(self, b: bytearray) -> int:  # type: ignore[override]
            n = min(len(b), self.left)
            b[:n] = bytes(n)
            self.left -= n
            return n

    class Sink(io.RawIOBase):
        def __init__(self) -> None:
            self.kept = io.BytesIO()
            self.size = 0

        def writable(self) -> bool:
            return True

        def write(self, b: bytes) -> int:  # type: ignore[override]
            self.size += len(b)
            return len(b)

    tracemalloc.start()
    try:
        sink = Sink()
        encrypt_stream(io.BufferedReader(Source()), sink, key.public_key(), chunk_size=chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sink.size > total
    assert peak < 8 * chunk


def test_cancel_stops_decryption(key: ec.EllipticCurvePrivateKey) -> None:
    blob = _encrypt(os.urandom(3 * CHUNK), key)
    with pytest.raises(PackageError) as info:
        decrypt_stream(io.BytesIO(blob), io.BytesIO(), key, cancelled=lambda: True)
    assert info.value.context["code"] == "cancelled"


def test_decrypting_reader_reads_any_position(key: ec.EllipticCurvePrivateKey) -> None:
    """Random access matches the plaintext: zipfile reads the end first, then entries."""
    import random

    from certbench.sync.envelope import DecryptingReader

    data = os.urandom(5 * CHUNK + 123)
    reader = DecryptingReader(io.BytesIO(_encrypt(data, key)), key)
    assert reader.size == len(data)
    rng = random.Random(7)
    for _ in range(200):
        start = rng.randrange(len(data) + 1)
        length = rng.randrange(3 * CHUNK)
        reader.seek(start)
        assert reader.read(length) == data[start:start + length]
    reader.seek(-10, io.SEEK_END)
    assert reader.read() == data[-10:]
    with pytest.raises(OSError):
        reader.seek(-1)


def test_decrypting_reader_refuses_truncation_appending_and_flips(
        key: ec.EllipticCurvePrivateKey) -> None:
    from certbench.sync.envelope import DecryptingReader

    blob = _encrypt(os.urandom(3 * CHUNK + 50), key)
    header, chunks = _chunks(blob)

    def first_error(spoiled: bytes) -> str:
        with pytest.raises(PackageError) as info:
            reader = DecryptingReader(io.BytesIO(spoiled), key)
            reader.seek(0)
            reader.read()
        return str(info.value.context["code"])

    for keep in range(len(chunks)):
        assert first_error(header + b"".join(chunks[:keep])) == "truncated", keep
    assert first_error(blob + chunks[-1]) == "damaged"
    spoiled = bytearray(blob)
    spoiled[len(header) + CHUNK + 40] ^= 1
    assert first_error(bytes(spoiled)) == "damaged"
    other = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(PackageError, match="not addressed to this key"):
        DecryptingReader(io.BytesIO(blob), other)
