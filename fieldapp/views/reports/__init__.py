"""Reports: the case's After-Sale Services Report (page, PDF, email), the improvement dashboard,
the corrective-action log, and the CSV exports."""
from fieldapp.views.reports import dashboard, exports, improvements, report

BLUEPRINTS = (report.bp, exports.bp, dashboard.bp, improvements.bp)
