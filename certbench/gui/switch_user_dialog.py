"""Act as another user: pick the user, prove it with the passphrase of their personal key.

The passphrase is checked by :func:`certbench.services.bodies.authenticate`,
which decrypts the user's key file with :func:`certbench.certify.keys.load_key`
and checks it is the key registered for them; the decrypted key is not kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QWidget

from certbench.gui.context import AppContext
from certbench.gui.forms.ui_switch_user_dialog import Ui_SwitchUserDialog
from certbench.gui.tasks import Op

if TYPE_CHECKING:
    from certbench.storage import Database

__all__ = ["SwitchUserDialog", "UserChoice", "list_users", "unlock_user"]


@dataclass(frozen=True)
class UserChoice:
    """A user who can be switched to."""

    name: str
    display_name: str


def list_users(db: Database) -> list[UserChoice]:
    """Active users who have a personal key (database thread)."""
    from certbench.services import bodies

    with db.session() as session:
        return [UserChoice(u.name, u.display_name) for u in bodies.list_users(session)
                if u.active and u.key_id]


def unlock_user(db: Database, name: str, passphrase: str) -> str:
    """Check ``passphrase`` opens ``name``'s personal key; return the name (database thread).

    :raises WrongPassphraseError: it does not.
    :raises KeyStoreError: the key file is missing or is not the registered key.
    """
    from certbench.services.bodies import authenticate

    with db.session() as session:
        return authenticate(session, name, passphrase).name


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
        assert db is not None, "switching user needs an open database"
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
        db, name = self.context.db, choice.name
        assert db is not None
        (Op(self, lambda: unlock_user(db, name, passphrase), tasks=self.context.tasks)
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
