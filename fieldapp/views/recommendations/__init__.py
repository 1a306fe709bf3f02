"""Recommendations: the technician's, from a visit (a section of the visit page), and what the
office does with each (a section of the case page)."""
from fieldapp.views.recommendations import case, visit

BLUEPRINTS = (visit.bp, case.bp)
