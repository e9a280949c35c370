"""Field packages: signed, encrypted zip files that carry audits between devices.

The container and its defences live in :mod:`certbench.sync.archive`, the
encryption envelope in :mod:`certbench.sync.envelope`.
"""

from __future__ import annotations

__all__: list[str] = []
