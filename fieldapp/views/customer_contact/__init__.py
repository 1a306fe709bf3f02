"""The office's side of keeping the customer informed: on the case page, the links the customer
was sent (revocable) and what the customer wrote from the status page."""
from fieldapp.views.customer_contact import case_section

BLUEPRINTS = (case_section.bp,)
