"""A realistic demo company, generated deterministically so every run is the same.

Dates are relative to the day of loading: each technician has visits yesterday, today and on
the coming days.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta


from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from fieldapp import clock, money
from fieldapp.extensions import db
from fieldapp.models import (
    ASPECTS, Asset, AttentionItem, Case, CaseStatus, CaseType, Channel, Complaint, ComplaintSource, Coverage,
    CoverageKind, Customer, FollowUp, FollowUpKind, FollowUpSource, Outcome, Part, PaymentStatus, Priority,
    ProductModel, ProductResource, Rating, RatingSource, RemoteSupportOutcome, RemoteSupportSession, ResourceKind,
    Role, ServiceType, TechnicianSkill, User, Visit, VisitPart, VisitStatus,
)
from fieldapp.models import FaqEntry
from fieldapp.dates import add_months
from fieldapp.orm import utcnow
from fieldapp.services import lifecycle
from fieldapp.services.numbering import next_case_number

DEMO_PASSWORD = "fieldapp-demo"
# email, name, role, phone, language (None: the company's, English)
DEMO_USERS = [
    ("admin@demo.test", "Alex Admin", Role.ADMIN, "+31 20 555 0100", None),
    ("dispatcher@demo.test", "Dana Dispatch", Role.DISPATCHER, "+31 20 555 0101", None),
    ("tech@demo.test", "Tom Technician", Role.TECHNICIAN, "+31 6 5550 0102", None),
    ("tech2@demo.test", "Tara Technician", Role.TECHNICIAN, "+31 6 5550 0103", None),
    ("tech3@demo.test", "Theo Technician", Role.TECHNICIAN, "+31 6 5550 0104", None),
    ("disponent@demo.test", "Jonas Becker", Role.DISPATCHER, "+49 30 555 0105", "de"),
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

FIRST = ["Anna", "Bram", "Chloé", "Daan", "Eva", "Finn", "Greta", "Hugo", "Iris", "Jesse", "Kim",
         "Lars", "Mila", "Noah", "Olga", "Pieter", "Quinn", "Rosa", "Sem", "Tess"]
LAST = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "Bos", "Peters"]
STREETS = ["Keizersgracht", "Lindenlaan", "Molenweg", "Stationsstraat", "Dorpsstraat", "Parkweg",
           "Kerkstraat", "Julianalaan", "Beukenlaan", "Havenkade"]
CITIES = [("1015 AB", "Amsterdam"), ("3511 CD", "Utrecht"), ("2511 EF", "Den Haag"),
          ("3011 GH", "Rotterdam"), ("2011 JK", "Haarlem")]
PROBLEMS = [
    "Unit shows error E4 and stops after a few minutes.",
    "Strange rattling noise when running.",
    "Not powering on since the storm last week.",
    "Leaking water underneath.",
    "Performance has dropped; takes much longer than before.",
    "Annual maintenance due.",
    "Installation of the new unit, customer requests a walkthrough.",
    "Display flickers intermittently.",
    "Trips the circuit breaker when started.",
    "Remote/app cannot connect to the unit.",
]
ACTIONS = [
    "Diagnosed faulty component, replaced it and tested a full cycle.",
    "Cleaned and recalibrated the system; verified normal operation.",
    "Updated firmware and reset configuration; checked error log is clear.",
    "Tightened connections, replaced worn seal, no leaks after test run.",
]
COMMENTS = ["Quick and friendly, thanks!", "Explained everything clearly.", "Arrived a bit late but fixed it.",
            "Very professional.", "", "Would like a follow-up call about the settings."]
# (day offset, local hour) slots per technician
SLOTS = [(-1, 8), (-1, 11), (-1, 14), (0, 8), (0, 10), (0, 13), (0, 15),
         (1, 9), (1, 13), (2, 9), (2, 14), (3, 10), (4, 9), (5, 11)]


def demo_loaded() -> bool:
    return db.session.scalar(select(User.id).where(User.email == DEMO_USERS[0][0])) is not None


def database_is_empty() -> bool:
    return db.session.scalar(select(func.count(User.id))) == 0


def load_demo() -> bool:
    """Load the demo company once; returns False (changing nothing) if it is already there."""
    if demo_loaded():
        return False
    rng = random.Random(2026)
    users = _users()
    models = _product_models()
    parts = _parts()
    _education(models)
    customers = _customers(rng)
    assets = _assets(rng, models, customers)
    technicians = [u for u in users if u.role is Role.TECHNICIAN]
    dispatcher = next(u for u in users if u.role is Role.DISPATCHER)
    _history(rng, assets, technicians, dispatcher, parts)
    _schedule(rng, assets, technicians, dispatcher, parts)
    _open_requests(rng, assets, dispatcher)
    _after_visit(dispatcher, next(u for u in users if u.role is Role.ADMIN))
    _fault_codes(assets, technicians, dispatcher, parts)
    _coverage_sales(assets, dispatcher)
    _returns(assets, models, dispatcher)
    db.session.flush()
    return True


def _users() -> list[User]:
    users = []
    password_hash = generate_password_hash(DEMO_PASSWORD)  # one password for all: hashed once
    for email, name, role, phone, language in DEMO_USERS:
        users.append(User(email=email, name=name, role=role, phone=phone, password_hash=password_hash,
                          language=language,
                          skills=[TechnicianSkill(category=c) for c in DEMO_SKILLS.get(email, ())]))
    db.session.add_all(users)
    return users


def _product_models() -> list[ProductModel]:
    models = []
    for name, number, category, warranty, maintenance, returns, tips in PRODUCT_MODELS:
        model = ProductModel(
            name=name, model_number=number, category=category, warranty_months=warranty,
            maintenance_interval_months=maintenance, return_window_days=returns, care_tips=tips,
            specifications=f"{name}. Rated for household use. See the manual for full specifications.",
            warranty_terms=f"{warranty // 12}-year manufacturer warranty on parts and labour. "
                           "Transport is charged outside the service area. Damage from misuse is excluded.",
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


def _customers(rng: random.Random) -> list[Customer]:
    customers = []
    for i in range(40):
        first, last = FIRST[i % len(FIRST)], LAST[(i * 7) % len(LAST)]
        postcode, city = rng.choice(CITIES)
        customers.append(Customer(
            name=f"{first} {last}",
            phone=f"+31 6 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
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
        asset = Asset(serial_number=f"{model.model_number.replace('-', '')}-{sold.year}-{i + 1:05d}",
                      product_model=model, customer=customers[(i * 3) % len(customers)], sales_date=sold)
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


def _new_case(rng: random.Random, asset: Asset, dispatcher: User, status: CaseStatus,
              created: datetime, **fields) -> Case:
    year = clock.local(created).year
    case = Case(
        number=next_case_number(year), asset=asset, customer=asset.customer,
        channel=rng.choice([Channel.PHONE, Channel.PHONE, Channel.EMAIL, Channel.CHAT, Channel.WEB, Channel.QR]),
        description=rng.choice(PROBLEMS), status=status, created_by=dispatcher, created_at=created,
        priority=rng.choice([Priority.NORMAL, Priority.NORMAL, Priority.NORMAL, Priority.HIGH, Priority.LOW]),
        contact_name=asset.customer.name, contact_phone=asset.customer.phone, **fields,
    )
    db.session.add(case)
    lifecycle.opened(case, dispatcher, at=created)
    return case


def _visit(case: Case, technician: User, start: datetime, service_type: ServiceType) -> Visit:
    visit = Visit(case=case, technician=technician, scheduled_start=start,
                  scheduled_end=start + timedelta(hours=2), expected_minutes=90, service_type=service_type,
                  notes_for_technician="Customer asks to ring twice.")
    db.session.add(visit)
    booked = min(case.created_at + timedelta(hours=2), start - timedelta(minutes=30))
    lifecycle.record(case, "visit_scheduled", f"{technician.name}, {start:%d %b %H:%M} UTC", case.created_by,
                     visit, from_status=CaseStatus.NEW, to_status=CaseStatus.SCHEDULED, at=booked)
    return visit


def _resolve(case: Case, visit: Visit) -> None:
    case.status = CaseStatus.RESOLVED
    case.resolved_at = visit.completed_at
    case.resolution_summary = visit.actions_taken
    lifecycle.record(case, "visit_completed", f"Resolved: {visit.actions_taken}", visit.technician, visit,
                     from_status=CaseStatus.SCHEDULED, to_status=CaseStatus.RESOLVED, at=visit.completed_at)


def _complete(rng: random.Random, visit: Visit, parts: list[Part], rated: bool = True) -> None:
    """Fill in a finished visit: times, work done, parts, costs and (usually) a rating."""
    visit.status = VisitStatus.COMPLETED
    visit.travel_started_at = visit.scheduled_start - timedelta(minutes=rng.randint(15, 40))
    visit.arrived_at = visit.scheduled_start + timedelta(minutes=rng.randint(-5, 25))
    visit.completed_at = visit.arrived_at + timedelta(minutes=rng.randint(35, 110))
    visit.outcome = Outcome.RESOLVED
    visit.actions_taken = rng.choice(ACTIONS)
    tips = visit.case.asset.product_model.care_tip_list
    visit.preventative_advice = tips[0] if tips else None
    visit.transport_cost_cents = rng.choice([0, 2500, 3500])
    day = clock.local_day(visit.scheduled_start)
    coverage = visit.case.asset.coverage_on(day)
    for part in rng.sample(parts, rng.choice([0, 1, 1, 2])):
        visit.parts.append(VisitPart(
            part=part, quantity=1, unit_cost_cents=part.unit_price_cents,
            faulty_serial=f"F{rng.randint(100000, 999999)}", replacement_serial=f"R{rng.randint(100000, 999999)}",
            covered=bool(coverage and coverage.covers_parts)))
    if coverage is None:
        visit.payment_status = rng.choice([PaymentStatus.TO_INVOICE, PaymentStatus.PAID])
    elif coverage.kind is CoverageKind.SERVICE_CONTRACT:
        visit.payment_status = PaymentStatus.COVERED_CONTRACT
    else:
        visit.payment_status = PaymentStatus.COVERED_WARRANTY
    if rated:
        overall = rng.choice([5, 5, 4, 4, 3, 2])
        scores = {a: max(1, min(5, overall + rng.choice([-1, 0, 0, 1]))) for a in ASPECTS}
        scores["overall"] = overall
        complaint = "Technician left packaging behind." if overall <= 2 else None
        visit.rating = Rating(source=rng.choice([RatingSource.ON_SITE, RatingSource.QR]),
                              comments=rng.choice(COMMENTS) or None, complaint=complaint,
                              signer_name=visit.case.customer.name, created_at=visit.completed_at, **scores)
        if complaint:
            visit.case.complaints.append(Complaint(
                source=ComplaintSource.ON_SITE_RATING, description=complaint, received_at=visit.completed_at,
                resolution="Apologised by phone; reminded the team of the clean-up checklist.",
                resolved_at=visit.completed_at + timedelta(days=1)))


def _history(rng, assets, technicians, dispatcher, parts) -> None:
    """Closed cases over the past months, each with a completed visit."""
    now = utcnow()
    today = clock.today()
    for i, asset in enumerate(assets[:30]):
        # Opened after the sale: up to 8 hours and a time-zone day earlier still lands after it.
        owned_days = (today - asset.sales_date).days
        opened = now - timedelta(days=rng.randint(10, min(300, owned_days - 2)), hours=rng.randint(0, 8))
        case = _new_case(rng, asset, dispatcher, CaseStatus.CLOSED, opened,
                         assessment_notes="Customer described the fault; a visit is needed.")
        start = _round_hour(opened + timedelta(days=rng.randint(1, 4)))
        visit = _visit(case, technicians[i % len(technicians)], start,
                       rng.choice([ServiceType.REPAIR, ServiceType.MAINTENANCE, ServiceType.TROUBLESHOOTING]))
        _complete(rng, visit, parts, rated=i % 3 != 0)
        _resolve(case, visit)
        case.status = CaseStatus.CLOSED
        case.closed_on = clock.local_day(visit.completed_at)
        lifecycle.record(case, "closed", "Report sent to the customer.", dispatcher, from_status=CaseStatus.RESOLVED,
                         to_status=CaseStatus.CLOSED, at=visit.completed_at + timedelta(hours=3))
        if i % 6 == 0:
            case.follow_ups.append(FollowUp(kind=FollowUpKind.CALL, due_on=case.closed_on + timedelta(days=14),
                                            done_at=visit.completed_at + timedelta(days=14),
                                            outcome="Customer satisfied, no further issues.",
                                            created_by_id=None))


def _schedule(rng, assets, technicians, dispatcher, parts) -> None:
    """Each technician's visits: yesterday (done), today and the coming days (planned)."""
    today = clock.today()
    pool = iter(assets[30:])
    for tech in technicians:
        for offset, hour in SLOTS:
            asset = next(pool, None) or rng.choice(assets)
            start = clock.at_local(today + timedelta(days=offset), hour)
            service = rng.choice(list(ServiceType))
            case = _new_case(rng, asset, dispatcher, CaseStatus.SCHEDULED, start - timedelta(days=rng.randint(1, 6)),
                             assessment_notes="Could not be solved remotely; visit booked.")
            if service is ServiceType.INSTALLATION:
                case.case_type = CaseType.INSTALLATION
            elif service is ServiceType.MAINTENANCE:
                case.case_type = CaseType.MAINTENANCE
            visit = _visit(case, tech, start, service)
            if offset < 0:
                _complete(rng, visit, parts, rated=hour != 14)
                _resolve(case, visit)
            elif offset == 0 and hour == 8 and tech is technicians[-1]:  # one visit under way right now
                visit.status = VisitStatus.ON_SITE
                visit.travel_started_at = start - timedelta(minutes=25)
                visit.arrived_at = start
                case.status = CaseStatus.IN_PROGRESS
                lifecycle.record(case, "visit_arrived", None, tech, visit, from_status=CaseStatus.SCHEDULED,
                                 to_status=CaseStatus.IN_PROGRESS, at=start)


# The dispatcher's queue: a case in every open status (and one cancelled), each with its story.
OPEN_STATES = [
    (CaseStatus.NEW, None),
    (CaseStatus.NEW, None),
    (CaseStatus.ASSESSING, "Unit trips the breaker; asked for photos of the label."),
    (CaseStatus.REMOTE_SUPPORT, "Walked the customer through a reset by phone; waiting to hear back."),
    (CaseStatus.VISIT_NEEDED, "Reset did not help: a technician must look at it."),
    (CaseStatus.WAITING_CUSTOMER, "Customer will send the purchase receipt."),
    (CaseStatus.WAITING_PARTS, "Control board ordered, expected within 5 days."),
    (CaseStatus.REOPENED, "Same fault again two weeks after the repair."),
    (CaseStatus.CANCELLED, "Customer solved it themselves."),
]


def _open_requests(rng, assets, dispatcher) -> None:
    """Requests in the dispatcher's queue in every open status; one flagged for attention."""
    now = utcnow()
    for i, (status, note) in enumerate(OPEN_STATES):
        asset = assets[(i * 11 + 5) % len(assets)]
        opened = now - timedelta(hours=rng.randint(2, 60))
        case = _new_case(rng, asset, dispatcher, status, opened, assessment_notes=note)
        if status is not CaseStatus.NEW:
            lifecycle.record(case, "status", note, dispatcher, from_status=CaseStatus.NEW, to_status=status,
                             at=opened + timedelta(minutes=40))
        if status is CaseStatus.REMOTE_SUPPORT:
            case.remote_sessions.append(RemoteSupportSession(
                channel=Channel.PHONE, steps=note, outcome=RemoteSupportOutcome.CUSTOMER_TO_TRY,
                at=opened + timedelta(minutes=30), user_id=dispatcher.id))
        if status is CaseStatus.VISIT_NEEDED:
            case.follow_ups.append(FollowUp(kind=FollowUpKind.CALL, due_on=clock.today() + timedelta(days=2),
                                            notes="Check the unit runs normally after the reset."))
        if i == 0:
            case.priority = Priority.URGENT
            case.complaints.append(Complaint(source=ComplaintSource.PHONE,
                                             description="Second failure within a month; customer is unhappy."))
            lifecycle.raise_attention(case, "Complaint: second failure within a month", dispatcher)


def _round_hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def _after_visit(dispatcher: User, admin: User) -> None:
    """Follow-ups in every list of the office's queue (some done with their outcome, one a
    satisfaction call), complaints open with an owner, open without one and resolved with the
    customer's answer, and a recent low rating still waiting on its case."""
    db.session.flush()
    now, today = utcnow(), clock.today()
    completed = db.session.scalars(select(Visit).where(Visit.status == VisitStatus.COMPLETED)
                                   .order_by(Visit.completed_at.desc(), Visit.id)).all()
    recent = [v for v in completed if v.case.status is CaseStatus.RESOLVED]  # yesterday's visits
    closed = [v for v in completed if v.case.status is CaseStatus.CLOSED]

    def follow_up(visit, kind, due_days, notes, source=FollowUpSource.DISPATCHER, done=None):
        row = FollowUp(kind=kind, source=source, due_on=today + timedelta(days=due_days), notes=notes,
                       created_at=now - timedelta(days=3), created_by_id=dispatcher.id,
                       visit=visit if source is not FollowUpSource.DISPATCHER else None)
        if source is FollowUpSource.RECOMMENDATION:
            row.created_by_id = visit.technician_id
        if done:
            row.done_at, row.done_by_id, row.outcome = now - timedelta(days=1), dispatcher.id, done
        visit.case.follow_ups.append(row)

    follow_up(recent[0], FollowUpKind.CALL, -2, "Check the unit restarted normally after the repair.")
    follow_up(recent[1], FollowUpKind.EMAIL, -1, "Send the maintenance schedule the customer asked for.")
    follow_up(recent[2], FollowUpKind.CALL, 0, "How did the visit go?", FollowUpSource.SATISFACTION)
    follow_up(recent[3], FollowUpKind.SURVEY, 0, "Ask for the satisfaction survey.")
    follow_up(recent[4], FollowUpKind.VISIT, 5, "Replace the worn seal once the part is in.",
              FollowUpSource.RECOMMENDATION)
    follow_up(recent[5], FollowUpKind.CALL, 10, "Check the new settings suit them.")
    follow_up(closed[0], FollowUpKind.CALL, -6, "How did the visit go?", FollowUpSource.SATISFACTION,
              done="Customer happy: unit quiet since the repair.")
    follow_up(closed[1], FollowUpKind.EMAIL, -4, "Send the care tips.",
              done="Sent the care tips; the customer thanked us.")

    def complaint(case, source, text, received, owner=None, visit=None):
        reason = f"Complaint ({source.label.lower()}): {text}"[:200]
        item = AttentionItem(reason=reason, raised_at=received)
        case.attention_items.append(item)
        case.needs_attention = True
        lifecycle.record(case, "attention", reason, dispatcher, visit, at=received)
        row = Complaint(source=source, description=text, received_at=received, owner=owner, visit=visit,
                        attention_item=item)
        case.complaints.append(row)
        return row, item

    reopened = db.session.scalar(select(Case).where(Case.status == CaseStatus.REOPENED))
    complaint(reopened, ComplaintSource.PHONE, "Same fault two weeks after the repair; wants a senior technician.",
              now - timedelta(days=2), owner=dispatcher)
    complaint(recent[6].case, ComplaintSource.QR_PAGE, "The technician left the old filter and packaging in the "
              "hallway.\n\nFrom: " + recent[6].case.contact_name, now - timedelta(hours=5), visit=recent[6])
    resolved, item = complaint(closed[2].case, ComplaintSource.EMAIL, "Invoice charged transport although the unit "
                               "is under warranty.", now - timedelta(days=9), owner=admin)
    resolved.resolution = "Checked the coverage: transport is not covered, but we waived it as a goodwill gesture."
    resolved.customer_response = "Customer thanked us and accepted."
    resolved.resolved_at = item.cleared_at = now - timedelta(days=8)
    resolved.resolved_by = admin
    item.cleared_by_id, item.clear_note = admin.id, f"Complaint resolved: {resolved.resolution}"
    closed[2].case.needs_attention = False
    lifecycle.record(closed[2].case, "complaint_resolved", f"{resolved.resolution} — the customer: "
                     f"{resolved.customer_response}", admin, at=resolved.resolved_at)
    # The complaint taken with the urgent request resolves with its attention item.
    urgent = db.session.scalar(select(Case).where(Case.priority == Priority.URGENT, Case.status == CaseStatus.NEW))
    if urgent is not None and urgent.complaints and urgent.attention_items:
        urgent.complaints[0].attention_item = urgent.attention_items[0]
    # A low rating from yesterday, waiting for a call back.
    rated = next((v for v in reversed(recent) if v.rating is not None and not v.case.complaints), None)
    if rated is not None:
        rated.rating.overall = 2
        lifecycle.raise_attention(rated.case, "Customer rated 2/5", visit=rated)


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
# Models whose fault rises in the last weeks (the Reports page flags them): model number, symptom, cause, remedy.
RISING_FAULTS = [("HP-9", "NO-HEAT", "EXV", "REPLACE"), ("WM-8", "NO-DRAIN", "PUMP", "CLEAN")]


def _fault_codes(assets, technicians, dispatcher, parts) -> None:
    """The fault-code taxonomy; codes on every completed visit; recent repairs of one fault on two
    models, so their rate rises (one of them a product back within days); and the cost totals that
    completing a visit stores, which the Reports page sums."""
    from fieldapp.models import FaultCode, FaultKind
    from fieldapp.services import costs

    rng = random.Random(8)
    codes = {}
    for category, rows in FAULT_CODES.items():
        for kind, code, label in rows:
            codes[code] = FaultCode(category=category, kind=FaultKind(kind), code=code, label=label)
    db.session.add_all(codes.values())
    now = utcnow()
    for number, symptom, cause, remedy in RISING_FAULTS:
        model_assets = [a for a in assets if a.product_model.model_number == number]
        for i, asset in enumerate(model_assets[:4] + model_assets[:1]):  # the first one comes back
            opened = now - timedelta(days=3 + 5 * i, hours=rng.randint(1, 6))
            case = _new_case(rng, asset, dispatcher, CaseStatus.SCHEDULED, opened,
                             assessment_notes="Same complaint as other units of this model.")
            visit = _visit(case, technicians[i % len(technicians)], _round_hour(opened + timedelta(hours=20)),
                           ServiceType.REPAIR)
            _complete(rng, visit, parts)
            _resolve(case, visit)
            visit.symptom_code, visit.cause_code, visit.remedy_code = codes[symptom], codes[cause], codes[remedy]
    db.session.flush()
    for visit in db.session.scalars(select(Visit).where(Visit.status == VisitStatus.COMPLETED)):
        category = visit.case.asset.product_model.category if visit.case.asset else None
        if visit.symptom_code is None:
            fitting = {kind: [c for c in codes.values() if c.kind is kind and c.category in (None, category)
                              and c.code not in {s for _, s, _, _ in RISING_FAULTS}] for kind in FaultKind}
            visit.symptom_code = rng.choice(fitting[FaultKind.SYMPTOM])
            visit.cause_code = rng.choice(fitting[FaultKind.CAUSE])
            visit.remedy_code = rng.choice(fitting[FaultKind.REMEDY])
        if visit.total_cents is None:
            costs.store_totals(visit)


def _coverage_sales(assets, dispatcher) -> None:
    """Coverage plans on sale, a few sold (two of them ending within the month: renewal calls),
    and the maintenance planner run once, so the queue holds maintenance cases."""
    from fieldapp.domain import DomainError
    from fieldapp.models import CoveragePlan
    from fieldapp.services import coverage, maintenance, settings

    today = clock.today()
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
        kind = CoverageKind(plan.kind)
        try:
            coverage.sell(asset, plan, start or coverage.default_start(asset, kind, today), plan.price_cents,
                          f"DEMO-{asset.id:04d}", dispatcher)
        except DomainError:
            continue  # it would overlap the demo's own contracts: not sold
    maintenance.refresh_stale(today)  # the demo's rows were written around the services
    maintenance.plan(settings.current().maintenance_horizon_weeks, today, dispatcher)




def _returns(assets, models, dispatcher) -> None:
    """Return requests in every status: requested within the window and after it, approved,
    received, refunded long ago, and refused for a model that cannot be returned; with the return
    conditions of a few models. The demo's sales are all weeks old, so three products without
    an open case (those without any case first) become recent sales, their cover moved with them."""
    from fieldapp.models import OPEN_CASE_STATUSES, ReturnCondition as C, ReturnDecision as D, ReturnRequest, \
        ReturnStatus as R
    from fieldapp.services import returns

    rng = random.Random(10)
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
        judged = returns.eligibility(asset, requested_on)
        done = not status.is_open
        case = _new_case(rng, asset, dispatcher, CaseStatus.RESOLVED if done else CaseStatus.NEW, asked_at,
                         case_type=CaseType.RETURN)
        case.description, case.priority = f"Return: {why}", Priority.NORMAL
        ret = ReturnRequest(asset=asset, reason=why, condition=condition, requested_on=requested_on,
                            eligible=judged.eligible, eligibility_reason=judged.reason, status=status,
                            created_by=dispatcher, created_at=asked_at, decision=decision, amount_cents=amount)
        case.return_requests.append(ret)
        steps = [("return_requested", f"{condition.label}: {why} — "
                                      f"{'eligible' if judged.eligible else 'not eligible'}: {judged.reason}.")]
        if decision:
            steps.append(("return_approved", decision.label))
        if status in (R.RECEIVED, R.REFUNDED):
            steps.append(("return_received", "Back in the warehouse, checked."))
        if status is R.REFUNDED:
            steps.append(("return_completed", f"Refunded: {money.display(amount)}"))
        if status is R.REFUSED:
            ret.refusal_reason = "Installed systems are not taken back; offered a repair under warranty instead."
            steps.append(("return_refused", ret.refusal_reason))
        for n, (kind, note) in enumerate(steps, start=1):
            lifecycle.record(case, kind, note, dispatcher, at=asked_at + timedelta(minutes=n * 5 if asked_ago == 0
                                                                                   else n * 20 * 60))
        if done:
            case.resolution_summary = steps[-1][1]
            case.resolved_at = asked_at + timedelta(hours=len(steps) * 20 + 1)
            lifecycle.record(case, "resolved", case.resolution_summary, dispatcher, from_status=CaseStatus.NEW,
                             to_status=CaseStatus.RESOLVED, at=case.resolved_at)


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
