"""The workbench's services: bodies and users, audits and four-eyes, issuing, lifecycle.

:mod:`certbench.workflow` re-exports the public API; the GUI and the CLI call it.
"""

from __future__ import annotations

__all__: list[str] = []
