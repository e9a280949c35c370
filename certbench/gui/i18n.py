"""Translations with Qt's own tools: lupdate -> ``.ts`` -> lrelease -> ``.qm`` -> QTranslator.

``python -m certbench.gui.i18n update`` extracts every ``tr()`` string from
``certbench/gui/*.py`` and every string of ``ui/*.ui`` into
``ui/translations/certbench_<lang>.ts``; ``python -m certbench.gui.i18n build``
compiles each ``.ts`` into its ``.qm`` (skipped when the ``.qm`` is newer; the
``.qm`` files are not committed). :func:`install_translators` loads the
language at start-up.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

if TYPE_CHECKING:
    def QT_TRANSLATE_NOOP(context: str, source: str, /) -> str:  # noqa: N802
        """Mark ``source`` for translation in ``context``; returns it unchanged."""
else:  # PySide6's stub types it as returning ``object``
    from PySide6.QtCore import QT_TRANSLATE_NOOP

from certbench import assets

__all__ = [
    "LANGUAGES",
    "QT_TRANSLATE_NOOP",
    "build",
    "extract",
    "install_translators",
    "main",
    "qm_path",
    "remove_translators",
    "translations_dir",
    "ts_path",
    "update",
]

LANGUAGES: dict[str, str] = {"en": "English", "zh_CN": "简体中文"}
"""Languages the workbench ships, code -> name in that language."""

_SOURCE_LANGUAGE = "en"
log = logging.getLogger("certbench.gui")


def translations_dir() -> Path:
    """``ui/translations``: the ``.ts`` sources and the compiled ``.qm`` files."""
    return assets.ui_dir() / "translations"


def ts_path(lang: str) -> Path:
    """The Linguist source for ``lang``."""
    return translations_dir() / f"certbench_{lang}.ts"


def qm_path(lang: str) -> Path:
    """The compiled catalogue for ``lang``."""
    return translations_dir() / f"certbench_{lang}.qm"


def _tool(name: str) -> str:
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} is not installed (pip install PySide6-Essentials)")
    return found


def _translated_languages() -> list[str]:
    return [lang for lang in LANGUAGES if lang != _SOURCE_LANGUAGE]


def build(*, force: bool = False) -> list[Path]:
    """Compile each ``.ts`` whose ``.qm`` is missing or older; return what was written."""
    written = []
    for lang in _translated_languages():
        source, target = ts_path(lang), qm_path(lang)
        if not force and target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
            continue
        subprocess.run([_tool("pyside6-lrelease"), "-silent", str(source), "-qm", str(target)],
                       check=True)
        written.append(target)
    return written


def _sources() -> list[Path]:
    gui = Path(__file__).resolve().parent
    python = sorted(p for p in gui.glob("*.py") if p.name != "__init__.py")
    return [*python, *sorted(assets.ui_dir().glob("*.ui"))]


def extract(target: Path, lang: str) -> None:
    """Merge every translatable string of the GUI into the ``.ts`` file ``target``."""
    sources = [str(p) for p in _sources()]
    subprocess.run([_tool("pyside6-lupdate"), "-silent", "-no-obsolete", "-locations", "none",
                    "-source-language", "en", "-target-language", lang,
                    *sources, "-ts", str(target)], check=True)


def update() -> None:
    """Merge every translatable string of the GUI into each ``.ts`` (obsolete ones dropped)."""
    for lang in _translated_languages():
        extract(ts_path(lang), lang)


def install_translators(app: QCoreApplication, lang: str) -> list[QTranslator]:
    """Install Qt's own and certbench's catalogues for ``lang``; return them (keep them alive).

    English needs none. A missing or stale ``.qm`` is compiled on the spot, so a
    fresh checkout shows Chinese without a build step.
    """
    if lang == _SOURCE_LANGUAGE or lang not in LANGUAGES:
        return []
    try:
        build()  # compiles only what is missing or older than its .ts
    except (OSError, subprocess.CalledProcessError) as exc:
        # An installed copy may have a read-only data folder or no lrelease: use what is there.
        log.warning("cannot compile the %s translations: %s", lang, exc)
    installed = []
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    ours = str(translations_dir())
    for name, folder in ((f"qtbase_{lang}", qt_dir), (f"certbench_{lang}", ours)):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            installed.append(translator)
    QLocale.setDefault(QLocale(lang))
    return installed


def remove_translators(app: QCoreApplication, translators: list[QTranslator]) -> None:
    """Uninstall translators returned by :func:`install_translators`."""
    for translator in translators:
        app.removeTranslator(translator)
    QLocale.setDefault(QLocale(QLocale.Language.English))


def main(argv: list[str] | None = None) -> int:
    """``build [--force]`` or ``update``."""
    parser = argparse.ArgumentParser(prog="python -m certbench.gui.i18n")
    parser.add_argument("action", choices=("build", "update"))
    parser.add_argument("--force", action="store_true", help="rebuild even when up to date")
    args = parser.parse_args(argv)
    if args.action == "update":
        update()
    else:
        build(force=args.force)
    return 0


if __name__ == "__main__":
    sys.exit(main())
