"""RFC 6962 / RFC 9162 Merkle trees: root, inclusion proofs, consistency proofs.

Leaves are hashed ``SHA-256(0x00 || leaf)``, interior nodes
``SHA-256(0x01 || left || right)``, and the empty tree is ``SHA-256("")``. The
tree over ``n`` leaves splits at the largest power of two below ``n``
(RFC 6962 §2.1). Used for the evidence root of a seal and for the registry log.

Proof generation takes leaf *hashes* (what a log stores); the ``*_of`` helpers
take raw leaves. Verification follows the algorithms of RFC 9162 §2.1.3.2 and
§2.1.4.2 and never raises on bad input: it answers ``False``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

__all__ = [
    "EMPTY_ROOT",
    "MerkleTree",
    "consistency_proof",
    "evidence_root",
    "inclusion_proof",
    "leaf_hash",
    "merkle_root",
    "node_hash",
    "root_of",
    "verify_consistency",
    "verify_inclusion",
]

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(leaf: bytes) -> bytes:
    """``SHA-256(0x00 || leaf)``."""
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 || left || right)``."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly below ``n`` (``n >= 2``)."""
    return 1 << ((n - 1).bit_length() - 1)


class MerkleTree:
    """A tree over leaf hashes that remembers its perfect subtrees.

    Roots of any prefix, inclusion and consistency proofs for any pair of sizes
    then cost ``O(log n)`` hashes each after the first use, which keeps checking
    a registry with many signed heads linear in its length.
    """

    __slots__ = ("_cache", "_hashes")

    def __init__(self, leaf_hashes: Sequence[bytes]) -> None:
        self._hashes = list(leaf_hashes)
        self._cache: dict[tuple[int, int], bytes] = {}

    def __len__(self) -> int:
        return len(self._hashes)

    def append(self, leaf_digest: bytes) -> None:
        """Add one leaf hash at the end."""
        self._hashes.append(leaf_digest)

    def _root(self, lo: int, hi: int) -> bytes:
        n = hi - lo
        if n == 1:
            return self._hashes[lo]
        perfect = n & (n - 1) == 0
        if perfect and (lo, hi) in self._cache:
            return self._cache[lo, hi]
        k = _split(n)
        value = node_hash(self._root(lo, lo + k), self._root(lo + k, hi))
        if perfect:  # only perfect subtrees are shared between prefixes
            self._cache[lo, hi] = value
        return value

    def root(self, size: int | None = None) -> bytes:
        """The Merkle Tree Hash of the first ``size`` leaves (all by default)."""
        size = len(self._hashes) if size is None else size
        if not 0 <= size <= len(self._hashes):
            raise ValueError(f"size {size} is outside 0..{len(self._hashes)}")
        return self._root(0, size) if size else EMPTY_ROOT

    def _path(self, index: int, lo: int, hi: int) -> list[bytes]:
        if hi - lo == 1:
            return []
        k = _split(hi - lo)
        if index < lo + k:
            return [*self._path(index, lo, lo + k), self._root(lo + k, hi)]
        return [*self._path(index, lo + k, hi), self._root(lo, lo + k)]

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """The audit path (RFC 6962 §2.1.1) of leaf ``index`` in the tree of ``size`` leaves.

        :raises IndexError: ``index`` is outside the tree.
        """
        size = len(self._hashes) if size is None else size
        if not 0 <= index < size <= len(self._hashes):
            raise IndexError(f"leaf {index} is outside a tree of {size}")
        return self._path(index, 0, size)

    def _subproof(self, m: int, lo: int, hi: int, whole: bool) -> list[bytes]:
        n = hi - lo
        if m == n:
            return [] if whole else [self._root(lo, hi)]
        k = _split(n)
        if m <= k:
            return [*self._subproof(m, lo, lo + k, whole), self._root(lo + k, hi)]
        return [*self._subproof(m - k, lo + k, hi, False), self._root(lo, lo + k)]

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """The proof (RFC 6962 §2.1.2) that the first ``old_size`` leaves prefix ``new_size``.

        :raises ValueError: the sizes are not ``0 <= old_size <= new_size <= len``.
        """
        new_size = len(self._hashes) if new_size is None else new_size
        if not 0 <= old_size <= new_size <= len(self._hashes):
            raise ValueError(f"sizes {old_size}, {new_size} do not fit a tree of {len(self)}")
        if old_size in (0, new_size):
            return []
        return self._subproof(old_size, 0, new_size, True)


def merkle_root(leaf_hashes: Sequence[bytes]) -> bytes:
    """The Merkle Tree Hash over already hashed leaves.

    Computed level by level, carrying an unpaired last node up unchanged; this
    yields the same root as RFC 6962's split at the largest power of two.
    """
    if not leaf_hashes:
        return EMPTY_ROOT
    level = list(leaf_hashes)
    while len(level) > 1:
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def root_of(leaves: Iterable[bytes]) -> bytes:
    """The Merkle Tree Hash over raw ``leaves`` (RFC 6962 MTH)."""
    return merkle_root([leaf_hash(leaf) for leaf in leaves])


def evidence_root(digests: Iterable[str]) -> str:
    """Hex root over the sorted hex SHA-256 evidence digests (leaves = the 32 raw bytes).

    :raises ValueError: a digest is not 64 hex characters.
    """
    raw = []
    for digest in sorted(digests):
        if len(digest) != 64:
            raise ValueError(f"evidence digest must be 64 hex characters: {digest[:70]!r}")
        raw.append(bytes.fromhex(digest))
    return root_of(raw).hex()


def inclusion_proof(leaf_hashes: Sequence[bytes], index: int) -> list[bytes]:
    """The audit path of leaf ``index`` in the tree over ``leaf_hashes``."""
    return MerkleTree(leaf_hashes).inclusion_proof(index)


def consistency_proof(leaf_hashes: Sequence[bytes], old_size: int) -> list[bytes]:
    """The proof that the first ``old_size`` of ``leaf_hashes`` are a prefix of them all."""
    return MerkleTree(leaf_hashes).consistency_proof(old_size)


def verify_inclusion(leaf_digest: bytes, index: int, size: int,
                     proof: Sequence[bytes], root: bytes) -> bool:
    """Whether ``proof`` shows the leaf hashed ``leaf_digest`` at ``index`` in ``root``.

    ``leaf_digest`` is the leaf *hash* (:func:`leaf_hash` of the leaf). RFC 9162 §2.1.3.2.
    """
    if not 0 <= index < size:
        return False
    fn, sn = index, size - 1
    r = leaf_digest
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes,
                       proof: Sequence[bytes]) -> bool:
    """Whether ``proof`` shows the tree ``old_root`` is a prefix of ``new_root``.

    RFC 9162 §2.1.4.2; an empty old tree is consistent with anything, equal sizes
    need an empty proof and equal roots.
    """
    if not 0 <= old_size <= new_size:
        return False
    if old_size == 0:
        return not proof
    if old_size == new_size:
        return not proof and old_root == new_root
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is the first node
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0
