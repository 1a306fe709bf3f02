"""Cases: the case page and the dispatcher's actions on it, new requests at the desk (intake),
and booking, moving and cancelling visits."""
from fieldapp.views.cases import actions, booking, intake

BLUEPRINTS = (intake.bp, actions.bp, booking.bp)
