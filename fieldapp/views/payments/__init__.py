"""Payments: what the customer pays for a visit's billable work, recorded by the office on the
case page (a section of it)."""
from fieldapp.views.payments import case

BLUEPRINTS = (case.bp,)
