"""Checklist forms that travel in a package, office to field.

An assignments package carries the TOML source of every form its audits pin,
as ``forms/<form-id>/<version>.toml`` entries. The entries are not signed
themselves; the signed manifest pins each form's canonical hash (the hash of
its content, whatever the TOML formatting), and a carried form is trusted only
when it parses to exactly that hash.

Receiving is split in two so that nothing is written before everything checks
out: :func:`check_forms` reads and validates every carried form and makes sure
every pinned form is either carried or installed with the pinned hash (it
writes nothing); :func:`install_forms` then installs the new ones with
:func:`certbench.checklists.install_form`.
"""

from __future__ import annotations

from dataclasses import dataclass

from certbench import checklists
from certbench.errors import FormError
from certbench.sync.archive import EntryInfo
from certbench.sync.codes import PackageCode, package_error
from certbench.sync.manifest import Manifest
from certbench.sync.opening import OpenedPackage

__all__ = ["CarriedForm", "carried_form", "check_forms", "form_sources", "install_forms",
           "installed_hash"]


@dataclass(frozen=True, slots=True)
class CarriedForm:
    """One form carried by a package, checked against the signed manifest."""

    id: str
    version: str
    hash: str
    """The canonical hash, equal to the one the manifest pins."""
    text: str
    """The TOML source, as carried."""
    installed: bool
    """True when this installation already has the form with the same hash."""

    @property
    def ref(self) -> str:
        """``id@version``."""
        return f"{self.id}@{self.version}"


def installed_hash(form_id: str, version: str) -> str | None:
    """The hash of form ``form_id@version`` here (bundled or installed), None if absent.

    :raises PackageError: code ``form_conflict`` when the installed copy is
        broken or differs from the bundled form.
    """
    if checklists.form_path(form_id, version) is None:
        return None
    try:
        return checklists.find_form(f"{form_id}@{version}").hash
    except FormError as exc:
        raise package_error(PackageCode.FORM_CONFLICT,
                            f"form {form_id}@{version} is installed here but cannot be used: "
                            f"{exc.message}", form=f"{form_id}@{version}") from exc


def _pinned(manifest: Manifest) -> dict[tuple[str, str], str]:
    return {(f["id"], f["version"]): f["hash"] for f in manifest.forms}


def carried_form(opened: OpenedPackage, entry: EntryInfo) -> CarriedForm:
    """Read, validate and check the form in ``entry`` against the manifest; writes nothing.

    :raises PackageError: ``bad_manifest`` (the manifest does not pin it),
        ``bad_form`` (not a valid form), ``form_mismatch`` (not the pinned id,
        version or hash) or ``form_conflict`` (installed here with other content).
    """
    assert entry.form is not None
    form_id, version = entry.form
    ref = f"{form_id}@{version}"
    pinned = _pinned(opened.manifest).get(entry.form)
    if pinned is None:
        raise package_error(PackageCode.BAD_MANIFEST,
                            f"the package carries form {ref}, which its manifest does not pin",
                            form=ref)
    data = opened.reader.read_form(form_id, version)
    try:
        text = data.decode("utf-8")
        form = checklists.parse_form(text, file=entry.name)
    except UnicodeDecodeError as exc:
        raise package_error(PackageCode.BAD_FORM, f"the carried form {ref} is not UTF-8 text",
                            form=ref) from exc
    except FormError as exc:
        raise package_error(PackageCode.BAD_FORM,
                            f"the carried form {ref} is not a valid form: {exc.message}",
                            form=ref) from exc
    if (form.id, form.version) != (form_id, version):
        raise package_error(PackageCode.FORM_MISMATCH,
                            f"the entry {entry.name!r} holds form {form.ref}, not {ref}", form=ref)
    if form.hash != pinned:
        raise package_error(PackageCode.FORM_MISMATCH,
                            f"the carried form {ref} hashes to {form.hash}, not the {pinned} the "
                            "signed manifest pins: it was altered", form=ref)
    local = installed_hash(form_id, version)
    if local is not None and local != form.hash:
        raise package_error(PackageCode.FORM_CONFLICT,
                            f"form {ref} is installed here with other content (hash {local}); "
                            "a published form never changes, so this package is refused",
                            form=ref)
    return CarriedForm(form_id, version, form.hash, text, installed=local is not None)


def check_forms(opened: OpenedPackage) -> tuple[CarriedForm, ...]:
    """Check every carried form and that every pinned form is carried or installed.

    Also checks that each audit record pins a form the manifest lists. Writes
    nothing.

    :raises PackageError: as :func:`carried_form`, ``bad_manifest``, or
        ``unknown_form`` for a pinned form neither carried nor installed with
        the pinned hash.
    """
    manifest = opened.manifest
    pinned = _pinned(manifest)
    for record in manifest.records:
        if record.type == "audit":
            key = (str(record.data.get("form_id")), str(record.data.get("form_version")))
            if pinned.get(key) != record.data.get("form_hash"):
                raise package_error(PackageCode.BAD_MANIFEST,
                                    f"audit {record.id} pins a form the manifest does not list")
    carried = tuple(carried_form(opened, entry) for entry in opened.reader.forms)
    have = {(c.id, c.version) for c in carried}
    for (form_id, version), form_hash in pinned.items():
        if (form_id, version) in have:
            continue
        local = installed_hash(form_id, version)
        if local != form_hash:
            state = "not installed here" if local is None else "installed here with another hash"
            raise package_error(PackageCode.UNKNOWN_FORM,
                                f"form {form_id} {version} is {state} and the package does not "
                                "carry it", form=f"{form_id}@{version}")
    return carried


def install_forms(carried: tuple[CarriedForm, ...]) -> int:
    """Install the carried forms not yet installed; return how many were new.

    :raises PackageError: ``form_conflict`` if another copy appeared meanwhile.
    """
    new = 0
    for form in carried:
        if form.installed:
            continue
        try:
            checklists.install_form(form.text, expected_hash=form.hash)
        except FormError as exc:
            raise package_error(PackageCode.FORM_CONFLICT,
                                f"form {form.ref} could not be installed: {exc.message}",
                                form=form.ref) from exc
        new += 1
    return new


def form_sources(forms: tuple[tuple[str, str, str], ...]) -> list[tuple[str, str, bytes]]:
    """``(id, version, TOML bytes)`` of each ``(id, version, pinned hash)``, for export.

    :raises PackageError: ``unknown_form`` when a form is not installed here,
        ``form_mismatch`` when the installed form does not hash to the pinned hash.
    """
    out = []
    for form_id, version, pinned in forms:
        ref = f"{form_id}@{version}"
        try:
            text = checklists.form_source(form_id, version)
            form = checklists.parse_form(text, file=ref)
        except FormError as exc:
            raise package_error(PackageCode.UNKNOWN_FORM,
                                f"form {ref} cannot be packed: {exc.message}", form=ref) from exc
        if form.hash != pinned:
            raise package_error(PackageCode.FORM_MISMATCH,
                                f"the installed form {ref} hashes to {form.hash}, not the "
                                f"{pinned} its audits pin", form=ref)
        out.append((form_id, version, text.encode("utf-8")))
    return out
