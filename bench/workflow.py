"""Workflow figures: rating through journalled edits, and issuing a certificate end to end.

Each figure is printed next to the raw limit measured in the same run:

* rating all applicable criteria of the standard form one edit (and one journal
  event) at a time, and as one batch (one journal event), against a bare Core
  ``UPDATE`` of the same findings in one transaction;
* issuing (four-eyes checks, seal, PDF render + PAdES signature, staged files,
  commit, rename, registry head) against rendering and signing the same PDF alone.

Run: ``.venv/bin/python bench/workflow.py`` (SQLite in a temporary folder).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "support"))


def _median(runs: list[float]) -> float:
    return statistics.median(runs) * 1000


def main() -> None:
    home = Path(tempfile.mkdtemp(prefix="certbench-bench-"))
    os.environ["CERTBENCH_HOME"] = str(home)
    import sqlalchemy as sa
    from jobkit import make_job

    from certbench import workflow as wf
    from certbench.edits import SetRating, apply_batch
    from certbench.storage import Finding

    job = make_job(str(home / "bench.sqlite3"), home / "body")
    criteria = [c.id for c in job.form.criteria if c.applies(job.scope)]
    li = job.actor("li")
    one, batch, raw = [], [], []
    for i in range(5):
        value = ("fully", "largely")[i % 2]
        audit_id = job.open_audit()
        start = time.perf_counter()
        with job.db.session() as s:
            for criterion in criteria:
                wf.rate(s, li, audit_id, criterion, value)
        one.append(time.perf_counter() - start)
        start = time.perf_counter()
        with job.db.session() as s:
            apply_batch([SetRating(audit_id, c, "partially") for c in criteria], s, "li")
        batch.append(time.perf_counter() - start)
        start = time.perf_counter()
        with job.db.engine.begin() as conn:
            t = Finding.__table__
            for criterion in criteria:
                conn.execute(sa.update(t).where(t.c.audit_id == audit_id,
                                                t.c.criterion_id == criterion)
                             .values(rating=value, version=t.c.version + 1))
        raw.append(time.perf_counter() - start)
    print(f"rate {len(criteria)} criteria, one journalled edit each: {_median(one):8.1f} ms")
    print(f"rate {len(criteria)} criteria, one batch (one event):    {_median(batch):8.1f} ms")
    print(f"raw limit: {len(criteria)} Core UPDATEs, one transaction: {_median(raw):8.1f} ms")

    admin, key = job.actor("admin"), job.issuer_key()
    from certbench.certify import pdf

    real = pdf.issue_certificate_pdf
    seen: list[object] = []

    def capture(view: object, *args: object, **kwargs: object) -> object:
        seen.append(view)
        return real(view, *args, **kwargs)  # type: ignore[arg-type]

    pdf.issue_certificate_pdf = capture  # type: ignore[assignment]
    issue, render = [], []
    for _ in range(3):
        audit_id = job.approved()
        start = time.perf_counter()
        wf.issue_certificate(job.db, admin, audit_id, key, out_dir=home / "out")
        issue.append(time.perf_counter() - start)
        start = time.perf_counter()
        real(seen[-1], key.private_key, key.certificate, home / "raw.pdf")  # type: ignore[arg-type]
        render.append(time.perf_counter() - start)
    print(f"issue one certificate end to end:        {_median(issue):8.1f} ms")
    print(f"raw limit: render + sign the same PDF:    {_median(render):8.1f} ms")
    print(f"ratio issue / render+sign: {_median(issue) / _median(render):.2f}x")


if __name__ == "__main__":
    main()
