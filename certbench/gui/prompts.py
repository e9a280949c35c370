"""Small modal prompts shared by the screens."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

__all__ = ["ask_passphrase"]


def ask_passphrase(parent: QWidget | None, title: str, label: str) -> str | None:
    """Ask for a passphrase (hidden input); None when cancelled. Tests patch this."""
    text, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Password)
    return text if ok else None
