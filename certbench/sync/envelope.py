"""Chunked hybrid encryption of a package to the receiving body's P-256 key.

Construction (version 1)::

    header = MAGIC(8) | version(1) | log2(chunk_size)(1) | len(kid)(1) | kid
             | ephemeral public key, X9.62 uncompressed (65) | salt (32)
    shared = ECDH(ephemeral private key, recipient public key)
    okm    = HKDF-SHA256(shared, salt, info = INFO | header, 32 + 8 bytes)
    key, prefix = okm[:32], okm[32:]
    chunk i = AES-256-GCM(key, nonce = prefix | i (4 bytes, big-endian),
                          plaintext block i, aad = i (8 bytes) | final flag (1))

This is the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015):
every chunk is authenticated with its position and with whether it is the
last, so chunks cannot be reordered, dropped, duplicated or appended, and a
stream cut at a chunk boundary is detected because its last chunk was sealed
as "not final". The whole header is bound into the key derivation, so a change
to any header byte yields a different key and the first chunk fails. Every
chunk but the last carries exactly ``chunk_size`` bytes of plaintext; the last
carries 0 to ``chunk_size`` (0 only for an empty plaintext). Memory use is one
chunk, whatever the size of the stream.

A decrypted chunk is released only after its tag verified, but truncation is
known only at the end: callers decrypt into a staging file and use it only
after :func:`decrypt_stream` returned.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from certbench.sync.codes import PackageCode, package_error

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "MAGIC",
    "DecryptingReader",
    "EncryptingWriter",
    "EnvelopeHeader",
    "decrypt_stream",
    "encrypt_stream",
    "is_encrypted",
    "public_key_id",
    "read_header",
]

MAGIC = b"CBPKGENC"
VERSION = 1
DEFAULT_CHUNK_SIZE = 1 << 20
_INFO = b"certbench package envelope v1"
_SALT_LEN = 32
_POINT_LEN = 65
_TAG_LEN = 16
_PREFIX_LEN = 8
_MIN_LOG2, _MAX_LOG2 = 10, 24
_MAX_CHUNKS = 1 << 32


def public_key_id(public_key: ec.EllipticCurvePublicKey) -> str:
    """The RFC 7638 JWK thumbprint (base64url, no padding) of a P-256 public key.

    This is the key id certbench uses everywhere (``certify.keys.key_id``
    computes the same value); the envelope header names its recipient by it.
    """
    numbers = public_key.public_numbers()

    def b64(n: int) -> str:
        return base64.urlsafe_b64encode(n.to_bytes(32, "big")).rstrip(b"=").decode("ascii")

    jwk = {"crv": "P-256", "kty": "EC", "x": b64(numbers.x), "y": b64(numbers.y)}
    members = json.dumps(jwk, separators=(",", ":"), sort_keys=True).encode("ascii")
    return base64.urlsafe_b64encode(hashlib.sha256(members).digest()).rstrip(b"=").decode()


@dataclass(frozen=True, slots=True)
class EnvelopeHeader:
    """The clear-text header of an encrypted package."""

    version: int
    """Envelope format version (1)."""
    chunk_size: int
    """Plaintext bytes per chunk."""
    recipient_key_id: str
    """Key id of the public key the package was encrypted to."""
    ephemeral_public: bytes
    """The sender's one-time P-256 point, X9.62 uncompressed."""
    salt: bytes
    """HKDF salt, random per package."""

    def to_bytes(self) -> bytes:
        """The exact header bytes, as written and as bound into the key derivation."""
        kid = self.recipient_key_id.encode("ascii")
        return (MAGIC + bytes([self.version, self.chunk_size.bit_length() - 1, len(kid)]) + kid
                + self.ephemeral_public + self.salt)


def is_encrypted(head: bytes) -> bool:
    """Whether the first bytes of a file are an envelope header."""
    return head.startswith(MAGIC)


def _read_exact(src: BinaryIO, n: int) -> bytes:
    data = src.read(n)
    if len(data) != n:
        raise package_error(PackageCode.TRUNCATED, "the encrypted package is truncated (header)")
    return data


def read_header(src: BinaryIO) -> EnvelopeHeader:
    """Read and check the header at the current position of ``src``."""
    magic = src.read(len(MAGIC))
    if magic != MAGIC:
        if len(magic) < len(MAGIC) and MAGIC.startswith(magic) and magic:
            raise package_error(PackageCode.TRUNCATED, "the encrypted package is truncated")
        raise package_error(PackageCode.NOT_A_PACKAGE, "this file is not an encrypted package")
    version, log2, kid_len = _read_exact(src, 3)
    if version != VERSION:
        raise package_error(PackageCode.UNKNOWN_VERSION,
                            f"encryption envelope version {version} is not supported "
                            f"(this certbench reads version {VERSION})", version=version)
    if not _MIN_LOG2 <= log2 <= _MAX_LOG2:
        raise package_error(PackageCode.DAMAGED, "the encrypted package header is damaged")
    try:
        kid = _read_exact(src, kid_len).decode("ascii")
    except UnicodeDecodeError:
        raise package_error(PackageCode.DAMAGED,
                            "the encrypted package header is damaged") from None
    point = _read_exact(src, _POINT_LEN)
    salt = _read_exact(src, _SALT_LEN)
    return EnvelopeHeader(VERSION, 1 << log2, kid, point, salt)


def _derive(shared: bytes, header: EnvelopeHeader) -> tuple[AESGCM, bytes]:
    okm = HKDF(algorithm=hashes.SHA256(), length=32 + _PREFIX_LEN, salt=header.salt,
               info=_INFO + header.to_bytes()).derive(shared)
    return AESGCM(okm[:32]), okm[32:]


def _nonce(prefix: bytes, index: int) -> bytes:
    return prefix + struct.pack(">I", index)


def _aad(index: int, final: bool) -> bytes:
    return struct.pack(">QB", index, 1 if final else 0)


class EncryptingWriter:
    """A write-only, unseekable binary stream that encrypts to ``dst`` as it goes.

    :class:`~certbench.sync.archive.PackageWriter` writes into it directly, so a
    package is zipped and encrypted in one pass. :meth:`close` seals the final
    chunk; without it the output is (detectably) truncated. ``dst`` stays open.
    """

    def __init__(self, dst: BinaryIO, recipient: ec.EllipticCurvePublicKey, *,
                 chunk_size: int = DEFAULT_CHUNK_SIZE) -> None:
        if chunk_size & (chunk_size - 1) or not 1 << _MIN_LOG2 <= chunk_size <= 1 << _MAX_LOG2:
            raise ValueError("chunk_size must be a power of two between 1 KiB and 16 MiB")
        if not isinstance(recipient.curve, ec.SECP256R1):
            raise ValueError("the recipient key must be a P-256 key")
        ephemeral = ec.generate_private_key(ec.SECP256R1())
        point = ephemeral.public_key().public_bytes(
            encoding=serialization.Encoding.X962,
            format=serialization.PublicFormat.UncompressedPoint)
        self.header = EnvelopeHeader(VERSION, chunk_size, public_key_id(recipient), point,
                                     os.urandom(_SALT_LEN))
        self._aead, self._prefix = _derive(ephemeral.exchange(ec.ECDH(), recipient), self.header)
        self._dst = dst
        self._chunk = chunk_size
        # Fixed buffers, reused for every chunk: a fresh megabyte per chunk costs
        # more in page faults than the encryption itself.
        self._buffer = memoryview(bytearray(chunk_size))
        self._fill = 0
        self._sealed = memoryview(bytearray(chunk_size + _TAG_LEN))
        self._index = 0
        self._written = 0
        self.closed = False
        dst.write(self.header.to_bytes())

    def _seal(self, data: memoryview, final: bool) -> None:
        if self._index >= _MAX_CHUNKS:
            raise ValueError("the stream is too long for one envelope")
        out = self._sealed[:len(data) + _TAG_LEN]
        self._aead.encrypt_into(_nonce(self._prefix, self._index), data,
                                _aad(self._index, final), out)
        self._dst.write(out)
        self._index += 1

    def write(self, data: bytes | bytearray | memoryview) -> int:
        """Seal every chunk that is known not to be the last; buffer the rest.

        A full chunk is sealed only once more data arrives: only :meth:`close`
        knows which chunk is final. Whole chunks inside a large write are
        sealed straight from it, without a copy.
        """
        if self.closed:
            raise ValueError("write to a closed envelope")
        view = memoryview(data).cast("B")
        size = len(view)
        while view:
            if self._fill == self._chunk:
                self._seal(self._buffer, final=False)
                self._fill = 0
            if not self._fill and len(view) > self._chunk:
                self._seal(view[:self._chunk], final=False)
                view = view[self._chunk:]
                continue
            take = min(self._chunk - self._fill, len(view))
            self._buffer[self._fill:self._fill + take] = view[:take]
            self._fill += take
            view = view[take:]
        self._written += size
        return size

    def tell(self) -> int:
        """Plaintext bytes written so far (zipfile needs it for its offsets)."""
        return self._written

    def seek(self, offset: int, whence: int = 0) -> int:
        """Always fails: the stream is append-only, so zipfile uses data descriptors."""
        raise OSError("an encrypting stream cannot seek")

    def flush(self) -> None:
        """Flush ``dst`` (the buffered partial chunk stays until more data or close)."""
        self._dst.flush()

    def close(self) -> None:
        """Seal the final chunk. Idempotent."""
        if not self.closed:
            self._seal(self._buffer[:self._fill], final=True)
            self._fill = 0
            self.closed = True
            self._dst.flush()


def encrypt_stream(src: BinaryIO, dst: BinaryIO, recipient_public_key: ec.EllipticCurvePublicKey,
                   *, chunk_size: int = DEFAULT_CHUNK_SIZE,
                   on_bytes: Callable[[int], None] | None = None) -> int:
    """Encrypt everything ``src`` yields into ``dst``; return the plaintext size."""
    writer = EncryptingWriter(dst, recipient_public_key, chunk_size=chunk_size)
    total = 0
    while block := src.read(chunk_size):
        writer.write(block)
        total += len(block)
        if on_bytes is not None:
            on_bytes(len(block))
    writer.close()
    return total


def _open_chunk(aead: AESGCM, prefix: bytes, index: int, sealed: bytes, final: bool) -> bytes:
    try:
        return aead.decrypt(_nonce(prefix, index), sealed, _aad(index, final))
    except InvalidTag:
        pass
    if final:
        try:
            aead.decrypt(_nonce(prefix, index), sealed, _aad(index, False))
        except InvalidTag:
            pass
        else:
            raise package_error(PackageCode.TRUNCATED,
                                "the encrypted package is truncated (it ends early)", chunk=index)
    raise package_error(PackageCode.DAMAGED,
                        f"the encrypted package is damaged, cut short or tampered with (chunk "
                        f"{index} fails authentication)", chunk=index)


def decrypt_stream(src: BinaryIO, dst: BinaryIO,
                   recipient_private_key: ec.EllipticCurvePrivateKey, *,
                   on_bytes: Callable[[int], None] | None = None,
                   cancelled: Callable[[], bool] | None = None) -> int:
    """Decrypt ``src`` into ``dst``; return the plaintext size.

    :raises PackageError: code ``wrong_recipient`` (not addressed to this key),
        ``damaged`` (a chunk fails authentication), ``truncated`` (the stream
        ends before its final chunk), ``unknown_version`` or ``not_a_package``.
    """
    header = read_header(src)
    aead, prefix = _open_header(header, recipient_private_key)
    sealed_len = header.chunk_size + _TAG_LEN
    total = 0
    index = 0
    pending = src.read(sealed_len)
    while True:
        if cancelled is not None and cancelled():
            raise package_error(PackageCode.CANCELLED, "cancelled by the user")
        following = src.read(sealed_len) if len(pending) == sealed_len else b""
        final = not following
        if len(pending) < _TAG_LEN:
            raise package_error(PackageCode.TRUNCATED,
                                "the encrypted package is truncated (it ends early)", chunk=index)
        plain = _open_chunk(aead, prefix, index, pending, final)
        dst.write(plain)
        total += len(plain)
        if on_bytes is not None:
            on_bytes(len(plain))
        if final:
            return total
        pending = following
        index += 1
        if index >= _MAX_CHUNKS:
            raise package_error(PackageCode.DAMAGED, "the encrypted package is too long")


class DecryptingReader(io.RawIOBase):
    """A read-only, seekable view of the plaintext of an encrypted package file.

    Chunks are independent (their nonce is their index), so any position can be
    decrypted on demand: zipfile reads the package's directory from the end and
    its entries in place, and no plaintext ever touches the disk. The chunk that
    sits last in the file is opened as the final chunk, so a file cut at a
    chunk boundary, or with chunks appended, fails as soon as the end is read.
    One decrypted chunk is cached: memory stays at about one chunk.
    """

    def __init__(self, src: BinaryIO, recipient_private_key: ec.EllipticCurvePrivateKey) -> None:
        super().__init__()
        src.seek(0)
        self.header = read_header(src)
        self._aead, self._prefix = _open_header(self.header, recipient_private_key)
        self._src = src
        self._body = src.tell()
        total = src.seek(0, io.SEEK_END) - self._body
        sealed = self.header.chunk_size + _TAG_LEN
        self._chunks = max(1, -(-total // sealed))
        last = total - (self._chunks - 1) * sealed
        if last < _TAG_LEN:
            raise package_error(PackageCode.TRUNCATED,
                                "the encrypted package is truncated (it ends early)")
        self._size = (self._chunks - 1) * self.header.chunk_size + last - _TAG_LEN
        self._pos = 0
        self._cached_index = -1
        self._plain = memoryview(bytearray(self.header.chunk_size))
        self._plain_len = 0

    @property
    def size(self) -> int:
        """Plaintext size in bytes."""
        return self._size

    def readable(self) -> bool:
        """Always True."""
        return True

    def seekable(self) -> bool:
        """Always True."""
        return True

    def tell(self) -> int:
        """The plaintext position."""
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Move within the plaintext."""
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        if base + offset < 0:
            raise OSError("negative seek position")
        self._pos = base + offset
        return self._pos

    def _chunk(self, index: int) -> memoryview:
        if self._cached_index != index:
            sealed_len = self.header.chunk_size + _TAG_LEN
            self._src.seek(self._body + index * sealed_len)
            sealed = self._src.read(sealed_len)
            final = index == self._chunks - 1
            self._cached_index = -1
            self._plain_len = _open_chunk_into(self._aead, self._prefix, index, sealed,
                                               final=final, out=self._plain)
            self._cached_index = index
        return self._plain[:self._plain_len]

    def readinto(self, buffer: Any) -> int:
        """Fill ``buffer`` from the current position; 0 at the end."""
        view = memoryview(buffer).cast("B")
        done = 0
        while done < len(view) and self._pos < self._size:
            index, offset = divmod(self._pos, self.header.chunk_size)
            plain = self._chunk(index)
            n = min(len(view) - done, len(plain) - offset)
            view[done:done + n] = plain[offset:offset + n]
            done += n
            self._pos += n
        return done


def _open_chunk_into(aead: AESGCM, prefix: bytes, index: int, sealed: bytes, *, final: bool,
                     out: memoryview) -> int:
    """Decrypt chunk ``index`` into ``out``; return the plaintext length."""
    size = len(sealed) - _TAG_LEN
    if size < 0:
        raise package_error(PackageCode.TRUNCATED,
                            "the encrypted package is truncated (it ends early)", chunk=index)
    try:
        return int(aead.decrypt_into(_nonce(prefix, index), sealed, _aad(index, final),
                                     out[:size]))
    except InvalidTag:
        pass
    _open_chunk(aead, prefix, index, sealed, final)  # raises the precise error
    raise AssertionError("unreachable: the chunk failed once and passed once")


def _open_header(header: EnvelopeHeader,
                 key: ec.EllipticCurvePrivateKey) -> tuple[AESGCM, bytes]:
    """Check the header names ``key`` and derive the chunk cipher."""
    own_id = public_key_id(key.public_key())
    if header.recipient_key_id != own_id:
        raise package_error(PackageCode.WRONG_RECIPIENT,
                            "the package is not addressed to this key "
                            f"(it is for key {header.recipient_key_id}, this key is {own_id})",
                            recipient=header.recipient_key_id, key_id=own_id)
    try:
        ephemeral = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(),
                                                                 header.ephemeral_public)
    except ValueError:
        raise package_error(PackageCode.DAMAGED,
                            "the encrypted package header is damaged (bad key point)") from None
    return _derive(key.exchange(ec.ECDH(), ephemeral), header)
