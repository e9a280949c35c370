"""The generated forms match their Designer sources, and every form builds."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget

from certbench import assets
from certbench.gui import build_forms

UI_FILES = sorted(assets.ui_dir().glob("*.ui"))


def _body(path: Path) -> list[str]:
    """The generated code without the ``#`` header, which names the uic version."""
    return [line for line in path.read_text(encoding="utf-8").splitlines()
            if not line.startswith("#")]


@pytest.mark.parametrize("source", UI_FILES, ids=lambda p: p.name)
def test_committed_form_matches_its_ui_file(source: Path, tmp_path: Path) -> None:
    regenerated = tmp_path / f"ui_{source.stem}.py"
    build_forms.compile_form(source, regenerated)
    committed = build_forms.output_for(source, build_forms.forms_dir())
    assert committed.exists(), f"run python -m certbench.gui.build_forms for {source.name}"
    assert _body(committed) == _body(regenerated), (
        f"{committed.name} is stale: run python -m certbench.gui.build_forms")


def test_every_generated_form_has_a_source() -> None:
    generated = {p.stem.removeprefix("ui_") for p in build_forms.forms_dir().glob("ui_*.py")}
    assert generated == {p.stem for p in UI_FILES}


@pytest.mark.parametrize("source", UI_FILES, ids=lambda p: p.name)
def test_form_sets_up_on_its_widget_class(source: Path, qtbot) -> None:
    module = importlib.import_module(f"certbench.gui.forms.ui_{source.stem}")
    ui_class = next(getattr(module, n) for n in dir(module) if n.startswith("Ui_"))
    base = {"MainWindow": "QMainWindow"}.get(ui_class.__name__.removeprefix("Ui_"))
    from PySide6 import QtWidgets

    top_class = source.read_text(encoding="utf-8").split('<widget class="', 1)[1].split('"')[0]
    widget: QWidget = getattr(QtWidgets, base or top_class)()
    qtbot.addWidget(widget)
    ui_class().setupUi(widget)
    assert widget.objectName() == ui_class.__name__.removeprefix("Ui_")


def test_out_of_date_compares_modification_times(tmp_path: Path) -> None:
    source, target = tmp_path / "x.ui", tmp_path / "ui_x.py"
    source.write_text("<ui/>", encoding="utf-8")
    assert build_forms.out_of_date(source, target)
    target.write_text("", encoding="utf-8")
    import os

    os.utime(source, (1_000, 1_000))
    os.utime(target, (2_000, 2_000))
    assert not build_forms.out_of_date(source, target)
    os.utime(source, (3_000, 3_000))
    assert build_forms.out_of_date(source, target)
