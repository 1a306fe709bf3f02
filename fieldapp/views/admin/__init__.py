"""Administration: staff accounts and the audit trail, company settings, the fault-code taxonomy,
the messages to customers."""
from fieldapp.views.admin import customer_messages, fault_codes, settings, users

BLUEPRINTS = (users.bp, settings.bp, fault_codes.bp, customer_messages.bp)
