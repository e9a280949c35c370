"""Act as another user: pick the user, prove it with the passphrase of their personal key.

The passphrase is checked by decrypting the user's key file with
:func:`certbench.certify.keys.load_key`; the decrypted key is not kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QWidget

from certbench.gui.context import AppContext
from certbench.gui.forms.ui_switch_user_dialog import Ui_SwitchUserDialog
from certbench.gui.tasks import Op

if TYPE_CHECKING:
    from certbench.storage import Database

__all__ = ["SwitchUserDialog", "UserChoice", "find_user_key", "list_users", "unlock_user"]


@dataclass(frozen=True)
class UserChoice:
    """A user who can be switched to."""

    name: str
    display_name: str
    key_id: str


def list_users(db: Database) -> list[UserChoice]:
    """Active users who have a personal key (database thread)."""
    from certbench.storage import User

    with db.session() as session:
        users = session.query(User).filter(User.active.is_(True)).order_by(User.name).all()
        return [UserChoice(u.name, u.display_name, u.key_id) for u in users if u.key_id]


def find_user_key(key_id: str, folder: Path | None = None) -> Path:
    """The key file in ``folder`` (default: the key folder) holding the key ``key_id``.

    :raises KeyStoreError: no key file there holds it.
    """
    from certbench.certify.keys import default_key_dir, read_public
    from certbench.errors import KeyStoreError

    folder = folder or default_key_dir()
    for path in sorted(folder.glob("*.key")):
        try:
            if read_public(path).kid == key_id:
                return path
        except KeyStoreError:
            continue
    raise KeyStoreError(f"no key file for key {key_id[:12]}… in {folder}", path=str(folder))


def unlock_user(choice: UserChoice, passphrase: str) -> str:
    """Check ``passphrase`` opens ``choice``'s key; return the user's name (worker thread).

    :raises WrongPassphraseError: it does not.
    :raises KeyStoreError: the key file is missing or is not this user's.
    """
    from certbench.certify.keys import load_key

    load_key(find_user_key(choice.key_id), passphrase)
    return choice.name


class SwitchUserDialog(QDialog):
    """Choose the user to act as."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.ui = Ui_SwitchUserDialog()
        self.ui.setupUi(self)
        self.chosen: str | None = None
        self.ui.button_box.accepted.connect(self._on_ok_clicked)
        db = context.db
        (Op(self, lambda: list_users(db), tasks=context.tasks)
         .success(self._on_users_loaded)
         .run())

    @classmethod
    def ask(cls, parent: QWidget | None, context: AppContext) -> str | None:
        """Run the dialog; the user's name once their passphrase was right, else None."""
        dialog = cls(context, parent)
        dialog.exec()
        return dialog.chosen

    def _on_users_loaded(self, users: list[UserChoice]) -> None:
        combo = self.ui.user_combo
        for user in users:
            label = f"{user.display_name} ({user.name})" if user.display_name else user.name
            combo.addItem(label, user)
        current = combo.findText(f"({self.context.user})", flags=Qt.MatchFlag.MatchEndsWith)
        combo.setCurrentIndex(max(current, 0))
        if not users:
            self.ui.error_label.setText(self.tr("No user with a personal key exists yet."))

    def _on_ok_clicked(self) -> None:
        choice = self.ui.user_combo.currentData()
        if not isinstance(choice, UserChoice):
            return
        passphrase = self.ui.passphrase_edit.text()
        self.ui.error_label.setText(self.tr("Checking the passphrase…"))
        self.ui.button_box.setEnabled(False)
        (Op(self, lambda: unlock_user(choice, passphrase), db=False, tasks=self.context.tasks)
         .success(self._on_unlocked)
         .failure(self._on_unlock_failed)
         .run())

    def _on_unlocked(self, name: str) -> None:
        self.chosen = name
        self.accept()

    def _on_unlock_failed(self, exception: BaseException) -> None:
        from certbench.errors import WrongPassphraseError

        self.ui.button_box.setEnabled(True)
        self.ui.passphrase_edit.selectAll()
        if isinstance(exception, WrongPassphraseError):
            self.ui.error_label.setText(self.tr("Wrong passphrase."))
        else:
            self.ui.error_label.setText(getattr(exception, "message", None) or str(exception))
