"""A realistic demo company, generated deterministically so every run is the same.

Dates are relative to the day of loading: each technician has visits yesterday, today and on
the coming days. The company is built through the services, the way the office and the
technicians would build it: visits are booked, travelled to, reported and completed (which
settles their costs, payment status and payment record), rated, complained about and followed
up. The services stamp what they write with the present; `Cast.at` moves it to when the story
says it happened. tests/app/test_demo_consistency.py holds the whole company to the app's rules.
"""
from __future__ import annotations

import random
from bisect import bisect_right
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import cache

from sqlalchemy import bindparam, func, inspect, select
from werkzeug.security import generate_password_hash

from fieldapp import clock, money
from fieldapp.dates import add_months
from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.models import (
    ASPECTS, OPEN_CASE_STATUSES, Asset, Case, CaseStatus, CaseType, Channel, Complaint, ComplaintSource, Coverage,
    CoverageKind, CoveragePlan, Customer, FaqEntry, FaultCode, FaultKind, FollowUp, FollowUpKind,
    FollowUpRecommendation, FollowUpSource, Outcome, Part, PaymentMethod, PaymentState, PaymentStatus, Priority,
    ProductModel, ProductResource, Rating, RatingSource, Recommendation, RecommendationKind, RemoteSupportOutcome,
    ResourceKind, Role, ServiceType, TechnicianSkill, User, Visit, VisitStatus,
)
from fieldapp.orm import utcnow
from fieldapp.services import (
    audit, complaints, coverage, customers as customer_records, desk, followups, lifecycle, maintenance, notify, payments,
    ratings, recommendations, settings, visit_report, visits,
)
from fieldapp.services import parts as visit_parts
from fieldapp.services.numbering import next_case_number

DEMO_PASSWORD = "fieldapp-demo"
# email, name, role, job title, phone, language (None: the company's, English)
DEMO_USERS = [
    ("admin@demo.test", "Alex Admin", Role.ADMIN, "Service manager", "+31 20 555 0100", None),
    ("dispatcher@demo.test", "Dana Dispatch", Role.DISPATCHER, "Dispatcher", "+31 20 555 0101", None),
    ("tech@demo.test", "Tom Technician", Role.TECHNICIAN, "Service technician", "+31 6 5550 0102", None),
    ("tech2@demo.test", "Tara Technician", Role.TECHNICIAN, "Service technician", "+31 6 5550 0103", None),
    ("tech3@demo.test", "Theo Technician", Role.TECHNICIAN, "Installation technician", "+31 6 5550 0104", None),
    ("disponent@demo.test", "Jonas Becker", Role.DISPATCHER, "Dispatcher", "+49 30 555 0105", "de"),
]
# The product categories each technician is qualified for (the categories of PRODUCT_MODELS).
DEMO_SKILLS = {
    "tech@demo.test": ("Cooling", "Heating", "Water"),
    "tech2@demo.test": ("Appliances", "Electronics"),
    "tech3@demo.test": ("Energy", "Heating", "Security"),
}


# name, model number, category, warranty months, maintenance months, return days, care tips
PRODUCT_MODELS = [
    ("AquaPure 300 water softener", "AP-300", "Water", 24, 12, 30,
     "Top up salt before the level drops below a quarter.\nRun a resin clean every six months.\nKeep the unit away from frost."),
    ("ThermaHeat HP-9 heat pump", "HP-9", "Heating", 60, 12, 14,
     "Keep 50 cm clear around the outdoor unit.\nClean the air filter every three months.\nCheck the system pressure monthly (1.0–2.0 bar)."),
    ("CoolBreeze 3.5 kW split air conditioner", "CB-35", "Cooling", 24, 12, 30,
     "Wash the indoor filters every two weeks in summer.\nKeep the outdoor unit free of leaves.\nRun in fan mode for an hour after heavy cooling to dry the coil."),
    ("VisionPro 55\" LED TV", "VP-55", "Electronics", 24, None, 30,
     "Use a surge-protected power strip.\nClean the screen only with a dry microfibre cloth.\nInstall firmware updates when offered."),
    ("WashMaster 8 kg washing machine", "WM-8", "Appliances", 24, None, 30,
     "Run a 90 °C empty wash with descaler monthly.\nClean the drain pump filter every three months.\nLeave the door ajar after washing to prevent odours."),
    ("FrostFree 400 L fridge freezer", "FF-400", "Appliances", 24, None, 30,
     "Vacuum the condenser coils twice a year.\nKeep 5 cm of air gap behind the unit.\nDo not put hot food straight in."),
    ("SolarMax 5 kW inverter", "SM-5K", "Energy", 120, 24, 14,
     "Keep the heat sink free of dust.\nCheck the app weekly for error codes.\nDo not cover the ventilation slots."),
    ("BrewElite espresso machine", "BE-2", "Appliances", 24, 6, 30,
     "Descale every two months with the recommended descaler.\nBackflush the group head weekly.\nUse filtered water."),
    ("SafeHome alarm panel", "SH-10", "Security", 36, 12, 30,
     "Test the siren monthly.\nReplace detector batteries when the panel warns.\nKeep the panel's backup battery connected."),
    ("PowerGen 6 kVA backup generator", "PG-6", "Energy", 24, 6, 14,
     "Run the generator for 15 minutes every month.\nCheck the oil level before each run.\nStore fuel with a stabiliser."),
]

PARTS = [
    ("AP-RES-01", "Softener resin cartridge", 8950), ("AP-VAL-02", "Softener control valve", 14500),
    ("AP-SEN-03", "Salt level sensor", 3200), ("HP-FAN-01", "Heat pump fan motor", 18900),
    ("HP-PCB-02", "Heat pump control board", 32500), ("HP-EXV-03", "Expansion valve", 9800),
    ("CB-FLT-01", "AC filter set", 2400), ("CB-CAP-02", "Compressor run capacitor", 3900),
    ("CB-RGS-03", "Refrigerant R32 (1 kg)", 6500), ("VP-PSU-01", "TV power supply board", 11900),
    ("VP-TCN-02", "T-con board", 8900), ("VP-BLS-03", "LED backlight strip set", 7400),
    ("WM-PMP-01", "Drain pump", 4900), ("WM-BRG-02", "Drum bearing kit", 6900),
    ("WM-DSL-03", "Door seal", 5900), ("FF-THR-01", "Thermostat", 3900),
    ("FF-FAN-02", "Evaporator fan", 4500), ("FF-GSK-03", "Door gasket", 4200),
    ("SM-FAN-01", "Inverter cooling fan", 5600), ("SM-DCI-02", "DC isolator", 7800),
    ("BE-PMP-01", "Espresso pump", 6900), ("BE-GSK-02", "Group head gasket", 900),
    ("BE-HTR-03", "Boiler heating element", 8900), ("SH-BAT-01", "Panel backup battery 12 V", 2900),
    ("SH-PIR-02", "PIR motion detector", 4400), ("PG-SPK-01", "Spark plug", 1200),
    ("PG-OIL-02", "Engine oil 1 L", 1500), ("PG-AVR-03", "Voltage regulator (AVR)", 12900),
    ("GEN-FUS-01", "Fuse assortment", 600), ("GEN-CBL-02", "Mains cable 2 m", 1400),
]


# What each model's warranty leaves out (its conditions and exclusions say so).
WARRANTY_EXCLUSIONS = {
    "AP-300": "salt, the resin's normal wear and damage from frost",
    "HP-9": "damage from frost and from an outdoor unit kept without clearance",
    "CB-35": "dirty filters and refrigerant lost through damaged piping",
    "VP-55": "cracked screens, pressure marks and burn-in",
    "WM-8": "blockages by foreign objects and limescale",
    "FF-400": "shelves, bulbs and damage from moving the unit",
    "SM-5K": "lightning and undersized cabling",
    "BE-2": "limescale, gaskets and damage from unfiltered water",
    "SH-10": "detector batteries and tampering",
    "PG-6": "spark plugs, oil and damage from running it without oil",
}
# Models whose specifications are shown on the public QR page too.
PUBLIC_SPECIFICATIONS = {"AP-300", "CB-35", "VP-55", "WM-8", "SM-5K"}
# A part's SKU starts with the model number's prefix of the product it fits ("FF-THR-01" fits
# the FF-400); GEN parts fit everything.
GENERIC_PARTS = "GEN"


def part_fits(sku: str, model_number: str) -> bool:
    """Whether the catalog part fits a product of this model (the demo catalog's rule)."""
    family = sku.split("-")[0]
    return family == GENERIC_PARTS or family == model_number.split("-")[0]


FIRST = ["Anna", "Bram", "Chloé", "Daan", "Eva", "Finn", "Greta", "Hugo", "Iris", "Jesse", "Kim",
         "Lars", "Mila", "Noah", "Olga", "Pieter", "Quinn", "Rosa", "Sem", "Tess"]
LAST = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "Bos", "Peters"]
STREETS = ["Keizersgracht", "Lindenlaan", "Molenweg", "Stationsstraat", "Dorpsstraat", "Parkweg",
           "Kerkstraat", "Julianalaan", "Beukenlaan", "Havenkade"]
CITIES = [("1015 AB", "Amsterdam"), ("3511 CD", "Utrecht"), ("2511 EF", "Den Haag"),
          ("3011 GH", "Rotterdam"), ("2011 JK", "Haarlem")]
# Faults any product may have; and those of some categories only.
PROBLEMS = [
    "Unit shows error E4 and stops after a few minutes.",
    "Strange rattling noise when running.",
    "Not powering on since the storm last week.",
    "Performance has dropped; takes much longer than before.",
    "Trips the circuit breaker when started.",
    "Remote/app cannot connect to the unit.",
]
CATEGORY_PROBLEMS = {
    "Water": ["Leaking water underneath."],
    "Heating": ["Leaking water underneath."],
    "Cooling": ["Dripping water from the indoor unit."],
    "Appliances": ["Leaking water underneath.", "Display flickers intermittently."],
    "Electronics": ["Display flickers intermittently."],
    "Security": ["Panel beeps and reports a zone fault."],
}
INSTALLATION_REQUEST = "Installation of the new unit, customer requests a walkthrough."
ASSESSMENTS = {
    CaseType.REPAIR: "Could not be solved remotely; visit booked.",
    CaseType.MAINTENANCE: "Due for its periodic maintenance; visit booked.",
    CaseType.INSTALLATION: "Unit delivered; installation booked.",
}
# What the technician did, with the remedy code that says so, when no part was replaced.
ADJUSTMENTS = [
    ("Cleaned and recalibrated the system; verified normal operation.", "ADJUST"),
    ("Updated the firmware and reset the configuration; the error log is clear.", "FIRMWARE"),
    ("Cleaned the unit inside and out; tested a full cycle.", "CLEAN"),
]
COMMENTS = ["Quick and friendly, thanks!", "Explained everything clearly.", "Arrived a bit late but fixed it.",
            "Very professional.", "", "Would like a follow-up call about the settings."]
# (day offset, local hour) slots per technician
SLOTS = [(-1, 8), (-1, 11), (-1, 14), (0, 8), (0, 10), (0, 13), (0, 15),
         (1, 9), (1, 13), (2, 9), (2, 14), (3, 10), (4, 9), (5, 11)]
INSTALL_WITHIN_DAYS = 45  # a product is installed within weeks of its sale
# The stamps the services write with the present (see Cast.at).
STAMPS = frozenset({"at", "created_at", "raised_at", "cleared_at", "received_at", "resolved_at", "first_response_at",
                    "done_at", "updated_at", "sold_at", "renewal_contacted_at"})


def demo_loaded() -> bool:
    return db.session.scalar(select(User.id).where(User.email == DEMO_USERS[0][0])) is not None


def database_is_empty() -> bool:
    return db.session.scalar(select(func.count(User.id))) == 0


@dataclass
class Cast:
    """Who and what every chapter of the story works with."""

    rng: random.Random
    admin: User
    dispatcher: User
    technicians: list[User]
    parts: list[Part]
    codes: dict[str, FaultCode]
    # When each case was closed (the stamps in memory read the present until _date_the_story).
    closed_at: dict[int, datetime] = field(default_factory=dict)
    # The moments of the story: when each ran on the real clock (from, to) and when it happened.
    moments: list[tuple[datetime, datetime, datetime]] = field(default_factory=list)

    def technician_for(self, asset: Asset, n: int = 0) -> User:
        """The n-th (in turn) of the technicians qualified for the product's category."""
        category = asset.product_model.category
        qualified = [t for t in self.technicians if category in {s.category for s in t.skills}] or self.technicians
        return qualified[n % len(qualified)]

    @contextmanager
    def at(self, moment: datetime):
        """Run services as if at `moment`: they stamp what they write with the present, and
        `_date_the_story` moves every stamp written inside the block to `moment`."""
        _stamp_unwritten(utcnow())  # written before the block: the present
        started = utcnow()
        yield
        _stamp_unwritten(moment)
        self.moments.append((started, utcnow(), moment))


def load_demo() -> bool:
    """Load the demo company once; returns False (changing nothing) if it is already there."""
    if demo_loaded():
        return False
    rng = random.Random(2026)
    db.session.info[notify.QUIET] = True  # the demo's history happened before today: it tells no one
    try:
        return _load(rng)
    finally:
        db.session.info.pop(notify.QUIET, None)


def _load(rng: random.Random) -> bool:
    company = settings.editable()  # the company's settings, saved with their defaults (and held: read often)
    users = _users()
    models = _product_models()
    parts = _parts()
    _education(models)
    customers = _customers(rng)
    assets = _assets(rng, models, customers)
    db.session.flush()
    cast = Cast(rng, admin=next(u for u in users if u.role is Role.ADMIN),
                dispatcher=next(u for u in users if u.role is Role.DISPATCHER),
                technicians=[u for u in users if u.role is Role.TECHNICIAN], parts=parts, codes=_fault_codes())
    _coverage_sales(cast, assets)  # sold before the visits they cover
    _agreement(cast, assets)
    _history(cast, assets)
    yesterday = _schedule(cast, assets)
    _open_requests(cast, assets)
    _after_visit(cast, yesterday)
    _rising_faults(cast, assets)
    _payments(cast)
    _returns(cast, assets, models)
    today = clock.today()
    maintenance.refresh_stale(today)  # the demo's products were written around the services
    maintenance.plan(company.maintenance_horizon_weeks, today, cast.dispatcher)
    _date_the_story(cast)
    return True


# --- The services' clock ------------------------------------------------------------------------------

@cache
def _stamps(model: type) -> list[tuple[str, bool, bool]]:
    """The model's stamps: name, whether a new row gets the present, whether a changed row does."""
    return [(attr.key, attr.columns[0].default is not None, attr.columns[0].onupdate is not None)
            for attr in inspect(model).column_attrs if attr.key in STAMPS]


def _stamp_unwritten(moment: datetime) -> None:
    """Stamp the rows not written yet as the database would when writing them, with `moment`."""
    for rows, when_new in ((db.session.new, True), (db.session.dirty, False)):
        for row in rows:
            for name, on_insert, on_update in _stamps(type(row)):
                if (on_update and not when_new) or (on_insert and when_new and getattr(row, name) is None):
                    setattr(row, name, moment)


def _date_the_story(cast: Cast) -> None:
    """Give every stamp written inside a `Cast.at` block that block's moment: one read and one
    write per stamp column."""
    db.session.flush()
    moments = sorted(cast.moments)
    if not moments:
        return
    starts = [started for started, _finished, _moment in moments]
    for mapper in db.Model.registry.mappers:
        table, (key, *more) = mapper.local_table, mapper.primary_key
        if more:
            continue
        for name, _on_insert, _on_update in _stamps(mapper.class_):
            column = table.c[mapper.get_property(name).columns[0].name]
            changes = []
            for row_id, value in db.session.execute(select(key, column).where(column >= starts[0])):
                n = bisect_right(starts, value) - 1
                if n >= 0 and value <= moments[n][1]:
                    changes.append({"row_id": row_id, "moment": moments[n][2]})
            if changes:
                db.session.execute(table.update().where(key == bindparam("row_id"))
                                   .values({column.name: bindparam("moment", type_=column.type)}), changes)


# --- The company --------------------------------------------------------------------------------------

def _users() -> list[User]:
    users = []
    password_hash = generate_password_hash(DEMO_PASSWORD)  # one password for all: hashed once
    for email, name, role, job_title, phone, language in DEMO_USERS:
        users.append(User(email=email, name=name, role=role, job_title=job_title, phone=phone,
                          password_hash=password_hash, language=language,
                          skills=[TechnicianSkill(category=c) for c in DEMO_SKILLS.get(email, ())]))
    db.session.add_all(users)
    return users


def _product_models() -> list[ProductModel]:
    models = []
    for name, number, category, warranty, maintenance_months, returns, tips in PRODUCT_MODELS:
        model = ProductModel(
            name=name, model_number=number, category=category, warranty_months=warranty,
            maintenance_interval_months=maintenance_months, return_window_days=returns, care_tips=tips,
            specifications=f"{name}. Rated for household use. See the manual for full specifications.",
            specifications_public=number in PUBLIC_SPECIFICATIONS,
            warranty_terms=f"{warranty // 12}-year manufacturer warranty on parts and labour from the sales date. "
                           "Transport to the site is charged.",
            warranty_conditions="Valid with the purchase receipt, when the product is installed and used as the "
                                f"manual describes. Not covered: {WARRANTY_EXCLUSIONS[number]}; misuse; repairs "
                                "by others.",
        )
        slug = number.lower()
        model.resources = [
            ProductResource(kind=ResourceKind.MANUAL, title="User manual (PDF)",
                            url=f"https://support.example.com/{slug}/manual.pdf"),
            ProductResource(kind=ResourceKind.FAQ, title="Frequently asked questions",
                            url=f"https://support.example.com/{slug}/faq"),
        ]
        models.append(model)
    db.session.add_all(models)
    return models


def _parts() -> list[Part]:
    parts = [Part(sku=sku, name=name, unit_price_cents=price) for sku, name, price in PARTS]
    db.session.add_all(parts)
    return parts


def _mobile(first: int, last: int) -> str:
    """A Dutch mobile number in E.164, as the customer forms keep them: 06-6, 06-7 and 06-9 are
    no mobile numbers (pagers, or not in use), so those draws move to 06-1, 06-2, 06-4."""
    return f"+316{first - 5000 if first // 1000 in (6, 7, 9) else first:04d}{last:04d}"


def _customers(rng: random.Random) -> list[Customer]:
    customers = []
    for i in range(40):
        first, last = FIRST[i % len(FIRST)], LAST[(i * 7) % len(LAST)]
        postcode, city = rng.choice(CITIES)
        customers.append(Customer(
            name=f"{first} {last}",
            phone=_mobile(rng.randint(1000, 9999), rng.randint(1000, 9999)),
            email=f"{first.lower()}.{last.lower().replace(' ', '')}{i}@example.com",
            address=f"{rng.choice(STREETS)} {rng.randint(1, 250)}, {postcode} {city}",
        ))
    db.session.add_all(customers)
    return customers


def _assets(rng: random.Random, models: list[ProductModel], customers: list[Customer]) -> list[Asset]:
    today = clock.today()
    assets = []
    for i in range(80):
        model = models[i % len(models)]
        sold = today - timedelta(days=rng.randint(20, 4 * 365))
        customer = customers[(i * 3) % len(customers)]
        asset = Asset(serial_number=f"{model.model_number.replace('-', '')}-{sold.year}-{i + 1:05d}",
                      product_model=model, customer=customer, sales_date=sold)
        since = clock.at_local(sold, 12)  # a customer since their first purchase
        customer.created_at = min(customer.created_at or since, since)
        warranty_end = add_months(sold, model.warranty_months)
        asset.coverages.append(Coverage(
            kind=CoverageKind.STANDARD_WARRANTY, starts_on=sold, ends_on=warranty_end,
            covers_parts=True, covers_labour=True, covers_transport=False, terms=model.warranty_terms))
        if i % 4 == 1:
            asset.coverages.append(Coverage(
                kind=CoverageKind.EXTENDED_WARRANTY, reference=f"EW-{i + 1:05d}",
                starts_on=warranty_end + timedelta(days=1), ends_on=add_months(warranty_end, 24),
                covers_parts=True, covers_labour=False, covers_transport=False,
                terms="Extended warranty: parts only; labour and transport are charged."))
        if i % 5 == 2:
            start = max(sold, today - timedelta(days=rng.randint(30, 300)))  # no contract before the sale
            asset.coverages.append(Coverage(
                kind=CoverageKind.SERVICE_CONTRACT, reference=f"SC-{i + 1:05d}", starts_on=start,
                ends_on=add_months(start, 12), covers_parts=True, covers_labour=True, covers_transport=True,
                terms="Service contract: yearly maintenance, parts, labour and transport included."))
        assets.append(asset)
    db.session.add_all(assets)
    return assets


# Fault codes per category (None: every category): (kind, code, label).
FAULT_CODES = {
    None: [("symptom", "NO-POWER", "Does not switch on"), ("symptom", "NOISE", "Unusual noise"),
           ("symptom", "ERROR", "Shows an error code"), ("symptom", "LEAK", "Leaking"),
           ("cause", "WEAR", "Worn part"), ("cause", "USE", "Operating error"),
           ("cause", "INSTALL", "Installation fault"), ("cause", "MAINS", "Power supply problem"),
           ("remedy", "REPLACE", "Part replaced"), ("remedy", "ADJUST", "Adjusted or recalibrated"),
           ("remedy", "CLEAN", "Cleaned"), ("remedy", "FIRMWARE", "Firmware updated"),
           ("remedy", "ADVICE", "Advised the customer")],
    "Heating": [("symptom", "NO-HEAT", "No heating"), ("symptom", "LOW-PRESS", "Low system pressure"),
                ("cause", "EXV", "Expansion valve stuck"), ("cause", "SENSOR", "Faulty temperature sensor"),
                ("remedy", "REFILL", "System refilled")],
    "Cooling": [("symptom", "NO-COOL", "Not cooling"), ("cause", "GAS-LOW", "Refrigerant low"),
                ("remedy", "RECHARGE", "Refrigerant recharged")],
    "Appliances": [("symptom", "NO-DRAIN", "Does not drain"), ("cause", "PUMP", "Drain pump blocked"),
                   ("cause", "SEAL", "Door seal worn")],
    "Water": [("symptom", "HARD", "Water still hard"), ("cause", "RESIN", "Resin exhausted")],
    "Energy": [("symptom", "NO-OUTPUT", "No output"), ("cause", "ISOLATION", "Isolation fault")],
}
# Models whose fault rises in the last weeks (the Reports page flags them): model number, the
# request, symptom, cause, remedy, the part replaced (or None) and what the technician did.
RISING_FAULTS = [
    ("HP-9", "No heating since yesterday.", "NO-HEAT", "EXV", "REPLACE", "HP-EXV-03",
     "The expansion valve was stuck: replaced it, refilled the system and tested a heating cycle."),
    ("WM-8", "Does not drain: the water stays in the drum.", "NO-DRAIN", "PUMP", "CLEAN", None,
     "The drain pump was blocked: cleaned it and its filter, tested a full wash."),
]


def _fault_codes() -> dict[str, FaultCode]:
    """The fault-code taxonomy the technicians pick from."""
    codes = {}
    for category, rows in FAULT_CODES.items():
        for kind, code, label in rows:
            codes[code] = FaultCode(category=category, kind=FaultKind(kind), code=code, label=label)
    db.session.add_all(codes.values())
    db.session.flush()
    return codes


def _coverage_sales(cast: Cast, assets: list[Asset]) -> None:
    """Coverage plans on sale, and a few sold (two of them ending within the month: renewal
    calls): sold before the demo's visits, so the visits they cover were costed with them."""
    today, now = clock.today(), utcnow()
    plans = [
        CoveragePlan(name="Extended warranty 2 years", kind=CoverageKind.EXTENDED_WARRANTY.value, months=24,
                     price_cents=19900, covers_parts=True, covers_labour=True, covers_transport=False,
                     terms="Parts and labour for two more years after the standard warranty; transport is charged."),
        CoveragePlan(name="Care contract (1 visit/year)", kind=CoverageKind.SERVICE_CONTRACT.value, months=12,
                     price_cents=14900, covers_parts=True, covers_labour=True, covers_transport=True,
                     maintenance_visits_per_year=1,
                     terms="One maintenance visit a year; repairs with parts, labour and transport included."),
        CoveragePlan(name="Premium care (2 visits/year, 4h response)", kind=CoverageKind.SERVICE_CONTRACT.value,
                     months=12, price_cents=29900, covers_parts=True, covers_labour=True, covers_transport=True,
                     maintenance_visits_per_year=2, response_hours=4, resolution_hours=24,
                     terms="Two maintenance visits a year; we respond within 4 hours and resolve within a day."),
    ]
    db.session.add_all(plans)
    db.session.flush()
    sales = [(assets[43], plans[0], None), (assets[44], plans[1], None), (assets[48], plans[2], None),
             (assets[53], plans[1], today - timedelta(days=350)), (assets[54], plans[2], today - timedelta(days=345))]
    for asset, plan, start in sales:
        start = start or coverage.default_start(asset, CoverageKind(plan.kind), today)
        sold = min(clock.at_local(start, 10), now - timedelta(days=2))
        try:
            with cast.at(sold):
                coverage.sell(asset, plan, start, plan.price_cents, f"DEMO-{asset.id:04d}", cast.dispatcher)
        except DomainError:
            continue  # it would overlap the demo's own contracts: not sold


def _agreement(cast: Cast, assets: list[Asset]) -> None:
    """A service agreement sold to a customer rather than for a product: labour and transport for
    every call-out for two years, for a customer whose product (seen in the history) has no cover
    of its own then."""
    today = clock.today()
    starts = today - timedelta(days=360)
    uncovered = next((a for a in assets[:30] if all(c.ends_on < starts for c in a.coverages)), assets[0])
    with cast.at(clock.at_local(starts - timedelta(days=5), 11)):
        customer_records.add_agreement(
            uncovered.customer, "Call-outs for every appliance at home", f"SA-{uncovered.customer.id:04d}", None,
            starts, add_months(starts, 24) - timedelta(days=1), 24900, False, True, True, 0,
            "Labour and transport of every call-out are included; parts are charged.", cast.dispatcher)


# --- The building blocks of every story ---------------------------------------------------------------

def _round_hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def _problem(rng: random.Random, asset: Asset) -> str:
    return rng.choice(PROBLEMS + CATEGORY_PROBLEMS.get(asset.product_model.category, []))


def _kind_of_work(rng: random.Random, asset: Asset, day: date) -> tuple[CaseType, ServiceType, str]:
    """What a request for this product on `day` can be about: a repair, or its maintenance when
    the model has an interval, warranty service while the warranty runs, and the installation
    within weeks of the sale. The case type, the visit's service type and the request agree."""
    model = asset.product_model
    kinds = [(CaseType.REPAIR, ServiceType.REPAIR), (CaseType.REPAIR, ServiceType.REPAIR),
             (CaseType.REPAIR, ServiceType.TROUBLESHOOTING)]
    if model.maintenance_interval_months:
        kinds.append((CaseType.MAINTENANCE, ServiceType.MAINTENANCE))
    cover = asset.coverage_on(day)
    if cover is not None and not cover.kind.is_contract:
        kinds.append((CaseType.REPAIR, ServiceType.WARRANTY_SERVICE))
    if 0 <= (day - asset.sales_date).days <= INSTALL_WITHIN_DAYS:
        kinds.append((CaseType.INSTALLATION, ServiceType.INSTALLATION))
    case_type, service = rng.choice(kinds)
    if case_type is CaseType.MAINTENANCE:
        return case_type, service, f"Periodic maintenance due (every {model.maintenance_interval_months} months)."
    if case_type is CaseType.INSTALLATION:
        return case_type, service, INSTALLATION_REQUEST
    return case_type, service, _problem(rng, asset)


# A new case's lists, known to be empty (not read back from the database the first time).
CASE_LISTS = ("visits", "follow_ups", "complaints", "events", "attention_items", "remote_sessions", "return_requests")


def _new_case(cast: Cast, asset: Asset, created: datetime, case_type: CaseType = CaseType.REPAIR,
              description: str | None = None, **fields) -> Case:
    """A request as it came in (by phone, email, chat, the web form or the product's label)."""
    rng = cast.rng
    fields.setdefault("channel", rng.choice([Channel.PHONE, Channel.PHONE, Channel.EMAIL, Channel.CHAT, Channel.WEB,
                                             Channel.QR]))
    fields.setdefault("priority", rng.choice([Priority.NORMAL, Priority.NORMAL, Priority.NORMAL, Priority.HIGH,
                                              Priority.LOW]))
    taken_by = None if fields["channel"] in (Channel.WEB, Channel.QR) else cast.dispatcher  # sent by the customer
    case = Case(number=next_case_number(clock.local(created).year), asset=asset, customer=asset.customer,
                case_type=case_type, description=description or _problem(rng, asset), status=CaseStatus.NEW,
                created_by=taken_by, created_at=created, contact_name=asset.customer.name,
                contact_phone=asset.customer.phone, **fields, **{name: [] for name in CASE_LISTS})
    db.session.add(case)
    lifecycle.opened(case, taken_by, at=created)
    return case


def _book(cast: Cast, case: Case, technician: User, start: datetime, service_type: ServiceType) -> Visit:
    """The dispatcher books the visit (as services.booking does; it books only ahead of now)."""
    booked = min(case.created_at + timedelta(hours=2), start - timedelta(minutes=30), utcnow())
    visit = Visit(case=case, technician=technician, scheduled_start=start, scheduled_end=start + timedelta(hours=2),
                  expected_minutes=90, service_type=service_type, notes_for_technician="Customer asks to ring twice.",
                  status=VisitStatus.SCHEDULED, created_at=booked,
                  parts=[], photos=[], recommendations=[], payment=None, rating=None)  # known empty: not read back
    db.session.add(visit)
    local_start, local_end = clock.local(start), clock.local(visit.scheduled_end)
    window = f"{clock.day_text(local_start.date())} {local_start:%H:%M}–{local_end:%H:%M}"
    with cast.at(booked):
        lifecycle.follow_visits(case, "visit_scheduled", f"{technician.name}, {window}", cast.dispatcher, visit)
        audit.record("visit.scheduled", visit, {"technician": technician.id, "start": start.isoformat(),
                                                "override": False}, user=cast.dispatcher)
    return visit


@dataclass
class Work:
    """What happens on a visit beyond the usual: other kinds of service given, a part repaired
    rather than replaced, the parts and the action (else chosen to fit the product), fault codes
    (symptom, cause, remedy), a recommendation (kind, what, due in days), a return visit the
    technician asks for (days, next steps), and the money taken on site."""

    also: tuple[ServiceType, ...] = ()
    repaired: bool = False
    parts: list[str] | None = None
    action: str | None = None
    codes: tuple[str, str, str] | None = None
    recommend: tuple[RecommendationKind, str, int] | None = None
    return_visit: tuple[int, str] | None = None
    paid_on_site: bool = False


def _carry_out(cast: Cast, visit: Visit, work: Work | None = None) -> None:
    """The technician travels, arrives, writes the report and completes the visit (which settles
    its costs, payment status and payment record, and the case)."""
    rng, work = cast.rng, work or Work()
    start = visit.scheduled_start
    travel = start - timedelta(minutes=rng.randint(15, 40))
    arrived = start + timedelta(minutes=rng.randint(-5, 25))
    done = arrived + timedelta(minutes=rng.randint(35, 110))
    with cast.at(travel):
        visits.start_travel(visit, travel, other_day=True)
    with cast.at(arrived):
        visits.arrive(visit, arrived, other_day=True)
    during = arrived + (done - arrived) / 2
    with cast.at(during):
        _report(cast, visit, work, during)
    with cast.at(done):
        visits.complete(visit, None, at=done)
    if work.paid_on_site and visit.billable_cents:
        with cast.at(done):
            visit_report.record(visit, "payment_status", {"payment_status": PaymentStatus.PAID}, done)
        visit.payment.paid_on = clock.local_day(done)


def _report(cast: Cast, visit: Visit, work: Work, at: datetime) -> None:
    rng = cast.rng
    model = visit.case.asset.product_model

    def record(name: str, **values) -> None:
        visit_report.record(visit, name, values, at)

    if work.also:
        record("service_type", service_type=visit.service_type, also=list(work.also))
    fitting = [p for p in cast.parts if part_fits(p.sku, model.model_number)]
    if work.parts is not None:
        fitted = [next(p for p in cast.parts if p.sku == sku) for sku in work.parts]
    elif visit.service_type is ServiceType.INSTALLATION:
        fitted = []
    else:
        fitted = rng.sample(fitting, rng.choice([0, 1, 1, 2]))
    if work.repaired:  # one part, taken out, repaired and put back
        fitted = (fitted or fitting)[:1]
    for part in fitted:
        visit_parts.add(visit, part, 1, None, f"F{rng.randint(100000, 999999)}", f"R{rng.randint(100000, 999999)}")
    if work.repaired:  # nothing replaced: nothing to pay for the part
        row = visit.parts[0]
        visit_parts.update(visit, row, row.quantity, 0, row.faulty_serial, None, row.covered, repaired=True)
    action, remedy = _action(rng, visit, fitted, work.repaired)
    record("outcome", outcome=Outcome.RESOLVED)
    record("actions_taken", text=work.action or action)
    tips = model.care_tip_list
    record("preventative_advice", text=None, tip=tips[0] if tips else None)
    record("transport_cost", cents=rng.choice([0, 2500, 3500]))
    if visit.service_type in (ServiceType.REPAIR, ServiceType.TROUBLESHOOTING, ServiceType.WARRANTY_SERVICE):
        symptom, cause, remedy = work.codes or (*_fault(rng, cast, model.category), remedy)
        record("fault_codes", codes={FaultKind.SYMPTOM: cast.codes[symptom].id, FaultKind.CAUSE: cast.codes[cause].id,
                                     FaultKind.REMEDY: cast.codes[remedy].id})
    if work.return_visit:
        days, steps = work.return_visit
        record("follow_up", recommendation=FollowUpRecommendation.VISIT, days=days)
        record("next_steps", text=steps)
    if work.recommend:
        kind, what, due_days = work.recommend
        recommendations.add(visit, kind, what, clock.today() + timedelta(days=due_days), at=at)


def _action(rng: random.Random, visit: Visit, fitted: list[Part], repaired: bool) -> tuple[str, str]:
    """What the technician writes, and the remedy code that says the same."""
    names = " and ".join(p.name.lower() for p in fitted)
    if visit.service_type is ServiceType.INSTALLATION:
        return "Installed and commissioned the unit; walked the customer through its settings.", "ADVICE"
    if repaired:
        return f"Took out the {names}, repaired it and put it back; tested a full cycle.", "ADJUST"
    if visit.service_type is ServiceType.MAINTENANCE:
        if fitted:
            return f"Maintenance: cleaned, checked and tested; replaced the {names}.", "REPLACE"
        return "Maintenance: cleaned, checked and tested; everything within specification.", "CLEAN"
    if fitted:
        return f"Diagnosed a faulty {names}, replaced it and tested a full cycle.", "REPLACE"
    return rng.choice(ADJUSTMENTS)


def _fault(rng: random.Random, cast: Cast, category: str | None) -> tuple[str, str]:
    """A symptom and a cause offered for the category (not the faults the story makes rise)."""
    rising = {symptom for _n, _r, symptom, *_rest in RISING_FAULTS}
    offered = [c for c in cast.codes.values() if c.category in (None, category) and c.code not in rising]
    return (rng.choice([c.code for c in offered if c.kind is FaultKind.SYMPTOM]),
            rng.choice([c.code for c in offered if c.kind is FaultKind.CAUSE]))


def _rate(cast: Cast, visit: Visit, source: RatingSource, at: datetime, overall: int | None = None,
          complaint: str | None = None, comments: str | None = None) -> Rating:
    """The customer rates the visit: on the technician's phone, from the QR label, by the survey
    link, or on a call the office writes down. A low score or a complaint flags the case."""
    rng = cast.rng
    overall = overall or rng.choice([5, 5, 4, 4, 3])
    scores = {a: max(1, min(5, overall + rng.choice([-1, 0, 0, 1]))) for a in ASPECTS}
    scores["overall"] = overall
    comments = comments if comments is not None else rng.choice(COMMENTS) or None
    with cast.at(at):
        if source is RatingSource.OFFICE:
            rating = ratings.take_for_case(visit.case, visit.id, scores, comments, complaint, cast.dispatcher)
        else:
            signer = visit.case.customer.name if source is RatingSource.ON_SITE else None
            rating = ratings.submit(visit, scores, comments, complaint, source, signer_name=signer, at=at)
    return rating


def _assign(cast: Cast, complaint: Complaint, owner: User, at: datetime) -> None:
    with cast.at(at):
        complaints.assign(complaint, owner, cast.dispatcher)


def _resolve_complaint(cast: Cast, complaint: Complaint, what: str, answer: str, by: User, at: datetime) -> None:
    with cast.at(at):
        complaints.resolve(complaint, what, answer, by)


def _close(cast: Cast, case: Case, at: datetime) -> None:
    with cast.at(at):
        desk.close(case, case.resolution_summary, clock.local_day(at), True, cast.dispatcher)
    cast.closed_at[case.id] = at


def _follow_up(cast: Cast, case: Case, kind: FollowUpKind, due_on: date, notes: str, at: datetime,
               source: FollowUpSource = FollowUpSource.DISPATCHER, visit: Visit | None = None,
               done: str | None = None, done_at: datetime | None = None) -> FollowUp:
    """A follow-up planned at `at` (the office plans only ahead: one due before today was planned
    then as services.followups.add plans it), and done at `done_at` with its outcome."""
    with cast.at(at):
        if source is FollowUpSource.DISPATCHER and due_on >= clock.today():
            row = followups.add(case, kind, due_on, notes, cast.dispatcher)
        else:
            row = FollowUp(kind=kind, source=source, due_on=due_on, notes=notes, visit=visit,
                           created_by_id=cast.dispatcher.id if source is FollowUpSource.DISPATCHER else None)
            case.follow_ups.append(row)
            with lifecycle.for_the_record():
                lifecycle.record(case, "follow_up_added", f"{row.kind.label} due {clock.day_text(due_on)}: {notes}",
                                 cast.dispatcher if source is FollowUpSource.DISPATCHER else None, visit)
    if done:
        db.session.flush()  # completing it finds it by its id
        with cast.at(done_at):
            followups.complete(row, done, cast.dispatcher)
    return row


# --- The story ----------------------------------------------------------------------------------------

def _history(cast: Cast, assets: list[Asset]) -> None:
    """Closed cases over the past months, each with a completed visit, most of them rated; a low
    rating's complaint resolved by the office the next day."""
    rng, now, today = cast.rng, utcnow(), clock.today()
    for i, asset in enumerate(assets[:30]):
        # Opened after the sale: up to 8 hours and a time-zone day earlier still lands after it.
        owned_days = (today - asset.sales_date).days
        opened = now - timedelta(days=rng.randint(10, min(300, owned_days - 2)), hours=rng.randint(0, 8))
        start = _round_hour(opened + timedelta(days=rng.randint(1, 4)))
        case_type, service, request = _kind_of_work(rng, asset, clock.local_day(start))
        case = _new_case(cast, asset, opened, case_type, request, assessment_notes=ASSESSMENTS[case_type])
        visit = _book(cast, case, cast.technician_for(asset, i), start, service)
        _carry_out(cast, visit)
        closing = visit.completed_at + timedelta(hours=3)
        if i % 3 == 0:
            _close(cast, case, closing)
        else:
            on_site = i % 2 == 1
            rated_at = (visit.completed_at + timedelta(minutes=rng.randint(3, 15)) if on_site
                        else visit.completed_at + timedelta(days=1, hours=rng.randint(1, 8)))
            overall = rng.choice([5, 5, 4, 4, 3, 2])
            complaint = "Technician left packaging behind." if overall <= 2 else None
            if rated_at > closing and not complaint:  # rated from the label after the case was closed
                _close(cast, case, closing)
            _rate(cast, visit, RatingSource.ON_SITE if on_site else RatingSource.QR, rated_at, overall, complaint)
            if complaint:
                raised = case.complaints[-1]
                _assign(cast, raised, cast.dispatcher, rated_at + timedelta(hours=1))
                resolved = rated_at + timedelta(days=1)
                _resolve_complaint(cast, raised, "Apologised by phone; reminded the team of the clean-up checklist.",
                                   "Customer accepted the apology.", cast.dispatcher, resolved)
                closing = max(closing, resolved + timedelta(hours=1))
            if case.status is not CaseStatus.CLOSED:
                _close(cast, case, closing)
        if i % 6 == 0 and case.closed_on + timedelta(days=14) < today:
            due = case.closed_on + timedelta(days=14)
            _follow_up(cast, case, FollowUpKind.CALL, due, "How is the unit running since the visit?",
                       closing + timedelta(minutes=5), done="Customer satisfied, no further issues.",
                       done_at=clock.at_local(due, 10))


# What happens on yesterday's visits (by their order: each technician's 8:00, 11:00 and 14:00).
YESTERDAY = {
    0: Work(recommend=(RecommendationKind.CHECK_UP, "Check the unit again in four months.", 120)),
    1: Work(repaired=True),
    2: Work(recommend=(RecommendationKind.MAINTENANCE, "Service the unit within two months.", 60)),
    3: Work(return_visit=(5, "Fit the part on order once it is in.")),
    4: Work(paid_on_site=True),
    7: Work(paid_on_site=True),
}


def _two_kinds(visit: Visit) -> tuple[ServiceType, ...]:
    """Another kind of service given on the same visit: the maintenance done while repairing (or
    the fault fixed during the maintenance)."""
    if visit.service_type is ServiceType.MAINTENANCE:
        return (ServiceType.REPAIR,)
    if visit.case.asset.product_model.maintenance_interval_months:
        return (ServiceType.MAINTENANCE,)
    return (ServiceType.TROUBLESHOOTING,) if visit.service_type is not ServiceType.TROUBLESHOOTING else ()


def _schedule(cast: Cast, assets: list[Asset]) -> list[Visit]:
    """Each technician's visits on products of their skills: yesterday (done), one under way
    right now, today and the coming days (planned). Returns yesterday's visits in order."""
    rng, now, today = cast.rng, utcnow(), clock.today()
    pool = list(assets[30:])
    yesterday, under_way = [], None
    for tech in cast.technicians:
        skills = {skill.category for skill in tech.skills}
        for offset, hour in SLOTS:
            asset = next((a for a in pool if a.product_model.category in skills), None) or rng.choice(assets)
            if asset in pool:
                pool.remove(asset)
            start = clock.at_local(today + timedelta(days=offset), hour)
            case_type, service, request = _kind_of_work(rng, asset, today + timedelta(days=offset))
            opened = min(start - timedelta(days=rng.randint(1, 6)), now - timedelta(hours=rng.randint(1, 30)))
            case = _new_case(cast, asset, opened, case_type, request, assessment_notes=ASSESSMENTS[case_type])
            visit = _book(cast, case, tech, start, service)
            if offset < 0:
                yesterday.append(visit)
            elif offset == 0 and hour == 8 and tech is cast.technicians[-1]:
                under_way = visit
    for n, visit in enumerate(yesterday):
        work = YESTERDAY.get(n, Work())
        _carry_out(cast, visit, replace(work, also=_two_kinds(visit)) if n == 0 else work)
    _rate_on_site(cast, yesterday)
    arrived = min(under_way.scheduled_start, utcnow() - timedelta(minutes=5))
    with cast.at(arrived - timedelta(minutes=25)):
        visits.start_travel(under_way, arrived - timedelta(minutes=25), other_day=True)
    with cast.at(arrived):
        visits.arrive(under_way, arrived, other_day=True)
    return yesterday


def _rate_on_site(cast: Cast, yesterday: list[Visit]) -> None:
    """Yesterday's ratings on the technician's phone, one of them low: still waiting for the office."""
    for n, visit in enumerate(yesterday):
        if n in (0, 1, 3, 4):
            _rate(cast, visit, RatingSource.ON_SITE, visit.completed_at + timedelta(minutes=4))
        elif n == 6:
            _rate(cast, visit, RatingSource.ON_SITE, visit.completed_at + timedelta(minutes=6), overall=2, comments="")


def _rate_later(cast: Cast, yesterday: list[Visit]) -> None:
    """Yesterday's other ratings, given since: from the QR label with a complaint (handed to the
    dispatcher), by the survey link, and on a call that the office wrote down."""
    now = utcnow()
    rated = _rate(cast, yesterday[7], RatingSource.QR, now - timedelta(hours=3), overall=3,
                  complaint="The technician did not explain the new settings.")
    _assign(cast, yesterday[7].case.complaints[-1], cast.dispatcher, rated.created_at + timedelta(minutes=30))
    _rate(cast, yesterday[8], RatingSource.SURVEY, now - timedelta(hours=2))
    _rate(cast, yesterday[5], RatingSource.OFFICE, now - timedelta(hours=1),
          comments="Told us on the phone: very happy with the repair.")


# The dispatcher's queue: a case in every open status (and one cancelled), each with its story.
OPEN_STATES = [
    (CaseStatus.NEW, None),
    (CaseStatus.NEW, None),
    (CaseStatus.ASSESSING, "Unit trips the breaker; asked for photos of the label."),
    (CaseStatus.REMOTE_SUPPORT, "The customer can follow a reset by phone; calling back this afternoon."),
    (CaseStatus.VISIT_NEEDED, "Walked the customer through a reset by phone; it did not help."),
    (CaseStatus.WAITING_CUSTOMER, "Walked the customer through a reset by phone; they will try it tonight."),
    (CaseStatus.WAITING_PARTS, "Control board ordered, expected within 5 days."),
    (CaseStatus.CANCELLED, "Customer solved it themselves."),
]


def _free_assets(assets: list[Asset]) -> list[Asset]:
    """Products without an open case (a second request for one would be a duplicate)."""
    db.session.flush()
    busy = set(db.session.scalars(select(Case.asset_id).where(Case.status.in_(OPEN_CASE_STATUSES))))
    return [a for a in assets if a.id not in busy]


def _open_requests(cast: Cast, assets: list[Asset]) -> None:
    """Requests in the dispatcher's queue in every open status (the urgent one with a complaint),
    one reopened after its repair, and one solved by phone that the customer rated on a call."""
    rng, now = cast.rng, utcnow()
    free = _free_assets(assets)
    for i, (status, note) in enumerate(OPEN_STATES):
        asset = free.pop((i * 11 + 5) % len(free))
        opened = now - timedelta(hours=rng.randint(2, 60))
        case = _new_case(cast, asset, opened, **({"priority": Priority.URGENT} if i == 0 else {}))
        decided = opened + timedelta(minutes=40)
        with cast.at(decided):
            if status in (CaseStatus.ASSESSING, CaseStatus.REMOTE_SUPPORT, CaseStatus.WAITING_PARTS):
                desk.assess(case, note, None, case.priority, status, cast.dispatcher)
            elif status in (CaseStatus.VISIT_NEEDED, CaseStatus.WAITING_CUSTOMER):
                desk.assess(case, "Try a reset by phone first.", None, case.priority, CaseStatus.REMOTE_SUPPORT,
                            cast.dispatcher)
                outcome = (RemoteSupportOutcome.NOT_SOLVED if status is CaseStatus.VISIT_NEEDED
                           else RemoteSupportOutcome.CUSTOMER_TO_TRY)
                desk.log_remote_support(case, Channel.PHONE, note, outcome, cast.dispatcher)
            elif status is CaseStatus.CANCELLED:
                desk.change_status(case, status, note, cast.dispatcher)
        if status is CaseStatus.VISIT_NEEDED:
            _follow_up(cast, case, FollowUpKind.CALL, clock.today() + timedelta(days=2),
                       "Agree a day for the visit with the customer.", decided)
        if i == 0:
            with cast.at(opened + timedelta(minutes=10)):
                complaints.log(case, ComplaintSource.PHONE, "Second failure within a month; customer is unhappy.",
                               cast.dispatcher, owner=cast.dispatcher)
    _reopened(cast, free.pop(0))
    _solved_remotely(cast, next((a for a in free if a.product_model.category == "Energy"), free[0]))


def _reopened(cast: Cast, asset: Asset) -> None:
    """Repaired two weeks ago, the same fault again: reopened, and the customer complained."""
    now = utcnow()
    opened = now - timedelta(days=20)
    case = _new_case(cast, asset, opened, assessment_notes=ASSESSMENTS[CaseType.REPAIR])
    visit = _book(cast, case, cast.technician_for(asset), _round_hour(opened + timedelta(days=2)), ServiceType.REPAIR)
    _carry_out(cast, visit)
    reopened = now - timedelta(days=2)
    with cast.at(reopened):
        desk.reopen(case, "Same fault again two weeks after the repair.", cast.dispatcher)
    with cast.at(reopened + timedelta(minutes=10)):
        complaints.log(case, ComplaintSource.PHONE, "Same fault two weeks after the repair; wants a senior technician.",
                       cast.dispatcher, owner=cast.dispatcher)


def _solved_remotely(cast: Cast, asset: Asset) -> None:
    """Solved on the phone without a visit; the customer rated the help on a later call."""
    opened = utcnow() - timedelta(days=4)
    case = _new_case(cast, asset, opened, channel=Channel.PHONE, priority=Priority.NORMAL,
                     description="No output since this morning; the app shows an error.")
    with cast.at(opened + timedelta(minutes=15)):
        desk.assess(case, "Likely a stuck inverter: try a reset by phone.", None, case.priority,
                    CaseStatus.REMOTE_SUPPORT, cast.dispatcher)
    with cast.at(opened + timedelta(minutes=45)):
        desk.log_remote_support(case, Channel.PHONE, "Reset the unit from its app and installed the firmware update; "
                                "it works normally again.", RemoteSupportOutcome.SOLVED, cast.dispatcher)
    rated = opened + timedelta(days=1, hours=2)
    with cast.at(rated):
        ratings.take_for_case(
            case, None, {"overall": 5, "timeliness": 5, "professionalism": 5, "quality": 4, "product_performance": 4},
            "Glad it could be fixed on the phone.", None, cast.dispatcher)
    _close(cast, case, rated + timedelta(minutes=20))


def _after_visit(cast: Cast, yesterday: list[Visit]) -> None:
    """Follow-ups in every list of the office's queue (some done with their outcome, one a
    satisfaction call, one the follow-up of a technician's recommendation), complaints open with
    an owner, open without one (from the QR page) and resolved with the customer's answer."""
    now, today = utcnow(), clock.today()

    def after(visit: Visit) -> datetime:
        return visit.completed_at + timedelta(minutes=30)

    _follow_up(cast, yesterday[0].case, FollowUpKind.CALL, today - timedelta(days=1),
               "Check the unit restarted normally after the repair.", after(yesterday[0]))
    _follow_up(cast, yesterday[4].case, FollowUpKind.EMAIL, today - timedelta(days=1),
               "Send the care tips the customer asked for.", after(yesterday[4]))
    _follow_up(cast, yesterday[1].case, FollowUpKind.CALL, today, "How did the visit go?", after(yesterday[1]),
               FollowUpSource.SATISFACTION, yesterday[1])
    _follow_up(cast, yesterday[2].case, FollowUpKind.SURVEY, today, "Ask for the satisfaction survey.",
               after(yesterday[2]))
    _follow_up(cast, yesterday[8].case, FollowUpKind.CALL, today + timedelta(days=10),
               "Check the new settings suit them.", after(yesterday[8]))
    recommended = db.session.scalar(select(Recommendation).where(Recommendation.visit_id == yesterday[2].id))
    with cast.at(now - timedelta(hours=1)):
        recommendations.plan_follow_up(recommended, FollowUpKind.CALL, today + timedelta(days=3), cast.dispatcher)

    db.session.flush()
    closed = [v for v in db.session.scalars(
        select(Visit).join(Visit.case).where(Case.status == CaseStatus.CLOSED, Visit.status == VisitStatus.COMPLETED)
        .order_by(Visit.completed_at.desc(), Visit.id)) if not v.case.follow_ups and not v.case.complaints]
    for visit, kind, notes, outcome, source in (
            (closed[0], FollowUpKind.CALL, "How did the visit go?", "Customer happy: unit quiet since the repair.",
             FollowUpSource.SATISFACTION),
            (closed[1], FollowUpKind.EMAIL, "Send the care tips.", "Sent the care tips; the customer thanked us.",
             FollowUpSource.DISPATCHER)):
        due = visit.case.closed_on + timedelta(days=2)
        _follow_up(cast, visit.case, kind, due, notes, cast.closed_at[visit.case_id] + timedelta(hours=1), source,
                   visit if source is FollowUpSource.SATISFACTION else None, done=outcome,
                   done_at=clock.at_local(due, 11))

    with cast.at(now - timedelta(minutes=20)):
        asset, case = yesterday[4].case.asset, yesterday[4].case
        complaints.from_qr_page(asset, case.contact_name, case.contact_phone, None,
                                "The technician left the packaging in the hallway.")
    # A customer questions the transport on a warranty visit's invoice: it is not covered.
    charged = next((v for v in closed[2:] if v.payment_status is PaymentStatus.TO_INVOICE
                    and v.total_cents - v.covered_cents == v.transport_cost_cents > 0), None)
    if charged is not None:
        received = charged.case.closed_on + timedelta(days=1)
        with cast.at(clock.at_local(received, 9)):
            raised = complaints.log(charged.case, ComplaintSource.EMAIL, "Invoice charged transport although the "
                                    "unit is under warranty.", cast.dispatcher, owner=cast.admin)
        _resolve_complaint(cast, raised, "Checked the coverage: the warranty does not cover transport; sent the "
                           "customer the warranty conditions.", "Customer understood; the invoice stands.", cast.admin,
                           clock.at_local(received + timedelta(days=1), 9))
    _rate_later(cast, yesterday)


def _rising_faults(cast: Cast, assets: list[Asset]) -> None:
    """Recent repairs of one fault on two models, so their rate rises (one of them a product back
    within days)."""
    rng, now = cast.rng, utcnow()
    for number, request, symptom, cause, remedy, part, action in RISING_FAULTS:
        model_assets = [a for a in assets if a.product_model.model_number == number]
        for i, asset in enumerate(model_assets[:4] + model_assets[:1]):  # the first one comes back
            opened = now - timedelta(days=3 + 5 * i, hours=rng.randint(1, 6))
            case = _new_case(cast, asset, opened, description=request,
                             assessment_notes="Same complaint as other units of this model.")
            visit = _book(cast, case, cast.technician_for(asset, i), _round_hour(opened + timedelta(hours=20)),
                          ServiceType.REPAIR)
            _carry_out(cast, visit, Work(parts=[part] if part else [], action=action, codes=(symptom, cause, remedy)))


def _payments(cast: Cast) -> None:
    """What the office recorded of the billable visits: the older ones invoiced and paid by bank
    transfer, recent ones invoiced, one partly paid; yesterday's still to be invoiced."""
    today = clock.today()
    billable = db.session.scalars(select(Visit).where(Visit.status == VisitStatus.COMPLETED,
                                                      Visit.billable_cents > 0)
                                  .order_by(Visit.completed_at, Visit.id)).all()
    due = [v for v in billable if v.payment.state is PaymentState.TO_INVOICE
           and (today - clock.local_day(v.completed_at)).days >= 3]
    partly = next((v for v in reversed(due) if (today - clock.local_day(v.completed_at)).days >= 10), None)
    for n, visit in enumerate(due, start=1):
        invoiced_on = clock.local_day(visit.completed_at) + timedelta(days=1)
        paid_cents, paid_on, method, reference = 0, None, None, None
        if visit is partly:
            paid_cents, paid_on = visit.billable_cents // 2, invoiced_on + timedelta(days=7)
        elif (today - invoiced_on).days >= 30:
            paid_cents, paid_on = visit.billable_cents, invoiced_on + timedelta(days=12)
        if paid_cents:
            method, reference = PaymentMethod.BANK_TRANSFER, f"NL-TRF-{n:05d}"
        with cast.at(clock.at_local(paid_on or invoiced_on, 11)):
            payments.record(visit, f"INV-{invoiced_on.year}-{n:04d}", invoiced_on, paid_cents, paid_on, method,
                            reference, "Paid half; the rest promised next month." if visit is partly else None,
                            cast.dispatcher)


def _returns(cast: Cast, assets: list[Asset], models: list[ProductModel]) -> None:
    """Return requests in every status: requested within the window and after it, approved,
    received, refunded long ago, and refused for a model that cannot be returned; with the return
    conditions of a few models. The demo's sales are all weeks old, so three products without
    an open case (those without any case first) become recent sales, their cover moved with them."""
    from fieldapp.models import OPEN_CASE_STATUSES, ReturnCondition as C, ReturnDecision as D, ReturnRequest, \
        ReturnStatus as R
    from fieldapp.services import returns

    rng, dispatcher = random.Random(10), cast.dispatcher
    today = clock.today()
    by_number = {m.model_number: m for m in models}
    by_number["AP-300"].return_conditions = ("Unused, in the original packaging, with all accessories. "
                                             "Installation costs are not refunded.")
    by_number["VP-55"].return_conditions = ("In the original box with the remote and the stand. Screens with "
                                            "pressure marks or cracks cannot be returned.")
    by_number["SM-5K"].return_window_days = 0
    by_number["SM-5K"].return_conditions = "Installed systems cannot be returned: faults are repaired under warranty."
    db.session.flush()
    case_counts = dict(db.session.execute(select(Case.asset_id, func.count(Case.id)).group_by(Case.asset_id)).all())
    busy = set(db.session.scalars(select(Case.asset_id).where(Case.status.in_(OPEN_CASE_STATUSES))))
    idle = sorted((a for a in assets if a.id not in busy), key=lambda a: (case_counts.get(a.id, 0), a.id))
    returnable = iter([a for a in idle if a.product_model.return_window_days == 30])
    unreturnable = next(a for a in idle if not a.product_model.returns_allowed)

    def recent(days: int):
        asset = next(returnable)
        moved = today - timedelta(days=days) - asset.sales_date
        asset.sales_date += moved
        for cover in asset.coverages:
            cover.starts_on, cover.ends_on = cover.starts_on + moved, cover.ends_on + moved
        return asset

    stories = [  # product, days since the request (None: mid-window after the sale), status, decision, amount, ...
        (recent(6), 0, R.REQUESTED, None, None, C.UNOPENED, "Ordered the wrong size: it does not fit the space."),
        (recent(12), 2, R.APPROVED, D.EXCHANGE, None, C.FAULTY, "Dead on arrival: no power at all."),
        (recent(20), 8, R.RECEIVED, D.REFUND, 64900, C.AS_NEW, "Customer changed their mind; used once."),
        (next(a for a in returnable if a.sales_date < today - timedelta(days=60)), 0, R.REQUESTED, None, None,
         C.FAULTY, "Stopped working after the holidays; the customer wants their money back."),
        (next(returnable), None, R.REFUNDED, D.REFUND, 89900, C.UNOPENED,
         "Double order: the second unit was never opened."),
        (unreturnable, 5, R.REFUSED, None, None, C.USED, "Customer would like a bigger model."),
    ]
    for asset, asked_ago, status, decision, amount, condition, why in stories:
        requested_on = asset.sales_date + timedelta(days=15) if asked_ago is None else today - timedelta(days=asked_ago)
        asked_at = min(clock.at_local(requested_on, rng.randint(9, 11)), utcnow() - timedelta(minutes=30))
        requested_on = clock.local_day(asked_at)  # just after midnight: asked late yesterday
        judged = returns.eligibility(asset, requested_on)
        done = not status.is_open
        case = _new_case(cast, asset, asked_at, CaseType.RETURN, f"Return: {why}", priority=Priority.NORMAL)
        ret = ReturnRequest(asset=asset, reason=why, condition=condition, requested_on=requested_on,
                            eligible=judged.eligible, eligibility_reason=judged.reason, status=status,
                            created_by=dispatcher, created_at=asked_at, decision=decision, amount_cents=amount)
        case.return_requests.append(ret)
        steps = [("return_requested", (f"{condition.label}: {why} — "
                                       f"{'eligible' if judged.eligible else 'not eligible'}: {judged.reason}."))]
        if decision:
            steps.append(("return_approved", decision.label))
        if status in (R.RECEIVED, R.REFUNDED):
            steps.append(("return_received", "Back in the warehouse, checked."))
        if status is R.REFUNDED:
            steps.append(("return_completed", f"Refunded: {money.display(amount)}"))
        if status is R.REFUSED:
            ret.refusal_reason = "Installed systems are not taken back; offered a repair under warranty instead."
            steps.append(("return_refused", ret.refusal_reason))
        # Each step a while after the last (minutes for one asked today), all of them before now.
        gap = min(timedelta(minutes=5) if asked_ago == 0 else timedelta(hours=20),
                  (utcnow() - asked_at) / (len(steps) + 2))
        for n, (kind, note) in enumerate(steps, start=1):
            lifecycle.record(case, kind, note, dispatcher, at=asked_at + n * gap)
        if done:
            with cast.at(asked_at + (len(steps) + 1) * gap):
                desk.resolve(case, steps[-1][1], dispatcher)


# Specifications per model number, one fact a line, for the model pages and the technician.
SPECIFICATIONS = {
    "AP-300": "Capacity: 300 L resin\nFlow: up to 2.5 m³/h\nSalt tank: 25 kg\nPower: 230 V, 12 W",
    "HP-9": "Heating output: 9 kW (A7/W35)\nSCOP: 4.6\nRefrigerant: R32\nNoise (outdoor): 48 dB(A)",
    "CB-35": "Cooling: 3.5 kW, heating: 4.0 kW\nSEER: 7.1\nRefrigerant: R32\nNoise (indoor): 21–38 dB(A)",
    "VP-55": "Screen: 55\" LED, 3840 × 2160\nHDR10, HLG\n3 × HDMI 2.1, 2 × USB\nPower: 110 W typical",
    "WM-8": "Load: 8 kg\nSpin: up to 1400 rpm\nEnergy class: A\nWater use: 47 L per eco cycle",
    "FF-400": "Volume: 280 L fridge, 120 L freezer\nNo-frost\nEnergy class: C\nNoise: 35 dB(A)",
    "SM-5K": "Rated output: 5 kW AC\nMPPT trackers: 2\nEfficiency: 97.6 %\nProtection: IP65",
    "BE-2": "Boiler: 1.8 L, dual PID\nPump: 15 bar vibration\nWater tank: 2.5 L\nPower: 1450 W",
    "SH-10": "Zones: up to 32 wireless\nSiren: 104 dB\nBackup battery: 12 V, 24 h\nApp and SMS alerts",
    "PG-6": "Output: 6 kVA (5.5 kW continuous)\nFuel: petrol, 25 L tank\nRuntime: 10 h at half load\nAVR regulated",
}
# Discontinued parts: kept in the catalog for old visits, never offered to technicians.
INACTIVE_PARTS = [("HP-PCB-01", "Heat pump control board (first revision)", 29900),
                  ("VP-PSU-00", "TV power supply board (first series)", 10900)]


def _education(models: list[ProductModel]) -> None:
    """What customers learn on the QR page: full specifications, return conditions, a video
    next to each manual, and two or three answered questions per model; and discontinued parts."""
    for model in models:
        slug = model.model_number.lower()
        model.specifications = SPECIFICATIONS.get(model.model_number, model.specifications)
        model.return_conditions = (
            f"Within {model.return_window_days} days of purchase, unused, in the original packaging and with the "
            "receipt. Installed units are repaired under warranty instead." if model.returns_allowed else None)
        model.resources.append(ProductResource(kind=ResourceKind.VIDEO, title="Getting started (video)",
                                               url=f"https://videos.example.com/{slug}/getting-started"))
        model.faq_entries = [
            FaqEntry(position=0, question="What does the warranty cover?",
                     answer=f"Parts and labour for {model.warranty_months} months from the sales date. "
                            "Damage from misuse, frost or lightning is not covered."),
            FaqEntry(position=1, question="Who do I call when it breaks down?",
                     answer="Scan the label on the product and send a request from this page, or call us "
                            "with the serial number from the label at hand."),
        ]
        if model.maintenance_interval_months:
            model.faq_entries.append(FaqEntry(
                position=2, question="How often does it need maintenance?",
                answer=f"Every {model.maintenance_interval_months} months; the next date is shown at the "
                       "top of this page. Between visits, follow the care tips."))
    db.session.add_all([Part(sku=sku, name=name, unit_price_cents=price, active=False)
                        for sku, name, price in INACTIVE_PARTS])
