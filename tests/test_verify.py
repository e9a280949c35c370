"""The offline verifier: verdicts for every kind of failure, tamper battery, malformed corpus."""

from __future__ import annotations

import json
import os
import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sealkit

from certbench.canonical import canonical_bytes
from certbench.certify.jws import sign_compact
from certbench.certify.keys import IssuerKey
from certbench.certify.registry import Registry, RegistryEntry
from certbench.certify.seal import SEAL_TYP, SealDetail, seal_file_bytes
from certbench.certify.trust import KeyStatus, TrustFile, default_trust_path
from certbench.certify.verify import (
    EXIT_CODES,
    PRECEDENCE,
    CheckStatus,
    Verdict,
    VerificationReport,
    verify,
)
from certbench.cli import main
from certbench.domain import Rating

NOW = sealkit.CHECK_AT


@pytest.fixture(scope="module")
def key() -> IssuerKey:
    return sealkit.issuer()


@pytest.fixture(scope="module")
def trust(key: IssuerKey) -> TrustFile:
    return sealkit.trust_for(key)


@pytest.fixture(scope="module")
def issued(key: IssuerKey) -> sealkit.Issued:
    return sealkit.issue(key)


def status(report: VerificationReport, name: str) -> CheckStatus:
    return report.check(name).status


# --- the good path -------------------------------------------------------------------

def test_a_seal_file_with_trust_registry_and_form_is_valid(
        key: IssuerKey, trust: TrustFile, issued: sealkit.Issued) -> None:
    registry = sealkit.registry_with(key, issued)
    report = verify(issued.file, trust=trust, registry=registry, form=sealkit.mini_form(),
                    now=NOW)
    assert report.verdict is Verdict.VALID and report.exit_code == 0
    assert all(c.status is CheckStatus.PASS for c in report.checks), report.checks
    assert report.kind == "seal-file"
    assert report.seal_hash == issued.seal.seal_hash
    assert report.registry is not None and report.registry.as_of == registry.head.time  # type: ignore[union-attr]


def test_a_scanned_jws_is_valid_even_with_line_breaks(trust: TrustFile,
                                                      issued: sealkit.Issued) -> None:
    jws = issued.seal.jws
    wrapped = "\n".join(jws[i:i + 60] for i in range(0, len(jws), 60)) + "\n"
    for text in (jws, wrapped, wrapped.encode()):
        report = verify(text, trust=trust, now=NOW)
        assert report.verdict is Verdict.VALID, report.checks
        assert report.kind == "jws"
        assert status(report, "integrity") is CheckStatus.SKIPPED
        assert status(report, "status").name == "SKIPPED"
        assert "no registry" in report.check("status").reason


def test_without_trust_nothing_is_valid(issued: sealkit.Issued) -> None:
    report = verify(issued.file, trust=None, now=NOW)
    assert report.verdict is Verdict.UNKNOWN_ISSUER
    assert status(report, "signature") is CheckStatus.SKIPPED


# --- issuer and keys -----------------------------------------------------------------

def test_a_key_the_trust_file_does_not_list_is_unknown_issuer(issued: sealkit.Issued) -> None:
    stranger = sealkit.issuer()
    report = verify(issued.file, trust=sealkit.trust_for(stranger), now=NOW)
    assert report.verdict is Verdict.UNKNOWN_ISSUER
    own = sealkit.issue(stranger)
    assert verify(own.file, trust=sealkit.trust_for(sealkit.issuer()),
                  now=NOW).verdict is Verdict.UNKNOWN_ISSUER


def test_a_forged_signature_under_a_listed_kid_is_tampered(
        key: IssuerKey, trust: TrustFile, issued: sealkit.Issued) -> None:
    forger = sealkit.issuer()
    signed = sign_compact(issued.seal.payload.canonical(), forger.private_key, kid=key.kid,
                          typ=SEAL_TYP)
    report = verify(signed, trust=trust, now=NOW)
    assert report.verdict is Verdict.TAMPERED
    assert status(report, "signature") is CheckStatus.FAIL


def test_a_trust_file_for_another_body_is_unknown_issuer(key: IssuerKey) -> None:
    other = sealkit.issue(key, no="CB-X")
    payload = replace(other.seal.payload, iss=replace(other.seal.payload.iss, id="other"))
    from certbench.certify.seal import sign_seal

    seal = sign_seal(payload, key)
    report = verify(seal.jws, trust=sealkit.trust_for(key), now=NOW)
    assert report.verdict is Verdict.UNKNOWN_ISSUER
    assert "other" in report.check("issuer").reason


def test_rotation_keeps_old_seals_valid(key: IssuerKey) -> None:
    rotated_at = datetime(2027, 1, 1, tzinfo=UTC)
    new = sealkit.issuer(valid_from=rotated_at)
    trust = sealkit.trust_for(
        new,
        sealkit.trusted(key, status=KeyStatus.RETIRED, valid_until=rotated_at),
        sealkit.trusted(new),
        issued_at=rotated_at + timedelta(days=1),
    )
    before = sealkit.issue(key, iat=rotated_at - timedelta(days=1))
    after_old_key = sealkit.issue(key, iat=rotated_at + timedelta(days=1))
    with_new_key = sealkit.issue(new, iat=rotated_at + timedelta(days=1))
    at = datetime(2027, 6, 1, tzinfo=UTC)
    assert verify(before.file, trust=trust, now=at).verdict is Verdict.VALID
    assert verify(with_new_key.file, trust=trust, now=at).verdict is Verdict.VALID
    late = verify(after_old_key.file, trust=trust, now=at)
    assert late.verdict is Verdict.UNKNOWN_ISSUER
    assert "window ended" in late.check("issuer").reason


def test_compromise_refuses_seals_from_that_moment_on(key: IssuerKey) -> None:
    when = datetime(2026, 12, 1, tzinfo=UTC)
    new = sealkit.issuer(valid_from=when)
    trust = sealkit.trust_for(
        new,
        sealkit.trusted(key, status=KeyStatus.COMPROMISED, compromised_at=when),
        sealkit.trusted(new),
        issued_at=when + timedelta(days=1),
    )
    earlier = sealkit.issue(key, iat=when - timedelta(seconds=1))
    at_t = sealkit.issue(key, iat=when)
    later = sealkit.issue(key, iat=when + timedelta(days=3))
    assert verify(earlier.file, trust=trust, now=NOW).verdict is Verdict.VALID
    for item in (at_t, later):
        report = verify(item.file, trust=trust, now=NOW)
        assert report.verdict is Verdict.UNKNOWN_ISSUER
        assert "compromised at 2026-12-01T00:00:00Z" in report.check("issuer").reason


def test_a_seal_signed_before_the_key_existed_is_unknown_issuer() -> None:
    key = sealkit.issuer(valid_from=datetime(2026, 12, 1, tzinfo=UTC))
    early = sealkit.issue(key)  # iat 2026-11-24
    report = verify(early.file, trust=sealkit.trust_for(key, issued_at=datetime(
        2026, 12, 2, tzinfo=UTC)), now=NOW)
    assert report.verdict is Verdict.UNKNOWN_ISSUER


# --- dates ---------------------------------------------------------------------------

@pytest.mark.parametrize(("now", "verdict"), [
    (datetime(2026, 11, 23, 23, 59, 59, tzinfo=UTC), Verdict.NOT_YET_VALID),
    (datetime(2026, 11, 24, 9, 0, tzinfo=UTC), Verdict.NOT_YET_VALID),  # before iat 10:00
    (datetime(2026, 11, 24, 10, 0, tzinfo=UTC), Verdict.VALID),
    (datetime(2027, 11, 23, 23, 59, 59, tzinfo=UTC), Verdict.VALID),
    (datetime(2027, 11, 24, 0, 0, tzinfo=UTC), Verdict.EXPIRED),
    (datetime(2030, 1, 1, tzinfo=UTC), Verdict.EXPIRED),
])
def test_validity_dates(trust: TrustFile, issued: sealkit.Issued, now: datetime,
                        verdict: Verdict) -> None:
    assert verify(issued.file, trust=trust, now=now).verdict is verdict


def test_frozen_clock_is_used_when_no_time_is_given(trust: TrustFile,
                                                    issued: sealkit.Issued) -> None:
    from freezegun import freeze_time

    with freeze_time("2028-01-01T00:00:00Z"):
        assert verify(issued.file, trust=trust).verdict is Verdict.EXPIRED
    with freeze_time("2027-01-01T00:00:00Z"):
        assert verify(issued.file, trust=trust).verdict is Verdict.VALID


# --- registry status -----------------------------------------------------------------

def test_registry_status_changes(key: IssuerKey, trust: TrustFile,
                                 issued: sealkit.Issued) -> None:
    registry = sealkit.registry_with(key, issued)
    at = registry.head.time  # type: ignore[union-attr]
    no = issued.seal.payload.no
    steps = [("suspended", "complaint under review", Verdict.SUSPENDED),
             ("reinstated", "", Verdict.VALID),
             ("revoked", "misleading claims", Verdict.REVOKED)]
    for i, (kind, reason, verdict) in enumerate(steps, start=1):
        registry.append(RegistryEntry.change(kind, no, at=at + timedelta(days=i), reason=reason))
        registry.sign_head(key, now=at + timedelta(days=i))
        report = verify(issued.file, trust=trust, registry=registry, now=NOW)
        assert report.verdict is verdict, kind
        assert report.exit_code == EXIT_CODES[verdict]
        if reason:
            assert reason in report.check("status").reason


def test_registry_expired_entry_and_unlisted_seal(key: IssuerKey, trust: TrustFile,
                                                  issued: sealkit.Issued) -> None:
    registry = sealkit.registry_with(key, issued)
    other = sealkit.issue(key, no="CB-2026-000999")
    assert verify(other.file, trust=trust, registry=registry,
                  now=NOW).verdict is Verdict.UNKNOWN_ISSUER
    newer = sealkit.issue(key, no="CB-2026-001000", iat=datetime(2026, 12, 1, tzinfo=UTC))
    later = verify(newer.file, trust=trust, registry=registry, now=NOW)
    assert later.verdict is Verdict.VALID
    assert "after the registry's last head" in later.check("status").reason
    registry.append(RegistryEntry.change("expired", issued.seal.payload.no,
                                         at=datetime(2027, 1, 1, tzinfo=UTC)))
    registry.sign_head(key, now=datetime(2027, 1, 1, tzinfo=UTC))
    assert verify(issued.file, trust=trust, registry=registry,
                  now=NOW).verdict is Verdict.EXPIRED


def test_a_tampered_registry_makes_the_verdict_tampered(key: IssuerKey, trust: TrustFile,
                                                        issued: sealkit.Issued) -> None:
    registry = sealkit.registry_with(key, issued)
    registry.append(RegistryEntry.change("revoked", issued.seal.payload.no,
                                         at=datetime(2026, 12, 1, tzinfo=UTC)))
    registry.sign_head(key, now=datetime(2026, 12, 1, tzinfo=UTC))
    document = json.loads(registry.to_bytes())
    document["entries"].pop()  # hide the revocation
    document["heads"].pop()
    document["heads"].append(json.loads(registry.to_bytes())["heads"][-1])
    hidden = Registry.load(canonical_bytes(document))
    report = verify(issued.file, trust=trust, registry=hidden, now=NOW)
    assert report.verdict is Verdict.TAMPERED
    assert "registry fails" in report.check("status").reason


def test_registry_without_trust_is_not_consulted(key: IssuerKey,
                                                 issued: sealkit.Issued) -> None:
    registry = sealkit.registry_with(key, issued)
    report = verify(issued.file, trust=None, registry=registry, now=NOW)
    assert status(report, "status") is CheckStatus.SKIPPED


# --- seal file integrity and grade recomputation ------------------------------------

def _rewrite(issued: sealkit.Issued, change: object) -> bytes:
    document = json.loads(issued.file)
    change(document)  # type: ignore[operator]
    return canonical_bytes(document) + b"\n"


def test_claimed_hash_and_display_payload_are_never_trusted(trust: TrustFile,
                                                            issued: sealkit.Issued) -> None:
    wrong_hash = _rewrite(issued, lambda d: d.update(seal_hash="0" * 64))
    wrong_grade = _rewrite(issued, lambda d: d["payload"]["res"].update(grade="A+"))
    for data in (wrong_hash, wrong_grade):
        report = verify(data, trust=trust, now=NOW)
        assert report.verdict is Verdict.TAMPERED
        assert status(report, "integrity") is CheckStatus.FAIL


def test_a_copy_of_the_payload_hidden_elsewhere_does_not_pass_integrity(
        trust: TrustFile, issued: sealkit.Issued) -> None:
    def hide(d: dict[str, object]) -> None:
        d["detail"]["scope"]["payload"] = d["payload"]  # type: ignore[index]
        d["payload"]["res"]["grade"] = "A+"  # type: ignore[index]

    assert verify(_rewrite(issued, hide), trust=trust, now=NOW).verdict is not Verdict.VALID


def test_detail_must_match_the_sealed_hashes(trust: TrustFile, issued: sealkit.Issued) -> None:
    changed = [
        lambda d: d["detail"]["ratings"][0].update(value="fully"),
        lambda d: d["detail"]["scope"].update(home_market="US"),
        lambda d: d["detail"]["evidence"].pop(),
    ]
    for change in changed:
        report = verify(_rewrite(issued, change), trust=trust, now=NOW)
        assert report.verdict is Verdict.TAMPERED
        assert status(report, "detail") is CheckStatus.FAIL


def test_detail_is_judged_by_what_it_lists_not_by_its_order(trust: TrustFile,
                                                             issued: sealkit.Issued) -> None:
    """The sealed hashes are over the ratings and scope as read and re-serialised (sorted):
    a file listing the same ratings in another order, or a market twice, still matches."""
    def reorder(d: dict[str, object]) -> None:
        d["detail"]["ratings"].reverse()  # type: ignore[index]
        d["detail"]["scope"]["target_markets"] = ["CN", "CN"]  # type: ignore[index]

    report = verify(_rewrite(issued, reorder), trust=trust, now=NOW)
    assert report.verdict is Verdict.VALID
    assert status(report, "detail") is CheckStatus.PASS


def test_grade_recomputation(key: IssuerKey, trust: TrustFile, issued: sealkit.Issued) -> None:
    form = sealkit.mini_form()
    good = verify(issued.file, trust=trust, form=form, now=NOW)
    assert good.check("grade").status is CheckStatus.PASS
    other_form = replace(form, hash="f" * 64)
    assert verify(issued.file, trust=trust, form=other_form,
                  now=NOW).check("grade").status is CheckStatus.FAIL
    other_version = replace(form, version="2.0")
    assert verify(issued.file, trust=trust, form=other_version,
                  now=NOW).check("grade").status is CheckStatus.SKIPPED
    # A seal whose sealed grade does not follow from its own (hash-consistent) ratings.
    ratings = (*sealkit.RATINGS[:2], Rating("DISC-01", "not_met"), sealkit.RATINGS[3])
    honest = sealkit.payload(key)
    lying = replace(honest, res=replace(honest.res, rh=sealkit.ratings_hash(ratings)))
    from certbench.certify.seal import sign_seal

    seal = sign_seal(lying, key)
    data = seal_file_bytes(seal, SealDetail(ratings, sealkit.SCOPE, sealkit.EVIDENCE))
    report = verify(data, trust=trust, form=form, now=NOW)
    assert report.verdict is Verdict.TAMPERED
    assert status(report, "detail") is CheckStatus.PASS
    assert status(report, "grade") is CheckStatus.FAIL


def test_grade_is_skipped_without_form_or_detail(trust: TrustFile,
                                                 issued: sealkit.Issued) -> None:
    assert status(verify(issued.file, trust=trust, now=NOW), "grade") is CheckStatus.SKIPPED
    jws_only = verify(issued.seal.jws, trust=trust, form=sealkit.mini_form(), now=NOW)
    assert status(jws_only, "grade") is CheckStatus.SKIPPED


# --- tamper battery ------------------------------------------------------------------

def _substitutes(position: int, original: int, rng: random.Random) -> list[int]:
    """One different byte: the neighbouring value at even positions, a random one at odd."""
    if position % 2 == 0:
        return [original ^ 0x01]
    other = rng.randrange(256)
    while other == original:
        other = rng.randrange(256)
    return [other]


def test_every_single_byte_change_of_the_jws_is_caught(trust: TrustFile,
                                                       issued: sealkit.Issued) -> None:
    rng = random.Random(7)
    data = bytearray(issued.seal.jws.encode())
    seen = set()
    for i in range(len(data)):
        for value in _substitutes(i, data[i], rng):
            changed = bytes(data[:i]) + bytes([value]) + bytes(data[i + 1:])
            report = verify(changed, trust=trust, now=NOW)
            assert report.verdict is not Verdict.VALID, (i, value)
            seen.add(report.verdict)
    assert seen <= {Verdict.MALFORMED, Verdict.TAMPERED, Verdict.UNKNOWN_ISSUER}


def test_every_single_byte_change_of_the_seal_file_is_caught(trust: TrustFile,
                                                             issued: sealkit.Issued) -> None:
    rng = random.Random(11)
    data = issued.file
    for i in range(len(data)):
        for value in _substitutes(i, data[i], rng):
            changed = data[:i] + bytes([value]) + data[i + 1:]
            report = verify(changed, trust=trust, now=NOW)
            assert report.verdict is not Verdict.VALID, (i, value, data[max(0, i - 20):i + 20])


# --- malformed corpus ----------------------------------------------------------------

def _corpus(issued: sealkit.Issued) -> list[bytes | str]:
    rng = random.Random(3)
    return [
        b"", "", b" ", b"x", b"{", b"%PDF-", b"%PDF-1.7\n%garbage\n",
        bytes(rng.randrange(256) for _ in range(4096)),
        os.urandom(1) * 20 * 1024 * 1024,
        "a" * (11 * 1024 * 1024),
        b"[]", b"[1,2,3]", b"null", b"42", b'"text"', b"{}",
        b"[" * 100000, b'{"a":' * 100000,
        b'{"format":"certbench-seal","version":1,"jws":5}',
        issued.file[: len(issued.file) // 2],
        issued.seal.jws[:-10],
        issued.seal.jws + ".",
        "é" + issued.seal.jws,
        issued.file.replace(b'"version":1', b'"version":1.0'),
        issued.file.replace(b'"version":1', b'"version":NaN'),
        issued.file.replace(b'"format":"certbench-seal"',
                            b'"format":"certbench-seal","format":"certbench-seal"'),
        b"\xef\xbb\xbf" + issued.file,
        b"\x00" * 100,
    ]


def test_malformed_inputs_are_malformed_never_a_traceback(trust: TrustFile,
                                                          issued: sealkit.Issued) -> None:
    for i, item in enumerate(_corpus(issued)):
        report = verify(item, trust=trust, now=NOW)
        assert report.verdict is Verdict.MALFORMED, (i, report.checks)
        assert report.exit_code == 16
        report.summary("en")
        report.summary("zh")
        json.dumps(report.to_json())


def _wrong_payloads(issued: sealkit.Issued) -> list[dict[str, object]]:
    base = issued.seal.payload.to_json()
    out = []
    for member, value in base.items():
        for bad in (None, 1.5 if False else 1, [], "x", {}):
            if type(bad) is type(value):
                continue
            out.append({**base, member: bad})
        if isinstance(value, dict):
            for inner in value:
                out.append({**base, member: {**value, inner: [None]}})
    return out


def test_signed_payloads_with_wrong_types_are_malformed(key: IssuerKey, trust: TrustFile,
                                                        issued: sealkit.Issued) -> None:
    for data in _wrong_payloads(issued):
        signed = sign_compact(canonical_bytes(data), key.private_key, kid=key.kid, typ=SEAL_TYP)
        report = verify(signed, trust=trust, now=NOW)
        assert report.verdict is Verdict.MALFORMED, data


def test_wrong_argument_types_are_malformed(trust: TrustFile) -> None:
    for value in (None, 5, ["a"], {"jws": "x"}):
        assert verify(value, trust=trust, now=NOW).verdict is Verdict.MALFORMED  # type: ignore[arg-type]


# --- report, summary, precedence -----------------------------------------------------

def test_precedence_and_exit_codes_are_complete() -> None:
    assert set(PRECEDENCE) == set(Verdict)
    assert set(EXIT_CODES) == set(Verdict)
    assert len(set(EXIT_CODES.values())) == len(Verdict)
    assert PRECEDENCE[0] is Verdict.MALFORMED and PRECEDENCE[-1] is Verdict.VALID


def test_tampered_wins_over_expired_and_unknown_issuer(key: IssuerKey,
                                                       issued: sealkit.Issued) -> None:
    stale = _rewrite(issued, lambda d: d.update(seal_hash="0" * 64))
    report = verify(stale, trust=None, now=datetime(2031, 1, 1, tzinfo=UTC))
    failed = {c.verdict for c in report.checks if c.status is CheckStatus.FAIL}
    assert failed == {Verdict.TAMPERED, Verdict.UNKNOWN_ISSUER, Verdict.EXPIRED}
    assert report.verdict is Verdict.TAMPERED


def test_summary_says_who_what_and_until_when(key: IssuerKey, trust: TrustFile,
                                              issued: sealkit.Issued) -> None:
    registry = sealkit.registry_with(key, issued)
    report = verify(issued.file, trust=trust, registry=registry, now=NOW)
    en = report.summary("en")
    for text in ("VALID", "Example Trading Co., Ltd.", "91310000MA1FL0XX0X", "CN",
                 "https://shop.example.cn", "Mini Trust Checklist", "version 1.0", "Grade: A",
                 "2027-11-23", "valid as of 2026-11-24T11:00:00Z", issued.seal.seal_hash,
                 issued.seal.short_hash):
        assert text in en, text
    zh = report.summary("zh")
    for text in ("结论：有效", "获证主体", "有效期", "2027-11-23", "登记状态", "口述核对码"):
        assert text in zh, text
    broken = verify(b"[]", trust=trust, now=NOW)
    assert "If something is wrong" in broken.summary("en")
    assert "如有疑问" in broken.summary("zh")


def test_report_json_holds_every_check(trust: TrustFile, issued: sealkit.Issued) -> None:
    data = verify(issued.file, trust=trust, now=NOW).to_json()
    assert data["verdict"] == "VALID" and data["exit_code"] == 0
    names = [c["name"] for c in data["checks"]]  # type: ignore[attr-defined]
    assert names == ["format", "integrity", "signature", "issuer", "detail", "grade", "status",
                     "dates"]
    assert data["registry"] is None
    assert json.loads(json.dumps(data)) == data


# --- the command ---------------------------------------------------------------------

@pytest.fixture
def files(tmp_path: Path, key: IssuerKey, issued: sealkit.Issued) -> dict[str, Path]:
    from certbench.certify.trust import trust_file_bytes

    trust_path = tmp_path / "trust.json"
    trust_path.write_bytes(trust_file_bytes(sealkit.BODY_NAME, sealkit.BODY_ID,
                                            [sealkit.trusted(key)], key,
                                            issued_at=sealkit.ISSUED_AT))
    seal = tmp_path / "seal.cbseal"
    seal.write_bytes(issued.file)
    registry = sealkit.registry_with(key, issued)
    registry.append(RegistryEntry.change("suspended", issued.seal.payload.no,
                                         at=datetime(2027, 1, 1, tzinfo=UTC)))
    registry.sign_head(key, now=datetime(2027, 1, 1, tzinfo=UTC))
    reg_path = registry.export(tmp_path / "registry.json")
    form = tmp_path / "mini.toml"
    form.write_text(sealkit.FORM_TOML, encoding="utf-8")
    return {"trust": trust_path, "seal": seal, "registry": reg_path, "form": form}


def test_cli_exit_codes(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    at = ["--at", "2027-03-01T12:00:00Z"]
    seal, trust = str(files["seal"]), str(files["trust"])
    assert main(["verify", seal, "--trust", trust, "--form", str(files["form"]), *at]) == 0
    assert "Grade: A" in capsys.readouterr().out
    assert main(["verify", seal, "--trust", trust, "--registry", str(files["registry"]),
                 *at]) == 14
    assert main(["verify", seal, "--trust", trust, "--at", "2030-01-01"]) == 13
    assert main(["verify", seal, *at]) == 11
    assert main(["verify", str(files["form"]), "--trust", trust, *at]) == 16
    assert main(["verify", seal, "--trust", str(files["form"]), *at]) == 16
    capsys.readouterr()
    assert main(["verify", seal, "--trust", trust, "--json", "--lang", "zh", *at]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["verdict"] == "VALID" and report["seal_hash"]


def test_cli_reads_jws_from_argument_and_stdin(files: dict[str, Path], issued: sealkit.Issued,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    import io

    at = ["--at", "2027-03-01T12:00:00Z"]
    assert main(["verify", issued.seal.jws, "--trust", str(files["trust"]), *at]) == 0
    fake = io.TextIOWrapper(io.BytesIO(issued.seal.jws.encode() + b"\n"))
    monkeypatch.setattr("sys.stdin", fake)
    assert main(["verify", "-", "--trust", str(files["trust"]), "--lang", "zh", *at]) == 0
    assert "结论：有效" in capsys.readouterr().out


def test_cli_uses_the_trust_file_in_the_data_dir(files: dict[str, Path]) -> None:
    at = ["--at", "2027-03-01T12:00:00Z"]
    assert main(["verify", str(files["seal"]), *at]) == 11
    default_trust_path().parent.mkdir(parents=True, exist_ok=True)
    default_trust_path().write_bytes(files["trust"].read_bytes())
    assert main(["verify", str(files["seal"]), *at]) == 0


def test_cli_tampered_trust_file(files: dict[str, Path]) -> None:
    document = json.loads(files["trust"].read_bytes())
    document["body"]["name"] = "Impostor Body"
    files["trust"].write_bytes(canonical_bytes(document))
    assert main(["verify", str(files["seal"]), "--trust", str(files["trust"])]) == 10


def test_verify_module_does_not_import_the_database_or_qt() -> None:
    import subprocess
    import sys

    code = ("import sys, certbench.certify.verify, certbench.cli.verify;"
            "bad=[m for m in sys.modules if m.split('.')[0] in "
            "('sqlalchemy','PySide6','pandas','pyhanko','reportlab')];"
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_report_dates_are_utc(trust: TrustFile, issued: sealkit.Issued) -> None:
    report = verify(issued.file, trust=trust, now=datetime(2027, 3, 1, 20, 0,
                                                           tzinfo=UTC) + timedelta(hours=5))
    assert report.checked_at.tzinfo is not None
    assert report.payload is not None and report.payload.val.exp == date(2027, 11, 23)


# --- certificate PDFs ----------------------------------------------------------------

@pytest.fixture(scope="module")
def unsigned_pdf(issued: sealkit.Issued) -> bytes:
    from certbench.certify.pdf import render_certificate

    return render_certificate(sealkit.certificate_view(issued))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def signed_pdf(key: IssuerKey, unsigned_pdf: bytes) -> bytes:
    from certbench.certify.pdf import sign_pdf

    return sign_pdf(unsigned_pdf, key.private_key, key.certificate)


def test_a_signed_certificate_pdf_is_valid(key: IssuerKey, trust: TrustFile,
                                           issued: sealkit.Issued, signed_pdf: bytes) -> None:
    registry = sealkit.registry_with(key, issued)
    report = verify(signed_pdf, trust=trust, registry=registry, form=sealkit.mini_form(),
                    now=NOW)
    assert report.verdict is Verdict.VALID, report.checks
    assert report.kind == "pdf"
    for name in ("pdf_signature", "pdf_seal", "pdf_signer", "integrity", "grade", "status"):
        assert status(report, name) is CheckStatus.PASS, name
    assert report.seal_hash == issued.seal.seal_hash


def test_pdfsig_accepts_the_issuer_certificate_as_signer(signed_pdf: bytes,
                                                        tmp_path: Path) -> None:
    import subprocess

    path = tmp_path / "certificate.pdf"
    path.write_bytes(signed_pdf)
    out = subprocess.run(["pdfsig", str(path)], check=False, capture_output=True, text=True)
    assert "Signature is Valid" in out.stdout, out.stdout + out.stderr
    assert "Example Certification Body" in out.stdout


def test_a_pdf_signed_by_someone_else_is_tampered(trust: TrustFile, unsigned_pdf: bytes) -> None:
    from certbench.certify.pdf import sign_pdf

    stranger = sealkit.issuer()
    resigned = sign_pdf(unsigned_pdf, stranger.private_key, stranger.certificate)
    report = verify(resigned, trust=trust, now=NOW)
    assert report.verdict is Verdict.TAMPERED
    assert status(report, "pdf_signer") is CheckStatus.FAIL
    assert status(report, "pdf_signature") is CheckStatus.PASS


def test_unsigned_changed_or_extended_pdfs_are_tampered(trust: TrustFile, unsigned_pdf: bytes,
                                                        signed_pdf: bytes) -> None:
    at = signed_pdf.index(b"/Author")
    flipped = signed_pdf[:at + 9] + bytes([signed_pdf[at + 9] ^ 0x20]) + signed_pdf[at + 10:]
    for data in (unsigned_pdf, flipped, signed_pdf + b"\n% appended\n"):
        report = verify(data, trust=trust, now=NOW)
        assert report.verdict is Verdict.TAMPERED
        assert status(report, "pdf_signature") is CheckStatus.FAIL


def test_a_pdf_whose_qr_text_differs_from_the_attachment_is_tampered(
        key: IssuerKey, trust: TrustFile, signed_pdf: bytes) -> None:
    import io

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    from certbench.certify.pdf import QR_CATALOG_KEY

    other = sealkit.issue(key, no="CB-2026-000777")
    writer = IncrementalPdfFileWriter(io.BytesIO(signed_pdf))
    writer.root["/" + QR_CATALOG_KEY] = generic.TextStringObject(other.seal.jws)
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    report = verify(out.getvalue(), trust=trust, now=NOW)
    assert report.verdict is Verdict.TAMPERED
    assert status(report, "pdf_seal") is CheckStatus.FAIL


def test_truncated_pdfs_are_malformed(trust: TrustFile, signed_pdf: bytes) -> None:
    for keep in (0.1, 0.5, 0.99):
        report = verify(signed_pdf[: int(len(signed_pdf) * keep)], trust=trust, now=NOW)
        assert report.verdict is Verdict.MALFORMED
