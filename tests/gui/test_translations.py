"""Every string the GUI shows is translated into Simplified Chinese, with the same placeholders."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QCoreApplication

from certbench.gui import i18n

PLACEHOLDER = re.compile(r"%(?:\d|n|Ln)")


def _messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    root = ET.parse(ts).getroot()
    return {(ctx.findtext("name"), m.findtext("source")): m
            for ctx in root.iter("context") for m in ctx.iter("message")}


def _translation_text(message: ET.Element) -> str:
    node = message.find("translation")
    forms = [f.text or "" for f in node.iter("numerusform")]
    return " ".join(forms) if forms else (node.text or "")


def test_every_message_has_a_finished_chinese_translation() -> None:
    messages = _messages(i18n.ts_path("zh_CN"))
    assert len(messages) > 100
    unfinished = [key for key, m in messages.items()
                  if m.find("translation").get("type") in ("unfinished", "vanished", "obsolete")
                  or not _translation_text(m).strip()]
    assert unfinished == []


def test_translations_keep_the_placeholders() -> None:
    for (context, source), message in _messages(i18n.ts_path("zh_CN")).items():
        translated = _translation_text(message)
        if message.find("translation").get("type") == "unfinished":
            continue  # reported by the completeness test
        assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(translated)), (
            context, source, translated)


def test_every_string_in_the_code_and_forms_is_in_the_ts(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.ts"
    i18n.extract(fresh, "zh_CN")
    in_code = set(_messages(fresh))
    committed = set(_messages(i18n.ts_path("zh_CN")))
    assert in_code, "lupdate found nothing"
    assert in_code - committed == set(), "run python -m certbench.gui.i18n update and translate"
    assert committed - in_code == set(), "the .ts has strings the code no longer uses"


def test_build_compiles_and_the_catalogue_translates(qapp) -> None:
    i18n.build(force=True)
    assert i18n.qm_path("zh_CN").exists()
    assert i18n.build() == []  # up to date: nothing to do
    translators = i18n.install_translators(qapp, "zh_CN")
    try:
        assert QCoreApplication.translate("MainWindow", "Merchants") == "商户"
        assert QCoreApplication.translate("Verdict", "TAMPERED") == "已被篡改"
    finally:
        i18n.remove_translators(qapp, translators)
    assert QCoreApplication.translate("MainWindow", "Merchants") == "Merchants"


def test_start_up_survives_a_catalogue_that_cannot_be_compiled(qapp, monkeypatch) -> None:
    def read_only(**_kwargs):
        raise PermissionError(13, "Permission denied", str(i18n.qm_path("zh_CN")))

    monkeypatch.setattr(i18n, "build", read_only)
    translators = i18n.install_translators(qapp, "zh_CN")
    try:
        assert translators  # the existing catalogue (or Qt's own) is still loaded
    finally:
        i18n.remove_translators(qapp, translators)
