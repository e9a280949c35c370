"""The desktop workbench: the only part of certbench that imports PySide6.

Entry points: :func:`certbench.gui.app.main` (the workbench) and
:func:`certbench.gui.verify_window.main` (the standalone verifier).
"""
