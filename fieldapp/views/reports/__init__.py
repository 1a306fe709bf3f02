"""Reports: the case's After-Sale Services Report (page, PDF, email), the improvement dashboard,
and the CSV exports."""
from fieldapp.views.reports import dashboard, exports, report

BLUEPRINTS = (report.bp, exports.bp, dashboard.bp)
