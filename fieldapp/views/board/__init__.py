"""The dispatcher's board: the queue and the technicians' lanes."""
from fieldapp.views.board import board

BLUEPRINTS = (board.bp,)
