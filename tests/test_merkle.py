"""RFC 6962 / RFC 9162 Merkle trees: known roots, and proofs over every small tree."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certbench.certify.merkle import (
    EMPTY_ROOT,
    MerkleTree,
    consistency_proof,
    evidence_root,
    inclusion_proof,
    leaf_hash,
    merkle_root,
    root_of,
    verify_consistency,
    verify_inclusion,
)

# The eight leaves and roots of the certificate-transparency reference tests (RFC 6962 trees).
CT_LEAVES = [bytes.fromhex(h) for h in (
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657",
    "606162636465666768696a6b6c6d6e6f")]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def reference_mth(leaves: list[bytes]) -> bytes:
    """RFC 6962 §2.1 literally, recursion on the raw leaves."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + reference_mth(leaves[:k]) + reference_mth(leaves[k:])).digest()


def leaves_of(n: int) -> list[bytes]:
    return [f"leaf {i}".encode() for i in range(n)]


def test_empty_tree_root_is_sha256_of_nothing() -> None:
    assert EMPTY_ROOT.hex() == hashlib.sha256(b"").hexdigest()
    assert root_of([]) == EMPTY_ROOT
    assert merkle_root([]) == EMPTY_ROOT


@pytest.mark.parametrize("size", range(1, 9))
def test_roots_match_the_ct_reference_vectors(size: int) -> None:
    assert root_of(CT_LEAVES[:size]).hex() == CT_ROOTS[size - 1]


def test_roots_match_the_rfc_definition_up_to_64_leaves() -> None:
    for n in range(65):
        assert root_of(leaves_of(n)) == reference_mth(leaves_of(n)), n


def test_prefix_roots_of_one_tree_match_fresh_trees() -> None:
    hashes = [leaf_hash(x) for x in leaves_of(40)]
    tree = MerkleTree(hashes)
    for n in range(41):
        assert tree.root(n) == merkle_root(hashes[:n])


def test_every_inclusion_proof_verifies_and_no_wrong_one_does() -> None:
    for n in range(1, 65):
        hashes = [leaf_hash(x) for x in leaves_of(n)]
        tree = MerkleTree(hashes)
        root = tree.root()
        for i in range(n):
            proof = tree.inclusion_proof(i)
            assert verify_inclusion(hashes[i], i, n, proof, root), (n, i)
            other = (i + 1) % n
            if other != i:
                assert not verify_inclusion(hashes[other], i, n, proof, root)
                assert not verify_inclusion(hashes[i], other, n, proof, root)
            assert not verify_inclusion(hashes[i], i, n, [*proof, root], root)


def test_every_consistency_proof_verifies_and_wrong_roots_do_not() -> None:
    hashes = [leaf_hash(x) for x in leaves_of(64)]
    tree = MerkleTree(hashes)
    for n in range(1, 65):
        new_root = tree.root(n)
        for m in range(1, n + 1):
            proof = tree.consistency_proof(m, n)
            old_root = tree.root(m)
            assert verify_consistency(m, n, old_root, new_root, proof), (m, n)
            if m < n:
                assert not verify_consistency(m, n, new_root, new_root, proof)
                assert not verify_consistency(m, n, old_root, old_root, proof)
                assert not verify_consistency(m, n, old_root, new_root, proof[:-1])
                assert not verify_consistency(n, m, old_root, new_root, proof)


def test_module_level_proofs_agree_with_the_tree() -> None:
    hashes = [leaf_hash(x) for x in leaves_of(13)]
    assert inclusion_proof(hashes, 5) == MerkleTree(hashes).inclusion_proof(5)
    assert consistency_proof(hashes, 6) == MerkleTree(hashes).consistency_proof(6, 13)
    with pytest.raises(IndexError):
        inclusion_proof(hashes, 13)
    with pytest.raises(ValueError):
        consistency_proof(hashes, 14)


def test_consistency_edge_cases() -> None:
    assert verify_consistency(0, 5, EMPTY_ROOT, b"x" * 32, [])
    assert not verify_consistency(0, 5, EMPTY_ROOT, b"x" * 32, [b"y" * 32])
    assert verify_consistency(3, 3, b"r" * 32, b"r" * 32, [])
    assert not verify_consistency(3, 3, b"r" * 32, b"s" * 32, [])
    assert not verify_consistency(2, 4, b"r" * 32, b"s" * 32, [])


@settings(max_examples=60, deadline=None)
@given(leaves=st.lists(st.binary(max_size=40), min_size=1, max_size=64),
       data=st.data())
def test_random_trees_prove_and_refuse_altered_proofs(leaves: list[bytes],
                                                      data: st.DataObject) -> None:
    hashes = [leaf_hash(x) for x in leaves]
    tree = MerkleTree(hashes)
    n = len(leaves)
    i = data.draw(st.integers(0, n - 1))
    proof = tree.inclusion_proof(i)
    assert verify_inclusion(hashes[i], i, n, proof, tree.root())
    m = data.draw(st.integers(1, n))
    cproof = tree.consistency_proof(m, n)
    assert verify_consistency(m, n, tree.root(m), tree.root(n), cproof)
    if proof:
        j = data.draw(st.integers(0, len(proof) - 1))
        bad = [*proof]
        bad[j] = hashlib.sha256(bad[j]).digest()
        assert not verify_inclusion(hashes[i], i, n, bad, tree.root())
    if cproof:
        j = data.draw(st.integers(0, len(cproof) - 1))
        bad = [*cproof]
        bad[j] = hashlib.sha256(bad[j]).digest()
        assert not verify_consistency(m, n, tree.root(m), tree.root(n), bad)


def test_evidence_root_is_order_free_and_hashes_raw_digests() -> None:
    digests = [hashlib.sha256(bytes([i])).hexdigest() for i in range(7)]
    expected = reference_mth([bytes.fromhex(d) for d in sorted(digests)]).hex()
    assert evidence_root(digests) == expected
    assert evidence_root(reversed(digests)) == expected
    assert evidence_root([]) == hashlib.sha256(b"").hexdigest()
    with pytest.raises(ValueError):
        evidence_root(["abc"])
