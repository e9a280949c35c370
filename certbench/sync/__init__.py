"""Field packages: signed, encrypted zip files that carry audits between devices.

The public entry points (each in its own module, imported where needed so that
the container and envelope code stay free of the database):

* :func:`certbench.sync.exporter.export_package`: audits (field to office) or
  assignments (office to field, with the TOML source of every form they pin)
  into a package, signed with the sender's key and encrypted to the receiver's;
* :func:`certbench.sync.inspection.inspect_package`: what a package holds, who
  sent it, whether it verifies; writes nothing;
* :func:`certbench.sync.importer.import_package`: verify everything, install the
  carried forms this installation lacks (:mod:`certbench.sync.forms`), then
  apply in one transaction; importing twice changes nothing;
* :func:`certbench.sync.conflicts.list_conflicts` and
  :func:`certbench.sync.conflicts.resolve_conflict`: records edited on both sides;
* :mod:`certbench.sync.devices`: this database's device id and the devices it
  accepts packages from.

Long operations take ``progress(fraction, label)`` and ``cancelled()`` plain
callables and run on a worker thread. Every refusal is a
:class:`~certbench.errors.PackageError` with a machine code in
``context["code"]`` (:class:`certbench.sync.codes.PackageCode`).

Lower layers: :mod:`~certbench.sync.archive` (the zip container and its
defences), :mod:`~certbench.sync.envelope` (chunked ECDH P-256 + HKDF +
AES-256-GCM), :mod:`~certbench.sync.manifest`, :mod:`~certbench.sync.records`
(content and revisions), :mod:`~certbench.sync.apply` (records, conflicts,
journal).
"""

from __future__ import annotations

__all__: list[str] = []
