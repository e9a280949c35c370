"""The whole job through the command line, as the README walk-through runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from jobkit import cheap_scrypt

from certbench.cli import main
from certbench.storage import Finding, JournalEvent, open_database

PASSWORDS = {"admin": "admin-secret", "li": "li-secret", "zhang": "zhang-secret",
             "chen": "chen-secret"}


@pytest.fixture
def workdir(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with passphrase files, the database in CERTBENCH_DB."""
    cheap_scrypt(monkeypatch)
    monkeypatch.setenv("CERTBENCH_DB", db_url)
    monkeypatch.delenv("CERTBENCH_ISSUER_PASSPHRASE", raising=False)
    monkeypatch.delenv("CERTBENCH_NEW_PASSPHRASE", raising=False)
    monkeypatch.chdir(tmp_path)
    for name, secret in PASSWORDS.items():
        (tmp_path / f"{name}.pw").write_text(secret + "\n", encoding="utf-8")
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str, code: int = 0) -> str:
    """Run ``certbench argv`` in-process; check its exit code; its stdout (stderr on failure)."""
    capsys.readouterr()
    got = main(list(argv))
    out = capsys.readouterr()
    assert got == code, (argv, out.out, out.err)
    return out.out if code == 0 else out.err


def as_(name: str) -> list[str]:
    return ["--as", name, "--passphrase-file", f"{name}.pw"]


def _fill(path: Path, rating: str) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    sheet = workbook["Ratings"]
    header = [c.value for c in sheet[1]]
    col = header.index("rating") + 1
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row=row, column=col, value=rating)
    workbook.save(path)


def test_the_readme_walkthrough_runs(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "init", "--body", "Example Certification Body", *as_("admin"))
    for name, role in (("li", "assessor"), ("zhang", "reviewer"), ("chen", "issuer")):
        run(capsys, "user", "add", name, "--role", role, *as_("admin"),
            "--new-passphrase-file", f"{name}.pw")
    run(capsys, "merchant", "add", "--name", "上海示例电子商务有限公司", "--reg-no",
        "91310000MA1FL0XX3K", "--country", "CN", "--website", "https://shop.example.cn",
        *as_("li"))
    audit = json.loads(run(capsys, "audit", "open", "91310000MA1FL0XX3K", "--form",
                           "ecommerce-trust@1.0", *as_("li"), "--json"))["id"]
    run(capsys, "audit", "template", audit, "--out", "ratings.xlsx")
    _fill(workdir / "ratings.xlsx", "fully")
    run(capsys, "audit", "import-ratings", audit, "ratings.xlsx", *as_("li"))
    run(capsys, "audit", "rate", audit, "PAY-03", "largely", "--note",
        "3-D Secure only above 500 CNY", *as_("li"))
    (workdir / "licence.pdf").write_bytes(b"%PDF-1.4 business licence scan")
    run(capsys, "evidence", "add", audit, "MER-01", "licence.pdf", "--url",
        "https://shop.example.cn/licence", "--captured-at", "2026-11-20T10:00:00+08:00",
        *as_("li"))
    run(capsys, "audit", "submit", audit, *as_("li"))
    run(capsys, "audit", "approve", audit, *as_("zhang"))
    issued = json.loads(run(capsys, "certificate", "issue", audit, "--out", "certificates",
                            *as_("chen"), "--issuer-passphrase-file", "admin.pw", "--json"))
    run(capsys, "registry", "export", "registry.json", "--trust", "trust.json")
    report = json.loads(run(capsys, "verify", issued["pdf"], "--trust", "trust.json",
                            "--registry", "registry.json", "--json"))
    assert report["verdict"] == "VALID" and report["seal_hash"] == issued["seal_hash"]
    run(capsys, "certificate", "suspend", issued["number"], "--reason",
        "complaint under investigation", *as_("chen"), "--issuer-passphrase-file", "admin.pw")
    run(capsys, "journal", "verify")
    run(capsys, "vault", "verify")
    run(capsys, "db", "check")
    run(capsys, "registry", "export", "registry.json")
    report = json.loads(_verify_json(capsys, issued["pdf"]))
    assert report["verdict"] == "SUSPENDED"
    shown = json.loads(run(capsys, "audit", "show", audit, "--json"))
    assert shown["state"] == "certified" and shown["certificate"] == issued["number"]
    listed = json.loads(run(capsys, "certificate", "list", "--json"))
    assert [c["status"] for c in listed] == ["suspended"]
    due = json.loads(run(capsys, "surveillance", "list", "--json"))
    assert due[0]["surveillance_due"] and not due[0]["overdue"]
    assert json.loads(run(capsys, "certificate", "list", "--overdue", "--json")) == []
    complaint = json.loads(run(capsys, "complaint", "add", "91310000MA1FL0XX3K", "--summary",
                               "refund refused", "--channel", "email", *as_("li"), "--json"))
    assert complaint["certificate_id"] is None  # the certificate is suspended, not valid
    again = json.loads(run(capsys, "audit", "open", "91310000MA1FL0XX3K", "--form",
                           "ecommerce-trust@1.0", "--surveillance", *as_("li"), "--json"))["id"]
    run(capsys, "complaint", "link", complaint["id"], "--audit", again, *as_("li"))
    run(capsys, "sample", "add", again, "LOG-01", "--kind", "test-purchase",
        "--at", "ordered=2026-11-02T10:00:00+08:00", "--at", "delivered=2026-11-04T09:00:00+08:00",
        "--amount", "paid=199.00", *as_("li"))
    contact = json.loads(run(capsys, "sample", "add", again, "CS-01", "--kind", "contact",
                             "--at", "asked=2026-11-02T10:00:00+08:00",
                             "--at", "answered=2026-11-03T16:00:00+08:00", "--channel", "email",
                             *as_("li"), "--json"))
    reply = next(c for c in contact["checks"] if c["name"] == "first_reply_hours")
    assert (reply["measured"], reply["limit"], reply["verdict"]) == ("30.00", "24", "FAIL")
    assert "time zone" in run(capsys, "sample", "add", again, "LOG-01", "--kind", "contact",
                              "--at", "asked=2026-11-02T10:00:00", *as_("li"), code=1)
    assert json.loads(run(capsys, "certificate", "recover", *as_("chen"),
                          "--issuer-passphrase-file", "admin.pw", "--json"))["completed"] == []
    run(capsys, "registry", "publish", *as_("chen"), "--issuer-passphrase-file", "admin.pw")
    users = json.loads(run(capsys, "user", "list", "--json"))
    assert {u["name"] for u in users} == {"admin", "li", "zhang", "chen"}
    (workdir / "new.pw").write_text("li-new-secret", encoding="utf-8")
    run(capsys, "user", "passwd", *as_("li"), "--new-passphrase-file", "new.pw")
    assert "wrong passphrase" in run(capsys, "merchant", "list", "--json") + run(
        capsys, "audit", "rate", again, "MER-01", "fully", *as_("li"), code=1)
    run(capsys, "audit", "rate", again, "MER-01", "fully", "--as", "li", "--passphrase-file",
        "new.pw")


def _verify_json(capsys: pytest.CaptureFixture[str], pdf: str) -> str:
    capsys.readouterr()
    main(["verify", pdf, "--trust", "trust.json", "--registry", "registry.json", "--json"])
    return capsys.readouterr().out


def _body_with_audit(capsys: pytest.CaptureFixture[str]) -> str:
    run(capsys, "init", "--body", "Example Certification Body", *as_("admin"))
    for name, role in (("li", "assessor"), ("zhang", "reviewer")):
        run(capsys, "user", "add", name, "--role", role, *as_("admin"),
            "--new-passphrase-file", f"{name}.pw")
    run(capsys, "merchant", "add", "--name", "Nordlicht Versand GmbH", "--country", "DE",
        "--website", "https://www.nordlicht-versand.de", *as_("li"))
    return json.loads(run(capsys, "audit", "open", "Nordlicht Versand GmbH", "--form",
                          "ecommerce-trust@1.0", *as_("li"), "--json"))["id"]


def test_cli_refusals_name_the_problem(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    audit = _body_with_audit(capsys)
    assert "passphrase" in run(capsys, "audit", "rate", audit, "MER-01", "fully", "--as", "li",
                               "--passphrase-file", "zhang.pw", code=1)
    assert "is draft" in run(capsys, "audit", "submit", audit, *as_("li"), code=1)
    run(capsys, "audit", "rate", audit, "MER-01", "fully", *as_("li"))
    assert "not complete" in run(capsys, "audit", "submit", audit, *as_("li"), code=1)
    assert "submitted" in run(capsys, "audit", "approve", audit, *as_("zhang"), code=1)
    assert "is not admin" in run(capsys, "user", "add", "eve", "--role", "admin", *as_("li"),
                                 "--new-passphrase-file", "li.pw", code=1)
    bad = workdir / "bad.csv"
    bad.write_text("criterion_id,domain_id,critical,requirement,rating,justification,note,"
                   "nonconformity,corrective_action,due_date\n"
                   "MER-01,,,,fully,,,,,\nMER-02,,,,superb,,,,,\nNOPE-1,,,,fully,,,,,\n"
                   "MER-04,,,,n/a,,,,,\n", encoding="utf-8")
    err = run(capsys, "audit", "import-ratings", audit, str(bad), *as_("li"), code=1)
    assert "row 3" in err and "nothing was imported" in err
    db = open_database(_db())
    try:
        with db.engine.connect() as conn:
            rated = conn.execute(sa.select(sa.func.count()).select_from(Finding)
                                 .where(Finding.rating.is_not(None))).scalar()
    finally:
        db.dispose()
    assert rated == 1  # only MER-01, rated above: nothing of the bad file was imported


def _db() -> str:
    import os

    return os.environ["CERTBENCH_DB"]


def test_journal_verify_detects_edited_deleted_and_reordered_events(
        workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = _body_with_audit(capsys)
    audits = [first] + [json.loads(run(capsys, "audit", "open", "Nordlicht Versand GmbH",
                                       "--form", "ecommerce-trust@1.0", *as_("li"),
                                       "--json"))["id"] for _ in range(2)]
    for audit in audits:
        for criterion in ("MER-01", "MER-02", "MER-03"):
            run(capsys, "audit", "rate", audit, criterion, "fully", *as_("li"))
    run(capsys, "journal", "verify")
    t = JournalEvent.__table__
    edited, deleted, reordered = audits
    db = open_database(_db())
    try:
        with db.engine.begin() as conn:
            conn.execute(sa.update(t).where(t.c.audit_id == edited, t.c.seq == 3)
                         .values(actor="mallory"))
            conn.execute(sa.delete(t).where(t.c.audit_id == deleted, t.c.seq == 3))
            conn.execute(sa.update(t).where(t.c.audit_id == reordered, t.c.seq == 3)
                         .values(seq=99))
            conn.execute(sa.update(t).where(t.c.audit_id == reordered, t.c.seq == 4)
                         .values(seq=3))
            conn.execute(sa.update(t).where(t.c.audit_id == reordered, t.c.seq == 99)
                         .values(seq=4))
    finally:
        db.dispose()
    kinds = {}
    for audit in audits:
        report = json.loads(_json_fail(capsys, "journal", "verify", audit, "--json"))
        assert not report["ok"]
        kinds[audit] = {p["kind"] for p in report["problems"]}
    assert "hash_mismatch" in kinds[edited]
    assert "gap" in kinds[deleted]
    assert "reordered" in kinds[reordered]
    assert "journal: audit" in _json_fail(capsys, "db", "check")


def _json_fail(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    capsys.readouterr()
    assert main(list(argv)) == 1
    return capsys.readouterr().out


def test_ratings_import_from_csv_applies_every_row(workdir: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from certbench.checklists import find_form
    from certbench.domain import Scope

    audit = _body_with_audit(capsys)
    form, scope = find_form("ecommerce-trust@1.0"), Scope(home_market="DE",
                                                          target_markets=frozenset({"DE"}))
    lines = ["criterion_id,domain_id,critical,requirement,rating,justification,note,"
             "nonconformity,corrective_action,due_date"]
    lines += [f"{c.id},,,,largely,,checked,minor,fix it,2027-01-31" for c in form.criteria
              if c.applies(scope)]
    (workdir / "ratings.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert "Imported" in run(capsys, "audit", "import-ratings", audit, "ratings.csv", *as_("li"))
    shown = json.loads(run(capsys, "audit", "show", audit, "--json"))
    assert shown["rated"] == len(lines) - 1 and shown["complete"]
    run(capsys, "audit", "submit", audit, *as_("li"))
