"""The audit lifecycle, the four-eyes rule and certificate status: the one public API.

Every transition is checked here (in :mod:`certbench.services`), never only in
a user interface::

    draft -> in_progress -> submitted -> (returned -> in_progress) | approved -> certified
    certificate: valid -> suspended -> valid | revoked, and expired by date

* :mod:`certbench.services.bodies`: the body, users, personal keys, :class:`Actor`;
* :mod:`certbench.services.audits`: merchants, audits, submit/return/approve with
  the assessor's signature and the reviewer's countersignature, complaints;
* :mod:`certbench.services.issuing`: crash-safe issuing and the published registry;
* :mod:`certbench.services.lifecycle`: suspend, reinstate, revoke, expiry, surveillance.

Content edits go through :mod:`certbench.edits`.
"""

from __future__ import annotations

from certbench.services.audits import (
    APPROVAL_TYP,
    RECORD_TYP,
    SignedAudit,
    add_complaint,
    add_evidence_file,
    add_merchant,
    add_sample,
    approve,
    audit_grade,
    audit_record,
    audit_summary,
    check_four_eyes,
    confirm,
    find_audit,
    find_merchant,
    import_ratings,
    link_complaint,
    list_merchants,
    open_audit,
    rate,
    return_audit,
    submit,
)
from certbench.services.bodies import (
    Actor,
    BodyPaths,
    InitResult,
    UserRow,
    add_user,
    authenticate,
    body_paths,
    change_passphrase,
    get_body,
    init_body,
    list_users,
    require_role,
)
from certbench.services.issuing import (
    IssuedCertificate,
    add_months,
    check_issuance,
    issue_certificate,
    load_issuer_key,
    publish_registry,
    recover,
)
from certbench.services.lifecycle import (
    CertificateRow,
    change_status,
    effective_status,
    expire_certificates,
    find_certificate,
    list_certificates,
    next_surveillance,
)

__all__ = [
    "APPROVAL_TYP",
    "RECORD_TYP",
    "Actor",
    "BodyPaths",
    "CertificateRow",
    "InitResult",
    "IssuedCertificate",
    "SignedAudit",
    "UserRow",
    "add_complaint",
    "add_evidence_file",
    "add_merchant",
    "add_months",
    "add_sample",
    "add_user",
    "approve",
    "audit_grade",
    "audit_record",
    "audit_summary",
    "authenticate",
    "body_paths",
    "change_passphrase",
    "change_status",
    "check_four_eyes",
    "check_issuance",
    "confirm",
    "effective_status",
    "expire_certificates",
    "find_audit",
    "find_certificate",
    "find_merchant",
    "get_body",
    "import_ratings",
    "init_body",
    "issue_certificate",
    "link_complaint",
    "list_certificates",
    "list_merchants",
    "list_users",
    "load_issuer_key",
    "next_surveillance",
    "open_audit",
    "publish_registry",
    "rate",
    "recover",
    "require_role",
    "return_audit",
    "submit",
]
