"""Mail: the office's outbox, and answering a customer by email from the case page."""
from fieldapp.views.mail import answers, outbox

BLUEPRINTS = (outbox.bp, answers.bp)
