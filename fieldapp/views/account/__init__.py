"""Account: signing in and out, and one's own password, PIN and sessions."""
from fieldapp.views.account import account, signin

BLUEPRINTS = (signin.bp, account.bp)
