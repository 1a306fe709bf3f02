"""Public pages, for customers without an account: what a product's QR label opens (and its
forms), and the web request form."""
from fieldapp.views.public import label, my, web_request

BLUEPRINTS = (label.bp, web_request.bp, my.bp)
