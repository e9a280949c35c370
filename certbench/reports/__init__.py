"""Reports and spreadsheets: audit report and public summary (PDF), exports, imports, analytics.

Submodules import reportlab, pandas and openpyxl lazily, so importing this
package costs nothing at start-up:

- :mod:`~certbench.reports.data`: the plain records documents are rendered from;
- :mod:`~certbench.reports.documents`: the audit report and the public summary;
- :mod:`~certbench.reports.tables`: column contracts and CSV/XLSX writers;
- :mod:`~certbench.reports.imports`: validated spreadsheet and CSV imports;
- :mod:`~certbench.reports.analytics`: pure figures for the dashboard;
- :mod:`~certbench.reports.loaders`: the records, built from the database.
"""

from __future__ import annotations

__all__: list[str] = []
