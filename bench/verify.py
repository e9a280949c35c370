"""Seals verified per second, next to raw ECDSA P-256 verifications per second.

Full ``certbench.certify.verify.verify()`` of a ``.cbseal`` file (detail
included) and of a bare compact JWS, with a trust file, without and with a
registry of 1,000 certificates, against raw ``cryptography`` ECDSA P-256
verifications of a message of the same size, measured in the same run and
interleaved so that machine load affects both alike. One case cycles through
300 different seals (numbers, times and dates all differ), so that nothing
remembered from the call before can flatter the figure.

Run: ``.venv/bin/python bench/verify.py [--append]`` (``--append`` adds the
figures to ``bench/RESULTS.md``).
"""

from __future__ import annotations

import itertools
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "support"))

import sealkit
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from certbench.certify.registry import RegistryEntry
from certbench.certify.verify import Verdict, verify

ROUNDS = 25
BATCH = 60
DISTINCT = 300


def rate(fn: Callable[[], object], batch: int = BATCH) -> float:
    """Calls per second over one batch."""
    start = time.perf_counter()
    for _ in range(batch):
        fn()
    return batch / (time.perf_counter() - start)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main() -> int:
    key = sealkit.issuer()
    issued = sealkit.issue(key)
    trust = sealkit.trust_for(key)
    registry = sealkit.registry_with(key, issued)
    for n in range(999):  # a registry of 1,000 certificates, one head per 100 entries
        at = sealkit.ISSUED_AT + timedelta(minutes=n)
        registry.append(RegistryEntry.issued(f"CB-B-{n}", f"{n:064x}", f"Merchant {n}",
                                             sealkit.ISSUED_AT.date(),
                                             sealkit.ISSUED_AT.date(), at=at))
        if n % 100 == 99:
            registry.sign_head(key, now=at)
    registry.sign_head(key, now=sealkit.ISSUED_AT + timedelta(days=1))
    now = sealkit.CHECK_AT
    many = [sealkit.issue(key, no=f"CB-2026-{n:06d}", iat=sealkit.ISSUED_AT - timedelta(minutes=n),
                          exp=date(2027, 11, 23) - timedelta(days=n % 200)).file
            for n in range(DISTINCT)]
    for data, reg in ((issued.file, None), (issued.file, registry), (issued.seal.jws, None),
                      *((m, None) for m in many)):
        assert verify(data, trust=trust, registry=reg, now=now).verdict is Verdict.VALID
    cycle = itertools.cycle(many)

    message = issued.seal.jws.rsplit(".", 1)[0].encode()
    signature = key.private_key.sign(message, ec.ECDSA(hashes.SHA256()))
    public = key.public_key

    cases: dict[str, Callable[[], object]] = {
        "raw ECDSA P-256 verify": lambda: public.verify(signature, message,
                                                       ec.ECDSA(hashes.SHA256())),
        ".cbseal, trust, no registry": lambda: verify(issued.file, trust=trust, now=now),
        f".cbseal, {DISTINCT} different seals, trust": lambda: verify(next(cycle), trust=trust,
                                                                      now=now),
        ".cbseal, trust, registry (1,000)": lambda: verify(issued.file, trust=trust,
                                                          registry=registry, now=now),
        "compact JWS (QR), trust": lambda: verify(issued.seal.jws, trust=trust, now=now),
    }
    samples: dict[str, list[float]] = {name: [] for name in cases}
    shares: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(ROUNDS):
        for name, fn in cases.items():
            samples[name].append(rate(fn))
        for name in cases:  # against the raw rate of the same round: load moves both alike
            shares[name].append(samples[name][-1] / samples["raw ECDSA P-256 verify"][-1])
    medians = {name: statistics.median(values) for name, values in samples.items()}

    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "## Seal verification: full verify() vs raw ECDSA (bench/verify.py)",
        "",
        f"{stamp}, {os.cpu_count()} cores, {cpu_model()}, load average {load}.",
        f"Sample: seal v1 with a Chinese merchant name, compact JWS {len(issued.seal.jws):,} "
        f"characters, .cbseal file {len(issued.file):,} bytes (ratings, scope, 5 evidence "
        f"digests). Medians of {ROUNDS} interleaved rounds of {BATCH} calls each; the share "
        f"of raw is the median of each round's rate over the raw rate of the same round.",
        "",
        "| what | per second | per call | share of raw |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, value in medians.items():
        share = statistics.median(shares[name])
        lines.append(f"| {name} | {value:,.0f} | {1e6 / value:,.0f} µs | {share:.2f} |")
    lines.append("")
    text = "\n".join(lines)
    print(text)
    if "--append" in sys.argv:
        results = Path(__file__).resolve().parent / "RESULTS.md"
        with results.open("a", encoding="utf-8") as handle:
            handle.write("\n" + text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
