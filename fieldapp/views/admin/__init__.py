"""Administration: staff accounts and the audit trail, company settings, the fault-code taxonomy."""
from fieldapp.views.admin import fault_codes, settings, users

BLUEPRINTS = (users.bp, settings.bp, fault_codes.bp)
