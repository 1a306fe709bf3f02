"""Visits, the technician's side: Today, the visit page and its steps, parts and photos, the
hand-over to the customer, and work without signal."""
from fieldapp.views.visits import day, handover, offline, parts, photos, steps

BLUEPRINTS = (day.bp, steps.bp, parts.bp, photos.bp, handover.bp, offline.bp)
