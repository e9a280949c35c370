"""Seal v1: payload shape, ES256 compact JWS (strict parsing, interop), .cbseal files."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import subprocess
from pathlib import Path

import pytest
import sealkit
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given, settings
from hypothesis import strategies as st
from jwcrypto import jwk, jws

from certbench.canonical import canonical_bytes
from certbench.certify.jws import (
    b64url_decode,
    b64url_encode,
    canonical_plain,
    der_to_raw,
    loads_canonical,
    loads_plain,
    loads_strict,
    parse_compact,
    parse_compact_known,
    raw_to_der,
    sign_compact,
    verify_jws,
)
from certbench.certify.keys import IssuerKey
from certbench.certify.seal import (
    SEAL_TYP,
    SealDetail,
    SealPayload,
    _detail_by_member,
    _detail_fast,
    _payload_by_member,
    _payload_fast,
    decode_seal,
    decode_seal_known,
    parse_jws,
    read_seal_file,
    read_seal_file_parts,
    seal_file_bytes,
    seal_hash,
    short_hash,
    sign_seal,
    write_seal_file,
)
from certbench.errors import MalformedError, SigningError


@pytest.fixture(scope="module")
def key() -> IssuerKey:
    return sealkit.issuer()


@pytest.fixture(scope="module")
def issued(key: IssuerKey) -> sealkit.Issued:
    return sealkit.issue(key)


def test_payload_matches_the_agreed_shape(issued: sealkit.Issued) -> None:
    data = issued.seal.payload.to_json()
    assert set(data) == {"v", "no", "iss", "sub", "sch", "res", "aud", "val"}
    assert data["v"] == 1
    assert data["val"] == {"iat": "2026-11-24T10:00:00Z", "nbf": "2026-11-24",
                           "exp": "2027-11-23"}
    res = data["res"]
    assert isinstance(res, dict) and res["grade"] == "A"
    assert all(isinstance(v, str) for v in res["dom"].values())
    assert SealPayload.from_json(json.loads(canonical_bytes(data))) == issued.seal.payload


def test_seal_hash_is_sha256_of_the_signed_payload_segment(issued: sealkit.Issued) -> None:
    segment = issued.seal.jws.split(".")[1]
    assert issued.seal.seal_hash == hashlib.sha256(b64url_decode(segment)).hexdigest()
    assert seal_hash(issued.seal.payload.canonical()) == issued.seal.seal_hash


def test_short_hash_groups_twenty_hex_digits() -> None:
    assert short_hash("3f2a9c0177be0d4ea1b2" + "0" * 44) == "3F2A-9C01-77BE-0D4E-A1B2"


def test_header_is_canonical_es256_with_kid_and_typ(key: IssuerKey,
                                                    issued: sealkit.Issued) -> None:
    header = b64url_decode(issued.seal.jws.split(".")[0])
    assert header == canonical_bytes({"alg": "ES256", "kid": key.kid, "typ": "cbseal+jws"})


def test_decode_round_trip_and_signature(key: IssuerKey, issued: sealkit.Issued) -> None:
    decoded = decode_seal(issued.seal.jws)
    assert decoded.payload == issued.seal.payload
    assert decoded.seal_hash == issued.seal.seal_hash
    assert verify_jws(decoded.jws, key.public_key)
    assert not verify_jws(decoded.jws, sealkit.issuer().public_key)


def test_jwcrypto_verifies_the_seal_with_the_public_key_alone(key: IssuerKey,
                                                              issued: sealkit.Issued) -> None:
    pem = key.public_key.public_bytes(serialization.Encoding.PEM,
                                      serialization.PublicFormat.SubjectPublicKeyInfo)
    token = jws.JWS()
    token.deserialize(issued.seal.jws)
    token.verify(jwk.JWK.from_pem(pem), alg="ES256")
    assert token.payload == issued.seal.payload.canonical()
    wrong = jwk.JWK.from_pem(sealkit.issuer().public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    token2 = jws.JWS()
    token2.deserialize(issued.seal.jws)
    with pytest.raises(jws.InvalidJWSSignature):
        token2.verify(wrong, alg="ES256")


def test_openssl_verifies_the_raw_signature(key: IssuerKey, issued: sealkit.Issued,
                                            tmp_path: Path) -> None:
    header, payload, signature = issued.seal.jws.split(".")
    (tmp_path / "pub.pem").write_bytes(key.public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    (tmp_path / "msg").write_bytes(f"{header}.{payload}".encode())
    (tmp_path / "sig.der").write_bytes(raw_to_der(b64url_decode(signature)))
    command = ["openssl", "dgst", "-sha256", "-verify", "pub.pem", "-signature", "sig.der", "msg"]
    ok = subprocess.run(command, check=False, cwd=tmp_path, capture_output=True, text=True)
    assert ok.returncode == 0 and "Verified OK" in ok.stdout
    (tmp_path / "msg").write_bytes(f"{header}.{payload}x".encode())
    bad = subprocess.run(command, check=False, cwd=tmp_path, capture_output=True, text=True)
    assert bad.returncode != 0


def test_der_and_raw_signatures_convert_both_ways(key: IssuerKey) -> None:
    from cryptography.hazmat.primitives import hashes

    der = key.private_key.sign(b"message", ec.ECDSA(hashes.SHA256()))
    raw = der_to_raw(der)
    assert len(raw) == 64 and raw_to_der(raw) == der
    for size in (0, 63, 65, 128):
        with pytest.raises(MalformedError):
            raw_to_der(bytes(size))


def test_base64url_is_strict() -> None:
    assert b64url_encode(b"\xff\xfe") == "__4"
    assert b64url_decode("__4") == b"\xff\xfe"
    for bad in ("__4=", "//4", "__5", "a", "ab cd", "é", "++++", "ab/c", "abc=", "ab\ncd",
                "abc\x00", "ab.c", "AB", "ab c"):
        with pytest.raises(MalformedError):
            b64url_decode(bad)
    for size in range(40):
        data = bytes(range(255, 255 - size, -1))
        assert b64url_decode(b64url_encode(data)) == data


def _resign(key: IssuerKey, header: dict[str, object] | bytes, payload: bytes) -> str:
    """A JWS with an arbitrary header and payload, validly signed."""
    from cryptography.hazmat.primitives import hashes

    head = header if isinstance(header, bytes) else json.dumps(header).encode()
    signing_input = f"{b64url_encode(head)}.{b64url_encode(payload)}"
    der = key.private_key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256()))
    return f"{signing_input}.{b64url_encode(der_to_raw(der))}"


def test_parse_refuses_every_non_canonical_form(key: IssuerKey, issued: sealkit.Issued) -> None:
    good = issued.seal.jws
    h, p, s = good.split(".")
    payload = issued.seal.payload.canonical()
    canonical_header = {"alg": "ES256", "kid": key.kid, "typ": SEAL_TYP}
    bad = [
        f"{h}.{p}", f"{h}.{p}.{s}.{s}", f"{h}={p}.{s}", f"{h}.{p}.{s}=",
        f"{h}.{p}.{b64url_encode(b64url_decode(s)[:63])}",
        f"{h}.{p}.{b64url_encode(b64url_decode(s) + b'0')}",
        _resign(key, {**canonical_header, "alg": "none"}, payload),
        _resign(key, {**canonical_header, "alg": "HS256"}, payload),
        _resign(key, {**canonical_header, "alg": "es256"}, payload),
        _resign(key, {**canonical_header, "crit": ["x"]}, payload),
        _resign(key, {**canonical_header, "typ": "JWT"}, payload),
        _resign(key, {"alg": "ES256", "typ": SEAL_TYP}, payload),
        _resign(key, json.dumps(canonical_header, indent=1).encode(), payload),
        _resign(key, canonical_bytes(canonical_header), payload + b" "),
        _resign(key, canonical_bytes(canonical_header),
                json.dumps(json.loads(payload), sort_keys=False, indent=None).encode()),
        _resign(key, canonical_bytes(canonical_header), b"[1, 2]"),
        good.replace(".", "..", 1),
        "",
        "é.é.é",
    ]
    for text in bad:
        with pytest.raises(MalformedError):
            decode_seal(text)


def test_parse_jws_and_signing_from_a_mapping(key: IssuerKey, issued: sealkit.Issued) -> None:
    header, payload, signature = parse_jws(issued.seal.jws)
    assert header == {"alg": "ES256", "kid": key.kid, "typ": SEAL_TYP}
    assert payload == issued.seal.payload.canonical() and len(signature) == 64
    again = sign_seal(issued.seal.payload.to_json(), key)
    assert again.seal_hash == issued.seal.seal_hash and again.payload == issued.seal.payload
    with pytest.raises(MalformedError):
        sign_seal({**issued.seal.payload.to_json(), "v": 2}, key)


def test_kid_in_header_must_match_payload(key: IssuerKey, issued: sealkit.Issued) -> None:
    other = sealkit.issuer()
    forged = sign_compact(issued.seal.payload.canonical(), other.private_key, kid=other.kid,
                          typ=SEAL_TYP)
    with pytest.raises(MalformedError, match="kid"):
        decode_seal(forged)


def test_strict_json_reader() -> None:
    for text in ('{"a":1,"a":2}', '{"a":NaN}', '{"a":Infinity}', '{"a":1.5}', "[" * 100000,
                 '{"a":' * 100000, '{"é":1}', '{"a":9007199254740992}', "1" * 5000,
                 b"\xff\xfe", "{'a':1}"):
        with pytest.raises(MalformedError):
            loads_strict(text)
    assert loads_strict('{"a":[1,"x",null,true]}') == {"a": [1, "x", None, True]}


def test_loads_canonical_accepts_only_the_canonical_spelling() -> None:
    assert loads_canonical(b'{"a":[1,"\xc3\xa9"],"b":null}') == {"a": [1, "é"], "b": None}
    for text in (b'{"b":1,"a":2}', b'{"a": 1}', b'{"a":1,"a":1}', b'{"a":"\\u00e9"}',
                 b'{"a":"\\/"}', b' {"a":1}', b'{"a":1.0}', b'{"a":1e2}',
                 b'{"\xf0\x9f\x98\x80":1}'):
        with pytest.raises(MalformedError):
            loads_canonical(text)


_json_leaf = (st.none() | st.booleans()
              | st.integers(-(2**53) + 1, 2**53 - 1)
              | st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=12))
_json_value = st.recursive(
    _json_leaf,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(alphabet=st.characters(max_codepoint=127), max_size=6), inner,
                      max_size=4),
    max_leaves=20)


@settings(max_examples=120, deadline=None)
@given(_json_value)
def test_fast_canonical_serialiser_equals_rfc8785(value: object) -> None:
    import rfc8785

    expected = rfc8785.dumps(value)
    assert canonical_plain(value) == expected
    assert loads_canonical(expected) == value


def _wrong_types() -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = [("v", 2), ("v", True), ("no", 7), ("no", "")]
    for path, value in [
        ("iss.name", 1), ("iss.kid", None), ("sub.cc", "cn"), ("sub.cc", "CHN"),
        ("sub.web", "https://x"), ("sub.web", [1]), ("sch.hash", "00"), ("sch.ver", []),
        ("res.score", 92.5), ("res.score", "92.5"), ("res.score", "101.00"),
        ("res.dom", ["MER"]), ("res.dom", {"MER": 100}), ("res.rh", "X" * 64),
        ("aud.en", "5"), ("aud.en", -1), ("aud.en", True), ("aud.by", "Li Wei"),
        ("aud.done", "2026-13-01"), ("aud.er", None),
        ("val.iat", "2026-11-24T10:00:00"), ("val.iat", "2026-11-24T10:00:00+00:00"),
        ("val.nbf", "24.11.2026"), ("val.exp", "2026-11-01"), ("val", []),
        ("sub", None), ("res.extra", "1"),
    ]:
        out.append((path, value))
    return out


@pytest.mark.parametrize(("path", "value"), _wrong_types())
def test_payload_with_a_wrong_member_is_malformed(issued: sealkit.Issued, path: str,
                                                  value: object) -> None:
    data = copy.deepcopy(issued.seal.payload.to_json())
    *parents, last = path.split(".")
    target = data
    for part in parents:
        target = target[part]  # type: ignore[assignment]
    target[last] = value
    with pytest.raises(MalformedError):
        SealPayload.from_json(data)


@pytest.mark.parametrize("member", ["v", "no", "iss", "sub", "sch", "res", "aud", "val"])
def test_payload_missing_a_member_is_malformed(issued: sealkit.Issued, member: str) -> None:
    data = issued.seal.payload.to_json()
    del data[member]
    with pytest.raises(MalformedError):
        SealPayload.from_json(data)


def test_sign_refuses_a_payload_naming_another_key(issued: sealkit.Issued) -> None:
    with pytest.raises(SigningError):
        sign_seal(issued.seal.payload, sealkit.issuer())


def test_seal_file_round_trip(issued: sealkit.Issued, tmp_path: Path) -> None:
    path = write_seal_file(tmp_path / "CB-2026-000123.cbseal", issued.seal, sealkit.detail())
    data = path.read_bytes()
    assert data == issued.file
    parsed = read_seal_file(data)
    assert parsed.jws == issued.seal.jws
    assert parsed.seal_hash == issued.seal.seal_hash
    assert parsed.payload == issued.seal.payload.to_json()
    assert parsed.detail is not None
    assert parsed.detail.to_json() == sealkit.detail().to_json()
    assert SealDetail.from_json(parsed.detail.to_json()).scope == sealkit.SCOPE
    assert read_seal_file(seal_file_bytes(issued.seal, None)).detail is None


def test_seal_file_must_be_canonical(issued: sealkit.Issued) -> None:
    document = json.loads(issued.file)
    for variant in (json.dumps(document, indent=2).encode(), issued.file + b"\n",
                    b" " + issued.file, issued.file.replace(b"\n", b"\r\n")):
        with pytest.raises(MalformedError):
            read_seal_file(variant)


@pytest.mark.parametrize("change", [
    lambda d: d.update(format="other"),
    lambda d: d.update(version=2),
    lambda d: d.update(extra=1),
    lambda d: d.update(jws=5),
    lambda d: d.update(payload=[]),
    lambda d: d["detail"].update(ratings={}),
    lambda d: d["detail"]["ratings"][0].update(value=3),
    lambda d: d["detail"]["ratings"][0].pop("justification"),
    lambda d: d["detail"].update(evidence=["xyz"]),
    lambda d: d["detail"]["scope"].update(business_models=["B2X"]),
    lambda d: d["detail"]["scope"].update(home_market=5),
    lambda d: d["detail"]["scope"].update(payload={}),
    lambda d: d["detail"]["scope"].pop("languages"),
])
def test_seal_file_with_wrong_members_is_malformed(issued: sealkit.Issued, change: object) -> None:
    document = json.loads(issued.file)
    change(document)  # type: ignore[operator]
    with pytest.raises(MalformedError):
        read_seal_file(canonical_bytes(document))


def test_the_qr_string_is_plain_base64url_ascii(issued: sealkit.Issued) -> None:
    assert issued.seal.jws.isascii()
    assert set(issued.seal.jws) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
    assert base64.urlsafe_b64decode(issued.seal.jws.split(".")[1] + "==")
    assert parse_compact(issued.seal.jws, typ=SEAL_TYP).kid == issued.seal.payload.iss.kid


# --- the whole-record readers agree with the member-by-member ones ----------------------

def _payload_variants(issued: sealkit.Issued) -> list[dict[str, object]]:
    base = issued.seal.payload.to_json()
    variants = [base]
    for path, value in [("sub.reg", ""), ("sub.web", []), ("res.dom", {}), ("aud.by", []),
                        ("aud.en", 0), ("res.dom", {f"D{n:02}": "100.00" for n in range(100)}),
                        ("sub.name", "x" * 500), ("val.exp", "2026-11-24"),
                        ("iss.name", "认证机构 \u2028 \"quoted\"")]:
        data = copy.deepcopy(base)
        *parents, last = path.split(".")
        target = data
        for part in parents:
            target = target[part]  # type: ignore[assignment]
        target[last] = value
        variants.append(data)
    return variants


def test_whole_record_payload_reader_agrees(issued: sealkit.Issued) -> None:
    for data in _payload_variants(issued):
        fast = _payload_fast(data)
        assert fast is not None
        assert fast == _payload_by_member(data)
        assert fast.to_json() == data


@pytest.mark.parametrize(("path", "value"), [
    *_wrong_types(), ("sub.name", "x" * 501), ("sub.web", ["x"] * 101), ("no", "a" * 501),
    ("res.score", "10.00,20.00"), ("sch.hash", "0" * 64 + ",1"), ("sub.reg", 5),
    ("aud.en", 10**9), ("res.dom", {"": "10.00"}), ("aud.by", [""]),
])
def test_whole_record_payload_reader_refuses_what_the_member_reader_refuses(
        issued: sealkit.Issued, path: str, value: object) -> None:
    data = copy.deepcopy(issued.seal.payload.to_json())
    *parents, last = path.split(".")
    target = data
    for part in parents:
        target = target[part]  # type: ignore[assignment]
    target[last] = value
    assert _payload_fast(data) is None
    with pytest.raises(MalformedError):
        _payload_by_member(data)


def test_whole_record_detail_reader_agrees_and_refuses_alike(issued: sealkit.Issued) -> None:
    good = [sealkit.detail().to_json(), SealDetail((), sealkit.SCOPE, ()).to_json()]
    for data in good:
        fast = _detail_fast(data)
        assert fast is not None
        assert fast == _detail_by_member(data)
    base = good[0]
    bad = [
        lambda d: d["ratings"].append({"criterion": "X", "value": "met"}),
        lambda d: d["ratings"][0].update(value=""),
        lambda d: d["ratings"][0].update(criterion=7),
        lambda d: d["ratings"][0].update(justification="j" * 20_001),
        lambda d: d["ratings"][0].update(justification=None),
        lambda d: d["evidence"].append("A" * 64),
        lambda d: d["evidence"].append("a" * 64 + ",b"),
        lambda d: d["scope"].update(currencies="CNY"),
        lambda d: d["scope"].update(business_models=["B2X"]),
        lambda d: d.update(extra=[]),
        lambda d: d.update(ratings={}),
    ]
    for change in bad:
        data = copy.deepcopy(base)
        change(data)
        assert _detail_fast(data) is None
        with pytest.raises(MalformedError):
            _detail_by_member(data)


def test_seal_file_parts_are_the_members_canonical_bytes(issued: sealkit.Issued) -> None:
    _sealfile, parts = read_seal_file_parts(issued.file)
    document = json.loads(issued.file)
    assert parts.payload == canonical_plain(document["payload"])
    assert parts.ratings == canonical_plain(document["detail"]["ratings"])
    assert parts.scope == canonical_plain(document["detail"]["scope"])
    assert parts.payload in issued.file and parts.ratings in issued.file
    bare, bare_parts = read_seal_file_parts(seal_file_bytes(issued.seal, None))
    assert bare.detail is None
    assert bare_parts.ratings is None and bare_parts.scope is None


def test_a_known_payload_is_taken_only_when_the_bytes_are_the_same(
        issued: sealkit.Issued) -> None:
    sealfile, parts = read_seal_file_parts(issued.file)
    assert decode_seal_known(issued.seal.jws, parts.payload, sealfile.payload) == \
        decode_seal(issued.seal.jws)
    # Other bytes offered as "known": the JWS's own payload is parsed and checked instead.
    other = canonical_plain({"a": 1})
    parsed = parse_compact_known(issued.seal.jws, typ=SEAL_TYP, payload=other, value={"a": 1})
    assert parsed.value == issued.seal.payload.to_json()
    spaced = b64url_encode(b'{"a": 1}')
    head, _, sig = issued.seal.jws.split(".")
    with pytest.raises(MalformedError):
        parse_compact_known(f"{head}.{spaced}.{sig}", typ=SEAL_TYP, payload=other,
                            value={"a": 1})


def test_loads_plain_parses_without_the_canonical_proof() -> None:
    assert loads_plain(b'{"b": 1, "a": 2}') == {"a": 2, "b": 1}
    for bad in (b'{"a":1.5}', b'{"a":NaN}', b"\xff", b'{"\xf0\x9f\x98\x80":1}', b"[" * 100000):
        with pytest.raises(MalformedError):
            loads_plain(bad)
