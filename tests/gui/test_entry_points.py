"""The command-line entry points of the GUI: clear messages instead of a Qt abort."""

from __future__ import annotations

import os
import subprocess
import sys

from certbench.gui.verify_window import looks_like_jws


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    return subprocess.run([sys.executable, "-m", "certbench", *args], capture_output=True,
                          text=True, env=env, timeout=60, check=False)


def test_gui_without_a_display_explains_instead_of_aborting() -> None:
    result = _run("gui")
    assert result.returncode == 2
    assert "no display" in result.stderr
    assert "QT_QPA_PLATFORM" in result.stderr


def test_verify_gui_without_a_display_explains_instead_of_aborting() -> None:
    result = _run("verify", "--gui")
    assert result.returncode == 2
    assert "no display" in result.stderr


def test_verify_without_input_is_a_usage_error() -> None:
    result = _run("verify")
    assert result.returncode == 2
    assert "required" in result.stderr


def test_verify_accepts_a_jws_longer_than_a_file_name(issued_files) -> None:
    result = _run("verify", issued_files.jws, "--trust", str(issued_files.trust))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "VALID" in result.stdout


def test_jws_is_told_apart_from_a_path(issued_files) -> None:
    assert looks_like_jws(issued_files.jws)
    assert not looks_like_jws(str(issued_files.seal))
    assert not looks_like_jws("certificate.v1.pdf")
