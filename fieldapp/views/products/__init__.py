"""Products: the registry (search, register, edit, coverage, labels), the product page staff see
when they open a label, and scanning a label or typing a serial."""
from fieldapp.views.products import registry, scan

BLUEPRINTS = (registry.bp, scan.bp)
