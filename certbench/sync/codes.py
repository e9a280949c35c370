"""Machine codes of every refusal a field package can meet.

Each :class:`~certbench.errors.PackageError` raised by :mod:`certbench.sync`
carries one of these in ``context["code"]``, so the CLI, the GUI and the tests
can tell the reasons apart without parsing the English message.
"""

from __future__ import annotations

import enum

from certbench.errors import PackageError

__all__ = ["PackageCode", "package_error"]


class PackageCode(enum.StrEnum):
    """Why a package was refused."""

    NOT_A_PACKAGE = "not_a_package"
    TRUNCATED = "truncated"
    UNKNOWN_VERSION = "unknown_version"
    TOO_MANY_ENTRIES = "too_many_entries"
    TOO_LARGE = "too_large"
    COMPRESSION_RATIO = "compression_ratio"
    PATH_TRAVERSAL = "path_traversal"
    ABSOLUTE_PATH = "absolute_path"
    BACKSLASH = "backslash"
    DRIVE_LETTER = "drive_letter"
    BAD_NAME = "bad_name"
    NON_UTF8_NAME = "non_utf8_name"
    DUPLICATE_NAME = "duplicate_name"
    LINK = "link"
    DIRECTORY = "directory"
    SPECIAL_FILE = "special_file"
    UNEXPECTED_ENTRY = "unexpected_entry"
    MISSING_ENTRY = "missing_entry"
    ENCRYPTED_ENTRY = "encrypted_entry"
    UNSUPPORTED_COMPRESSION = "unsupported_compression"
    OVERLAPPING_ENTRIES = "overlapping_entries"
    SIZE_MISMATCH = "size_mismatch"
    CORRUPT_ENTRY = "corrupt_entry"
    HASH_MISMATCH = "hash_mismatch"
    WRONG_RECIPIENT = "wrong_recipient"
    DAMAGED = "damaged"
    NOT_ENCRYPTED = "not_encrypted"
    BAD_MANIFEST = "bad_manifest"
    BAD_SIGNATURE = "bad_signature"
    UNKNOWN_SENDER = "unknown_sender"
    UNKNOWN_DEVICE = "unknown_device"
    SENDER_NOT_ALLOWED = "sender_not_allowed"
    UNKNOWN_FORM = "unknown_form"
    BAD_FORM = "bad_form"
    """A carried form is not a valid checklist form."""
    FORM_MISMATCH = "form_mismatch"
    """A carried form is not the one the signed manifest pins (hash, id or version)."""
    FORM_CONFLICT = "form_conflict"
    """A form's id and version exist here with other content (published forms never change)."""
    CANCELLED = "cancelled"


def package_error(code: PackageCode, message: str, **context: object) -> PackageError:
    """A :class:`PackageError` with ``context["code"] == code`` (a plain ``str``)."""
    return PackageError(message, code=str(code), **context)
