"""Follow-ups: the office's queue, and the follow-ups section of the case page."""
from fieldapp.views.followups import queue

BLUEPRINTS = (queue.bp,)
