"""Reversible edits of an audit, as data.

Every change an assessor makes to an audit's content is one of the frozen
dataclasses below. :func:`apply` performs it in the caller's session, appends
it to the audit's hash-chained journal, and returns the edit that undoes it::

    inverse = apply(SetRating(audit_id, "PAY-02", "fully"), session, actor="li.wei")
    apply(inverse, session, actor="li.wei")        # back to where it was

Applying an edit and then its inverse leaves the audit's content as it was
(only the journal grows). :func:`apply_batch` applies several edits as one
journal event (a spreadsheet import is one event listing every change). The
GUI's undo stack and the CLI's ``audit rate`` both go through here, so the rules
live in one place:

* an audit is editable only while ``draft``, ``in_progress`` or ``returned``;
  the first edit of a draft or returned audit moves it to ``in_progress``;
* ratings must be values of the pinned form's scale, criteria must exist in it;
* re-rating a finding that was carried over from a previous audit confirms it
  (``carried_over`` becomes false) unless the edit says otherwise;
* an edit of a finding may name the ``base_version`` of the finding it was made
  from (``0``: the finding did not exist yet). When the finding's version is no
  longer that one, someone else changed it meanwhile and the edit fails with
  :class:`~certbench.errors.ConflictError` before anything changes. ``None``
  (the default) edits whatever is there. The inverse a finding edit returns
  names the version the edit left, so an undo after someone else's change fails
  the same way instead of overwriting it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, TypeAlias

from certbench.domain import AuditState, Form, Scope
from certbench.errors import ConflictError, FormError, NotFoundError, WorkflowError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from certbench.storage.models import Audit, Finding

__all__ = [
    "EDITABLE_STATES",
    "AttachEvidence",
    "DetachEvidence",
    "Edit",
    "FindingEdit",
    "SetJustification",
    "SetNonconformity",
    "SetNote",
    "SetRating",
    "SetScope",
    "apply",
    "apply_batch",
    "audit_form",
    "form_for",
]

EDITABLE_STATES = frozenset({AuditState.DRAFT, AuditState.IN_PROGRESS, AuditState.RETURNED})
"""States in which an audit's content may change."""


@dataclass(frozen=True, slots=True)
class SetRating:
    """Rate one criterion (``None``: not rated); ``carried_over`` is the flag afterwards."""

    audit_id: str
    criterion_id: str
    rating: str | None
    carried_over: bool = False
    base_version: int | None = None


@dataclass(frozen=True, slots=True)
class SetNote:
    """Replace the assessor's note on one criterion."""

    audit_id: str
    criterion_id: str
    note: str
    base_version: int | None = None


@dataclass(frozen=True, slots=True)
class SetJustification:
    """Replace the justification of one criterion's rating (needed for ``n/a``)."""

    audit_id: str
    criterion_id: str
    justification: str
    base_version: int | None = None


@dataclass(frozen=True, slots=True)
class SetNonconformity:
    """Classify a finding's gap (major, minor, observation or none) and its correction."""

    audit_id: str
    criterion_id: str
    nc_class: str | None
    corrective_action: str = ""
    due_date: date | None = None
    base_version: int | None = None


@dataclass(frozen=True, slots=True)
class SetScope:
    """Replace the audit's scope (it decides which criteria apply)."""

    audit_id: str
    scope: Scope


@dataclass(frozen=True, slots=True)
class AttachEvidence:
    """Attach an evidence record whose object is already in the vault."""

    audit_id: str
    evidence_id: str
    criterion_id: str | None
    sha256: str
    size: int
    media_type: str
    kind: str
    original_filename: str = ""
    source_url: str | None = None
    captured_at: datetime | None = None
    captured_by: str | None = None
    captured_where: str = ""
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DetachEvidence:
    """Remove an evidence record from the audit (the vault object stays)."""

    audit_id: str
    evidence_id: str


FindingEdit: TypeAlias = SetRating | SetNote | SetJustification | SetNonconformity
"""An edit of one finding (it may name the ``base_version`` it was made from)."""

_FINDING_EDITS = (SetRating, SetNote, SetJustification, SetNonconformity)

Edit: TypeAlias = (SetRating | SetNote | SetJustification | SetNonconformity | SetScope
                   | AttachEvidence | DetachEvidence)
"""Any reversible edit."""


@lru_cache(maxsize=16)
def form_for(form_id: str, version: str, form_hash: str) -> Form:
    """The bundled form ``form_id@version``, checked against the hash an audit pinned.

    :raises FormError: the form is missing or no longer hashes to ``form_hash``.
    """
    from certbench.checklists import find_form

    form = find_form(f"{form_id}@{version}")
    if form.hash != form_hash:
        raise FormError(f"form {form_id}@{version} changed since the audit pinned it "
                        f"({form.hash[:12]} != {form_hash[:12]})", file=f"{form_id}@{version}")
    return form


def audit_form(audit: Audit) -> Form:
    """The form ``audit`` is pinned to."""
    return form_for(audit.form_id, audit.form_version, audit.form_hash)


def apply(edit: Edit, session: Session, actor: str, *, reason: str = "") -> Edit:
    """Perform ``edit`` in ``session``, journal it as ``actor``, and return its inverse.

    The change is flushed, not committed: the caller's transaction decides.

    :raises NotFoundError: the audit, finding or evidence does not exist.
    :raises WorkflowError: the audit is not editable, or the edit breaks a rule.
    :raises ConflictError: the finding is no longer at the edit's ``base_version``, or
        (at flush or commit) someone else saved the finding first.
    """
    if isinstance(edit, _FINDING_EDITS) and edit.base_version is not None:
        _check_base(session, edit)
    audit = _editable_audit(session, edit.audit_id, actor)
    handler = _HANDLERS[type(edit)]
    return handler(edit, session, audit, actor, reason)


def _check_base(session: Session, edit: FindingEdit) -> None:
    """Fail unless the finding is still at ``edit.base_version`` (absent: version 0)."""
    import sqlalchemy as sa

    from certbench.storage.models import Finding

    actual = session.scalar(sa.select(Finding.version).where(
        Finding.audit_id == edit.audit_id, Finding.criterion_id == edit.criterion_id)) or 0
    if actual != edit.base_version:
        raise ConflictError(f"{edit.criterion_id} was changed by someone else since you opened "
                            "it: reload", criterion=edit.criterion_id,
                            expected=edit.base_version, actual=actual)


def _editable_audit(session: Session, audit_id: str, actor: str) -> Audit:
    from certbench.journal import append_event
    from certbench.storage.models import Audit

    audit = session.get(Audit, audit_id)
    if audit is None:
        raise NotFoundError(f"no audit {audit_id}", audit_id=audit_id)
    if audit.state not in EDITABLE_STATES:
        raise WorkflowError(f"audit {audit_id[:8]} is {audit.state.value}: it cannot be edited",
                            audit_id=audit_id, state=audit.state.value)
    if audit.state is not AuditState.IN_PROGRESS:
        append_event(session, audit_id, actor=actor, action="state",
                     changes=[("state", audit.state, AuditState.IN_PROGRESS)],
                     reason="first change")
        audit.state = AuditState.IN_PROGRESS
        session.flush()
    return audit


def _finding(session: Session, audit: Audit, criterion_id: str) -> Finding:
    import sqlalchemy as sa

    from certbench.storage.models import Finding

    found = session.scalars(sa.select(Finding).where(
        Finding.audit_id == audit.id, Finding.criterion_id == criterion_id)).one_or_none()
    if found is not None:
        return found
    try:
        audit_form(audit).criterion(criterion_id)
    except KeyError as exc:
        raise NotFoundError(f"{criterion_id!r} is not a criterion of "
                            f"{audit.form_id}@{audit.form_version}",
                            criterion=criterion_id) from exc
    finding = Finding(audit_id=audit.id, criterion_id=criterion_id)
    session.add(finding)
    session.flush()
    return finding


def _journal(session: Session, audit: Audit, actor: str, action: str, *,
             changes: list[tuple[str, object, object]], reason: str) -> None:
    from certbench.journal import append_event

    batch = _BATCH.get()
    if batch is not None:
        batch.extend(changes)
        return
    append_event(session, audit.id, actor=actor, action=action, changes=changes, reason=reason)


_BATCH: ContextVar[list[tuple[str, object, object]] | None] = ContextVar("_BATCH", default=None)


def apply_batch(edits: Sequence[Edit], session: Session, actor: str, *, action: str = "batch",
                reason: str = "") -> list[Edit]:
    """Apply several edits of one audit as one journal event; their inverses, to apply in order.

    An import of a whole ratings sheet is one event listing every change, not
    hundreds. Any failing edit fails the batch (the caller's transaction rolls back).

    :raises WorkflowError: the edits are for more than one audit.
    """
    from certbench.journal import append_event

    if not edits:
        return []
    audit_ids = {e.audit_id for e in edits}
    if len(audit_ids) != 1:
        raise WorkflowError("a batch of edits must concern one audit")
    collected: list[tuple[str, object, object]] = []
    token = _BATCH.set(collected)
    try:
        inverses = [apply(edit, session, actor, reason=reason) for edit in edits]
    finally:
        _BATCH.reset(token)
    if collected:
        append_event(session, audit_ids.pop(), actor=actor, action=action, changes=collected,
                     reason=reason)
    return _first_base_only(inverses[::-1])


def _first_base_only(inverses: list[Edit]) -> list[Edit]:
    """Keep the base version only on the first inverse of each finding.

    A batch may edit one finding several times; its inverses run in order, so
    only the first of each finding can still expect the version the batch left.
    """
    seen: set[str] = set()
    kept: list[Edit] = []
    for inverse in inverses:
        if isinstance(inverse, _FINDING_EDITS):
            repeated = inverse.criterion_id in seen
            seen.add(inverse.criterion_id)
            if repeated:
                kept.append(replace(inverse, base_version=None))
                continue
        kept.append(inverse)
    return kept


def _set_rating(edit: SetRating, session: Session, audit: Audit, actor: str,
                reason: str) -> Edit:
    if edit.rating is not None:
        scale = {v.value for v in audit_form(audit).scale}
        if edit.rating not in scale:
            raise WorkflowError(f"{edit.rating!r} is not a rating of the form "
                                f"(use one of {', '.join(sorted(scale))})", rating=edit.rating)
    finding = _finding(session, audit, edit.criterion_id)
    old_rating, old_carried = finding.rating, bool(finding.carried_over)
    changes: list[tuple[str, object, object]] = [
        (f"{edit.criterion_id}.rating", old_rating, edit.rating)]
    if old_carried != edit.carried_over:
        changes.append((f"{edit.criterion_id}.carried_over", old_carried, edit.carried_over))
    finding.rating = edit.rating
    finding.carried_over = edit.carried_over
    session.flush()
    _journal(session, audit, actor, "rate", changes=changes, reason=reason)
    return SetRating(edit.audit_id, edit.criterion_id, old_rating, old_carried, finding.version)


def _set_note(edit: SetNote, session: Session, audit: Audit, actor: str, reason: str) -> Edit:
    finding = _finding(session, audit, edit.criterion_id)
    old = finding.note
    finding.note = edit.note
    session.flush()
    _journal(session, audit, actor, "note",
             changes=[(f"{edit.criterion_id}.note", old, edit.note)], reason=reason)
    return SetNote(edit.audit_id, edit.criterion_id, old, finding.version)


def _set_justification(edit: SetJustification, session: Session, audit: Audit, actor: str,
                       reason: str) -> Edit:
    finding = _finding(session, audit, edit.criterion_id)
    old = finding.justification
    finding.justification = edit.justification
    session.flush()
    _journal(session, audit, actor, "justify",
             changes=[(f"{edit.criterion_id}.justification", old, edit.justification)],
             reason=reason)
    return SetJustification(edit.audit_id, edit.criterion_id, old, finding.version)


def _set_nonconformity(edit: SetNonconformity, session: Session, audit: Audit, actor: str,
                       reason: str) -> Edit:
    from certbench.storage.models import NonconformityClass

    try:
        new_class = NonconformityClass(edit.nc_class) if edit.nc_class else None
    except ValueError as exc:
        raise WorkflowError(f"{edit.nc_class!r} is not a nonconformity class "
                            "(major, minor, observation)") from exc
    finding = _finding(session, audit, edit.criterion_id)
    old = SetNonconformity(edit.audit_id, edit.criterion_id,
                           finding.nc_class.value if finding.nc_class else None,
                           finding.corrective_action, finding.due_date)
    cid = edit.criterion_id
    finding.nc_class = new_class
    finding.corrective_action = edit.corrective_action
    finding.due_date = edit.due_date
    session.flush()
    _journal(session, audit, actor, "nonconformity", changes=[
        (f"{cid}.nc_class", old.nc_class, edit.nc_class),
        (f"{cid}.corrective_action", old.corrective_action, edit.corrective_action),
        (f"{cid}.due_date", old.due_date, edit.due_date)], reason=reason)
    return replace(old, base_version=finding.version)


def _set_scope(edit: SetScope, session: Session, audit: Audit, actor: str, reason: str) -> Edit:
    old = Scope.from_json(audit.scope)
    audit.scope = edit.scope.to_json()
    session.flush()
    _journal(session, audit, actor, "scope",
             changes=[("scope", old.to_json(), edit.scope.to_json())], reason=reason)
    return SetScope(edit.audit_id, old)


def _attach(edit: AttachEvidence, session: Session, audit: Audit, actor: str,
            reason: str) -> Edit:
    from certbench.storage.models import Evidence, EvidenceKind

    if session.get(Evidence, edit.evidence_id) is not None:
        raise WorkflowError(f"evidence {edit.evidence_id} is already attached")
    if edit.criterion_id is not None:
        _finding(session, audit, edit.criterion_id)  # the criterion must exist
    row = Evidence(id=edit.evidence_id, audit_id=audit.id, criterion_id=edit.criterion_id,
                   sha256=edit.sha256, size=edit.size, media_type=edit.media_type,
                   original_filename=edit.original_filename, kind=EvidenceKind(edit.kind),
                   source_url=edit.source_url, captured_at=edit.captured_at,
                   captured_by=edit.captured_by, captured_where=edit.captured_where)
    if edit.created_at is not None:
        row.created_at = edit.created_at
    session.add(row)
    session.flush()
    _journal(session, audit, actor, "attach_evidence",
             changes=[("evidence", None, {"id": edit.evidence_id, "sha256": edit.sha256,
                                  "criterion": edit.criterion_id,
                                  "file": edit.original_filename})], reason=reason)
    return DetachEvidence(edit.audit_id, edit.evidence_id)


def _detach(edit: DetachEvidence, session: Session, audit: Audit, actor: str,
            reason: str) -> Edit:
    import sqlalchemy as sa

    from certbench.storage.models import Evidence, Finding

    row = session.get(Evidence, edit.evidence_id)
    if row is None or row.audit_id != audit.id:
        raise NotFoundError(f"no evidence {edit.evidence_id} in audit {audit.id[:8]}",
                            evidence_id=edit.evidence_id)
    closing = session.scalar(sa.select(sa.func.count()).select_from(Finding)
                             .where(Finding.closing_evidence_id == row.id))
    if closing:
        raise WorkflowError("this evidence closes a corrective action; it cannot be detached")
    inverse = AttachEvidence(
        edit.audit_id, row.id, row.criterion_id, row.sha256, row.size, row.media_type,
        row.kind.value, row.original_filename, row.source_url, row.captured_at,
        row.captured_by, row.captured_where, row.created_at)
    session.delete(row)
    session.flush()
    _journal(session, audit, actor, "detach_evidence",
             changes=[("evidence", {"id": row.id, "sha256": row.sha256,
                                    "criterion": row.criterion_id,
                                    "file": row.original_filename}, None)], reason=reason)
    return inverse


_Handler = Callable[..., Edit]
_HANDLERS: dict[type, _Handler] = {
    SetRating: _set_rating,
    SetNote: _set_note,
    SetJustification: _set_justification,
    SetNonconformity: _set_nonconformity,
    SetScope: _set_scope,
    AttachEvidence: _attach,
    DetachEvidence: _detach,
}
