"""Customers: search, the customer's page, new and edit, and the picker other forms embed."""
from fieldapp.views.customers import customers

BLUEPRINTS = (customers.bp,)
