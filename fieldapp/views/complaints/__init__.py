"""Complaints: the office's queue, and the complaints section of the case page."""
from fieldapp.views.complaints import queue

BLUEPRINTS = (queue.bp,)
