"""UI preferences in QSettings, behind typed accessors with central defaults.

Only UI state lives here (language, database URL the window opens, current
user, geometry, last folders); domain configuration lives in the database.
Tests inject ``QSettings(path, QSettings.Format.IniFormat)`` so that nothing
touches the real user settings.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow, QWidget

__all__ = ["Settings"]

_DEFAULT_LANGUAGE = "en"


class Settings:
    """Typed view of one ``QSettings`` store."""

    def __init__(self, store: QSettings | None = None) -> None:
        self.store = store if store is not None else QSettings()

    # -- plain values ------------------------------------------------------
    def _get_str(self, key: str, default: str = "") -> str:
        value = self.store.value(key, default)
        return value if isinstance(value, str) else default

    def _set(self, key: str, value: object) -> None:
        self.store.setValue(key, value)
        self.store.sync()

    @property
    def language(self) -> str:
        """UI language code, ``en`` or ``zh_CN``."""
        return self._get_str("ui/language", _DEFAULT_LANGUAGE)

    @language.setter
    def language(self, value: str) -> None:
        self._set("ui/language", value)

    @property
    def database_url(self) -> str:
        """The database the workbench opens; empty means the embedded SQLite."""
        return self._get_str("database/url")

    @database_url.setter
    def database_url(self, value: str) -> None:
        self._set("database/url", value)

    @property
    def current_user(self) -> str:
        """Login name of the user the workbench acts as; empty when none chosen yet."""
        return self._get_str("session/user")

    @current_user.setter
    def current_user(self, value: str) -> None:
        self._set("session/user", value)

    def last_directory(self, purpose: str) -> str:
        """The folder last used for ``purpose`` (``verify``, ``database``...)."""
        return self._get_str(f"dirs/{purpose}")

    def set_last_directory(self, purpose: str, folder: str) -> None:
        """Remember ``folder`` for ``purpose``."""
        self._set(f"dirs/{purpose}", folder)

    def string_list(self, key: str) -> list[str]:
        """A list of strings, read defensively (QSettings returns a str for one item)."""
        value = self.store.value(key, [])
        if isinstance(value, str):
            return [value] if value else []
        if isinstance(value, list):
            return [str(v) for v in value]
        return []

    def set_string_list(self, key: str, values: list[str]) -> None:
        """Store a list of strings."""
        self._set(key, list(values))

    # -- geometry ----------------------------------------------------------
    def save_geometry(self, widget: QWidget, key: str) -> None:
        """Remember ``widget``'s geometry (and a main window's dock/toolbar state)."""
        self.store.setValue(f"geometry/{key}", widget.saveGeometry())
        if isinstance(widget, QMainWindow):
            self.store.setValue(f"state/{key}", widget.saveState())
        self.store.sync()

    def restore_geometry(self, widget: QWidget, key: str) -> bool:
        """Restore what :meth:`save_geometry` stored; False when nothing was stored."""
        geometry = self.store.value(f"geometry/{key}")
        if not isinstance(geometry, QByteArray) or not widget.restoreGeometry(geometry):
            return False
        state = self.store.value(f"state/{key}")
        if isinstance(widget, QMainWindow) and isinstance(state, QByteArray):
            widget.restoreState(state)
        return True
