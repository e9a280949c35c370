"""Reports and spreadsheets: audit report and public summary (PDF), exports, imports, analytics.

Submodules import reportlab, pandas, openpyxl and SQLAlchemy lazily or only
where they are needed, so importing this package costs nothing at start-up:

- :mod:`~certbench.reports.data`: the plain records documents are rendered from;
- :mod:`~certbench.reports.documents`: the audit report and the public summary
  (with :mod:`~certbench.reports.sections`, :mod:`~certbench.reports.pdfkit` and
  the template reader :mod:`~certbench.reports.template`);
- :mod:`~certbench.reports.rows` and :mod:`~certbench.reports.tables`: the export
  records, their column contracts and the CSV/XLSX writers;
- :mod:`~certbench.reports.sheets`, :mod:`~certbench.reports.imports` and
  :mod:`~certbench.reports.ratings_sheet`: validated imports and the ratings template;
- :mod:`~certbench.reports.analytics`: pure figures for the dashboard;
- :mod:`~certbench.reports.loaders` and :mod:`~certbench.reports.report_loader`:
  the records, built from the database.
"""

from __future__ import annotations

__all__: list[str] = []
