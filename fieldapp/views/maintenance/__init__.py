"""Maintenance: the planner of what falls due, and the maintenance cases open."""
from fieldapp.views.maintenance import planner

BLUEPRINTS = (planner.bp,)
