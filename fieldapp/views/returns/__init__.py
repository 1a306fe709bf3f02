"""Returns and refunds: the office's queue, and the returns section of the case page."""
from fieldapp.views.returns import queue

BLUEPRINTS = (queue.bp,)
