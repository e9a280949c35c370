"""Issuer keys, the signed seal, Merkle trees, the registry, and the offline verifier.

The merchant-side verifier needs only this subpackage: nothing here imports the
database, the workflow or Qt. Submodules:

- :mod:`~certbench.certify.keys` — P-256 keys, key ids, encrypted key files;
- :mod:`~certbench.certify.keyring` — the issuer's key folder: rotation, compromise;
- :mod:`~certbench.certify.trust` — the signed trust file verifiers load;
- :mod:`~certbench.certify.jws` — compact JWS (ES256) and strict JSON reading;
- :mod:`~certbench.certify.seal` — seal payload, signing, ``.cbseal`` files;
- :mod:`~certbench.certify.merkle` — RFC 6962 / 9162 trees and proofs;
- :mod:`~certbench.certify.registry` — the append-only registry with signed heads;
- :mod:`~certbench.certify.verify` — :func:`~certbench.certify.verify.verify` and verdicts;
- :mod:`~certbench.certify.pdf` — the certificate PDF (render, sign, read).
"""

from __future__ import annotations

__all__: list[str] = []
