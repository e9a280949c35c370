"""kill -9 at random moments while importing evidence and while issuing.

A child process runs the real command (``certbench evidence add`` /
``certbench certificate issue``) and is killed with SIGKILL after a random
delay within the command's measured running time. After every kill:

* the database passes its own integrity check;
* no evidence record points at a missing or altered vault object;
* no certificate is half issued: every certificate the database holds has its
  files in place or staged for completion, no certificate file exists that the
  database does not hold, and the published registry is a prefix of the
  database's log;
* re-running the same command completes the job, after which the database,
  the files and the registry agree exactly and the certificates verify.

The seed of the random delays is printed with any failure.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from jobkit import PASSPHRASES, Job, cheap_scrypt, make_job

from certbench import workflow as wf
from certbench.certify.jws import loads_strict
from certbench.certify.registry import Registry
from certbench.certify.registry import RegistryEntry as LogEntry
from certbench.certify.seal import read_seal_file
from certbench.cli import main
from certbench.errors import WorkflowError
from certbench.evidence import Vault
from certbench.services.issuing import staged_path
from certbench.storage import Certificate, Evidence, RegistryEntry
from certbench.storage.engine import sqlite_url

pytestmark = pytest.mark.slow

_CHILD = """
import sys
from certbench.cli import main
import certbench.services.issuing, certbench.evidence, certbench.certify.pdf
{warm}
print("ready", flush=True)
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture
def job(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Job]:
    """A body on a SQLite file, with passphrase files for its people."""
    cheap_scrypt(monkeypatch)
    url = sqlite_url(tmp_path / "job.sqlite3")
    made = make_job(url, tmp_path / "home")
    monkeypatch.setenv("CERTBENCH_DB", url)
    for name, secret in PASSPHRASES.items():
        (tmp_path / f"{name}.pw").write_text(secret, encoding="utf-8")
    yield made
    made.db.dispose()


def _child(tmp_path: Path, argv: list[str], *, warm: str = "") -> subprocess.Popen[str]:
    script = tmp_path / "child.py"
    script.write_text(_CHILD.format(warm=warm), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script), *argv], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ})
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip() == "ready", (line, proc.stderr.read() if proc.stderr else "")
    return proc


def _timed(tmp_path: Path, argv: list[str], warm: str = "") -> float:
    proc = _child(tmp_path, argv, warm=warm)
    start = time.monotonic()
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return time.monotonic() - start


def _killed(tmp_path: Path, argv: list[str], delay: float, warm: str = "") -> int:
    proc = _child(tmp_path, argv, warm=warm)
    time.sleep(delay)
    proc.kill()  # SIGKILL
    proc.communicate(timeout=60)
    return proc.returncode


def _vault_consistent(job: Job) -> None:
    with job.db.session() as s:
        vault = Vault(wf.body_paths(wf.get_body(s)).vault_dir)
        expected = set(s.scalars(sa.select(Evidence.sha256)))
    report = vault.verify(expected)
    assert report.missing == [] and report.altered == []


def test_kill_during_evidence_import(job: Job, tmp_path: Path) -> None:
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    audit_id = job.open_audit()
    argv = ["evidence", "add", audit_id, "LOG-01", "", "--as", "li", "--passphrase-file",
            str(tmp_path / "li.pw")]
    files = []
    for i in range(6):
        path = tmp_path / f"capture-{i}.bin"
        path.write_bytes(os.urandom(8 * 1024 * 1024))
        files.append(path)
    limit = _timed(tmp_path, [*argv[:4], str(files[0]), *argv[5:]])
    for path in files[1:]:
        code = _killed(tmp_path, [*argv[:4], str(path), *argv[5:]], rng.uniform(0, limit))
        assert job.db.integrity_check() == [], seed
        _vault_consistent(job)
        assert main([*argv[:4], str(path), *argv[5:]]) == 0, seed  # the re-run completes
        with job.db.session() as s:
            rows = s.scalars(sa.select(Evidence).where(Evidence.audit_id == audit_id,
                                                       Evidence.original_filename == path.name))
            assert len(list(rows)) == 1, (seed, code)
    _vault_consistent(job)
    with job.db.session() as s:
        assert len(s.scalars(sa.select(Evidence.id)).all()) == len(files)


def _no_half_issued(job: Job, out: Path, seed: int) -> None:
    """The invariant that holds at every instant, before any recovery."""
    assert job.db.integrity_check() == [], seed
    with job.db.session() as s:
        certs = {c.number: c for c in s.scalars(sa.select(Certificate))}
        log = [LogEntry.from_json(loads_strict(r.entry)) for r in
               s.scalars(sa.select(RegistryEntry).order_by(RegistryEntry.seq))]
        registry_path = wf.body_paths(wf.get_body(s)).registry_path
    for final in [*out.glob("*.pdf"), *out.glob("*.cbseal")]:
        assert final.stem in certs, (seed, final)  # no file the database does not hold
    for number, cert in certs.items():
        for final in (Path(cert.pdf_path or ""), Path(cert.seal_path or "")):
            assert final.is_file() or staged_path(final).is_file(), (seed, number, final)
        seal = Path(cert.seal_path or "")
        if seal.is_file():
            assert read_seal_file(seal.read_bytes()).jws == cert.jws, seed
    published = Registry.load(registry_path).entries
    assert [e.leaf() for e in published] == [e.leaf() for e in log[:len(published)]], seed
    assert {e.no for e in log} == set(certs), seed


def test_kill_during_issuing(job: Job, tmp_path: Path) -> None:
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    audits = [job.approved() for _ in range(4)]
    out = tmp_path / "certificates"
    warm = "import pyhanko.sign, reportlab.pdfgen.canvas, certbench.certify.fonts"

    def argv(audit_id: str) -> list[str]:
        return ["certificate", "issue", audit_id, "--out", str(out), "--as", "admin",
                "--passphrase-file", str(tmp_path / "admin.pw")]

    limit = _timed(tmp_path, argv(audits[0]), warm)
    for audit_id in audits[1:]:
        _killed(tmp_path, argv(audit_id), rng.uniform(0, limit), warm)
        _no_half_issued(job, out, seed)
        with job.db.session() as s:
            clean = wf.check_issuance(s) == [] and s.scalars(sa.select(Certificate).where(
                Certificate.audit_id == audit_id)).first() is not None
        code = main(argv(audit_id))  # re-run: completes, or says it is already done
        assert code == 0 or clean, seed
        with job.db.session() as s:
            assert wf.check_issuance(s) == [], seed
    _no_half_issued(job, out, seed)
    with job.db.session() as s:
        paths = wf.body_paths(wf.get_body(s))
        numbers = s.scalars(sa.select(Certificate.number).order_by(Certificate.number)).all()
    assert len(numbers) == len(audits) and not list(out.glob(".*.staged"))
    from certbench.certify.trust import load_trust
    from certbench.certify.verify import verify

    trust, registry = load_trust(paths.trust_path), Registry.load(paths.registry_path)
    for number in numbers:
        report = verify((out / f"{number}.pdf").read_bytes(), trust=trust, registry=registry,
                        form=job.form)
        assert report.verdict.value == "VALID", (seed, number, report.to_json())


def test_every_interrupted_issuance_state_is_completed(job: Job, tmp_path: Path) -> None:
    """The windows a kill can hit, made on purpose: each is completed by the re-run."""
    out = tmp_path / "certificates"
    admin, key = job.actor("admin"), job.issuer_key()
    with job.db.session() as s:
        registry_path = wf.body_paths(wf.get_body(s)).registry_path
    first, second = job.approved(), job.approved()
    before = registry_path.read_bytes()
    issued = wf.issue_certificate(job.db, admin, first, key, out_dir=out)
    # committed, files still staged, registry not yet published
    for final in (issued.pdf_path, issued.seal_path):
        final.replace(staged_path(final))
    registry_path.write_bytes(before)
    _no_half_issued(job, out, 0)
    with job.db.session() as s:
        assert len(wf.check_issuance(s)) == 2
    again = wf.issue_certificate(job.db, admin, first, key, out_dir=out)
    assert again.completed and again.number == issued.number
    with job.db.session() as s:
        assert wf.check_issuance(s) == []
    # committed, but the files are gone altogether: regenerated from the stored seal
    issued.pdf_path.unlink()
    issued.seal_path.unlink()
    assert wf.recover(job.db, key) == [issued.number]
    with job.db.session() as s:
        assert wf.check_issuance(s) == []
    assert read_seal_file(issued.seal_path.read_bytes()).jws == _jws(job, issued.number)
    # staged files of an issuance that never committed are cleared by the next one
    orphan = out / ".CB-2026-999999.pdf.staged"
    orphan.write_bytes(b"half written")
    wf.issue_certificate(job.db, admin, second, key, out_dir=out)
    assert not orphan.exists()
    with pytest.raises(WorkflowError):
        wf.issue_certificate(job.db, admin, second, key, out_dir=out)


def _jws(job: Job, number: str) -> str:
    with job.db.session() as s:
        return s.scalars(sa.select(Certificate.jws).where(Certificate.number == number)).one()
