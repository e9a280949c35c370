"""The certbench exception tree.

Every error the core raises on purpose is a :class:`CertbenchError`; the GUI shows
its ``message`` in a warning box, the CLI prints it and exits non-zero. Anything
else is a bug and gets a traceback.

::

    CertbenchError
    ├── FormError                 a checklist file is malformed or invalid
    ├── GradingError              ratings that cannot be graded against the form
    ├── KeyStoreError             a key file is missing, unreadable or has the wrong passphrase
    │   └── WrongPassphraseError
    ├── SigningError              a seal or PDF could not be signed
    ├── VerificationError         a seal, PDF or registry failed a check
    │   ├── MalformedError
    │   ├── SealMismatchError
    │   └── SignatureInvalidError
    ├── RegistryError             the registry log is inconsistent or cannot be written
    ├── StorageError              the database refused or lost an operation
    │   ├── NotFoundError
    │   └── ConflictError         optimistic lock: someone else saved first
    ├── EvidenceError             the evidence vault cannot store or find an object
    ├── WorkflowError             a lifecycle transition is not allowed
    │   └── FourEyesError         a reviewer tried to approve an audit they assessed
    ├── JournalError              the hash chain of an audit's journal is broken
    ├── PackageError              a field package is hostile, damaged or not for us
    ├── ImportDataError           a spreadsheet or CSV has bad rows (nothing was imported)
    └── ExportError               a report or spreadsheet could not be written
"""

from __future__ import annotations

__all__ = [
    "CertbenchError",
    "ConflictError",
    "EvidenceError",
    "ExportError",
    "FormError",
    "FourEyesError",
    "GradingError",
    "ImportDataError",
    "JournalError",
    "KeyStoreError",
    "MalformedError",
    "NotFoundError",
    "PackageError",
    "RegistryError",
    "SealMismatchError",
    "SignatureInvalidError",
    "SigningError",
    "StorageError",
    "VerificationError",
    "WorkflowError",
    "WrongPassphraseError",
]


class CertbenchError(Exception):
    """Root of every error certbench raises on purpose."""

    def __init__(self, message: str, **context: object) -> None:
        super().__init__(message)
        self.message = message
        """One line for the user, in English; the GUI may map ``type(self)`` to a translation."""
        self.context = context
        """Structured details (file, key path, row, criterion...) for callers and tests."""


class FormError(CertbenchError):
    """A checklist file is malformed or fails validation."""

    def __init__(self, message: str, *, file: str = "", path: str = "", **context: object) -> None:
        where = ": ".join(p for p in (file, path) if p)
        super().__init__(f"{where}: {message}" if where else message, **context)
        self.file = file
        self.path = path
        self.problem = message


class GradingError(CertbenchError):
    """Ratings that cannot be graded against the given form."""


class KeyStoreError(CertbenchError):
    """A key file is missing, unreadable, or not a certbench key."""


class WrongPassphraseError(KeyStoreError):
    """The passphrase does not open the key."""


class SigningError(CertbenchError):
    """A seal, PDF or registry head could not be signed."""


class VerificationError(CertbenchError):
    """A seal, PDF, package or registry failed a check."""


class MalformedError(VerificationError):
    """The input is not a well-formed seal, JWS, PDF or registry."""


class SealMismatchError(VerificationError):
    """Two copies of a seal that must agree do not (QR vs attachment, hash vs payload)."""


class SignatureInvalidError(VerificationError):
    """A signature does not verify under the key it names."""


class RegistryError(CertbenchError):
    """The registry log is inconsistent, or an entry cannot be appended."""


class StorageError(CertbenchError):
    """The database refused or could not complete an operation."""


class NotFoundError(StorageError):
    """No record with that id or name."""


class ConflictError(StorageError):
    """Someone else saved the record first (optimistic locking); reload and retry."""


class EvidenceError(CertbenchError):
    """The evidence vault cannot store, find or verify an object."""


class WorkflowError(CertbenchError):
    """A lifecycle transition is not allowed in the record's state or for this user."""


class FourEyesError(WorkflowError):
    """A reviewer tried to approve an audit they took part in."""


class JournalError(CertbenchError):
    """An audit's journal hash chain is broken (edited, deleted or reordered events)."""


class PackageError(CertbenchError):
    """A field package is hostile, damaged, unsigned, or not addressed to this body."""


class ImportDataError(CertbenchError):
    """A spreadsheet or CSV has invalid rows; nothing was imported.

    ``context["problems"]`` lists ``(row, column, problem)`` tuples.
    """


class ExportError(CertbenchError):
    """A report or spreadsheet could not be written."""
