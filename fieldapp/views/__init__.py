"""The pages and actions, one package per area. Each area lists its blueprints in BLUEPRINTS;
areas never import each other's views: what they share is a page they add sections to
(web/sections.py), the plumbing in fieldapp/web, and the services below."""
from __future__ import annotations

from importlib import import_module

from flask import Flask

AREAS = ("home", "account", "visits", "board", "cases", "customers", "products", "public", "admin", "reports",
         "catalog", "returns", "followups", "complaints", "mail", "maintenance", "coverage", "languages", "payments",
         "recommendations", "customer_contact")


def register(app: Flask) -> None:
    for area in AREAS:
        for blueprint in import_module(f"fieldapp.views.{area}").BLUEPRINTS:
            app.register_blueprint(blueprint)
