"""Hostile input to every form field of every POST route, and to the typed GET parameters:
control characters, bidi overrides, huge and exponent numbers, 20-digit ids, overlong text,
markup with an htmx attribute, invalid UTF-8, emoji, full-width digits, blanks.

Each example starts from a valid submission and makes some fields hostile, with values that are
invalid for the field they go in; so the answer is a 4xx (never a 5xx), nothing is stored and the
markup comes back escaped. A POST route without an entry here fails the suite (as test_access
does for access), so a new route cannot be forgotten. One app per route; derandomized for CI."""
from __future__ import annotations

import inspect
import io
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable
from urllib.parse import quote, quote_plus

import pytest
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms import BooleanField, DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

import fieldapp
from fieldapp.extensions import db
from fieldapp.forms.account import LanguageForm, PasswordChangeForm, PinForm, UnlockForm
from fieldapp.forms.admin import OwnPhoneForm, SkillsForm, UserCreateForm, UserPasswordForm, UserProfileForm, UserRoleForm
from fieldapp.forms.assets import AssetForm, CoverageForm, NewCaseForm
from fieldapp.forms.customers import CustomerForm, NewCustomerForm
from fieldapp.forms.catalog import (
    FaqForm, FaqTranslationsForm, FaultCodeTranslationsForm, ModelTranslationsForm, ResourceTranslationsForm, NewFaqForm, NewPartForm, NewProductModelForm, NewResourceForm, PartForm, ProductModelForm, ResourceForm,
)
from fieldapp.forms.intake import IntakeForm
from fieldapp.forms.cases import AssessForm, CloseForm, NoteForm, RemoteSupportForm, ResolveForm, StatusForm
from fieldapp.forms.reports import EmailReportForm
from fieldapp.forms.settings import SettingsForm
from fieldapp.forms.scheduling import CancelVisitForm, QuickBookForm, ReassignForm, RescheduleForm, ScheduleForm
from fieldapp.forms.auth import LoginForm
from fieldapp.money import MAX_CENTS as MAX_MONEY_CENTS
from fieldapp.forms.fields import ClientIdField, HappenedAtField, IdField, IdSelectField, MoneyField
from fieldapp.forms.customer_links import CancelVisitForm as CustomerCancelForm
from fieldapp.forms.customer_links import ConfirmVisitForm, CustomerMessageForm, MoveVisitForm, SurveyForm
from fieldapp.forms.public import ServiceRequestForm, WebRequestForm
from fieldapp.forms.customer_links import FollowRequestForm
from fieldapp.forms.complaints import AssignForm, ComplaintForm, QrComplaintForm, ResolveComplaintForm
from fieldapp.forms.coverage import PlanForm, RenewalCallForm, SellPlanForm
from fieldapp.forms.maintenance import PlanMaintenanceForm
from fieldapp.forms.followups import FollowUpDoneForm, FollowUpForm
from fieldapp.forms.questions import AnswerForm, QuestionForm
from fieldapp.forms.agreements import AgreementForm
from fieldapp.forms.improvement import ActionStatusForm, CorrectiveActionForm
from fieldapp.forms.payments import PaymentForm
from fieldapp.forms.ratings import OfficeRatingForm, OnSiteRatingForm, RatingForm
from fieldapp.forms.recommendations import RecommendationFollowUpForm, RecommendationForm
from fieldapp.forms.returns import (
    ApproveReturnForm, CompleteReturnForm, PublicReturnForm, ReceiveReturnForm, RefuseReturnForm, StartReturnForm,
)
from fieldapp.forms.faults import FaultCodeForm, NewFaultCodeForm
from fieldapp.forms.customer_messages import MessageSettingsForm, MessageTemplateForm
from fieldapp.forms.visits import FaultCodesForm
from fieldapp.forms.visits import FIELD_FORMS, AddPartForm, CompleteForm, EditPartForm, NotCompletedForm, PhotoForm, \
    FirstStepForm, StartTravelForm, StepForm
from fieldapp.models import FaultKind, Role, VisitStatus
from fieldapp.values import MAX_ID
from tests.conftest import PASSWORD, Auth, Factory, jpeg_bytes
from tests.web.test_access import ADMIN, ANON, DISP, EXPECT, LOGIN, ROUTES, TECH, route_sample, route_url
from tests.web.test_input_hardening import png_with_bad_exif, webp_with_bad_exif

FUZZ = settings(max_examples=12, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large, HealthCheck.filter_too_much])

# --- Hostile values, per kind of field; each one invalid for the fields it is drawn for ---------------

HTMX_PAYLOAD = 'a"><b hx-post=/admin/users/1/active hx-trigger=load>'
RAW_MARKUP = "<b hx-post"  # in a response, this would be the payload unescaped
SPICE = st.sampled_from(["", "\"<>&'", HTMX_PAYLOAD, "😀", "１２３", "✓", "é", "\u3000", "\ud800", "\udfff",
                         "%00", "' OR 1=1 --", "ＳＮ"])
# Control characters every text field refuses; single-line fields also refuse these.
CONTROLS = [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"] + ["\x7f", "\x80", "\x85", "\x9f"]
SINGLE_LINE_ONLY = ["\t", "\n", "\r", *"\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"]
PLAIN = st.text(max_size=12) | SPICE
LETTERS = st.tuples(SPICE, st.text("abcxyz-", min_size=1, max_size=6)).map("".join)


def with_control(multiline: bool = False) -> st.SearchStrategy[str]:
    controls = CONTROLS if multiline else CONTROLS + SINGLE_LINE_ONLY
    return st.tuples(PLAIN, st.sampled_from(controls), PLAIN).map("".join)


def overlong(max_length: int) -> st.SearchStrategy[str]:
    return st.tuples(SPICE, st.sampled_from(["x", "é", "😀", "１", " x"])).map(
        lambda parts: parts[0] + parts[1] * (max_length + 1))


# Files that are no photo we can read; the ones that once passed the first checks come first.
BAD_FILES = [png_with_bad_exif(), webp_with_bad_exif(), jpeg_bytes()[:40], b"\x89PNG\r\n\x1a\n" + b"\x00" * 30,
             b"GIF89a", b"RIFF\x00\x00\x00\x00WEBP", b"", b"not an image", b"<svg onload=alert(1)>",
             None]  # None: no file at all
# Not a number for any numeric field (money drops spaces, so "1 2" is only bad for whole numbers).
HUGE_NUMBERS = ["1e999999", "1E+249998", "99999999999999999999", "9" * 60, "NaN", "Infinity", "-Infinity", "0x10",
                "１２３４５６７８９０１２３", "--1", "½"]


@dataclass(frozen=True)
class Spec:
    """What the fuzzer needs to know about one form field."""
    name: str
    kind: str  # text, money, id, integer, date, choice, flag, file, client_id, moment
    multiline: bool = False
    required: bool = False
    min_length: int = 0
    max_length: int | None = None
    low: int | None = None
    high: int | None = None
    choices: tuple[str, ...] = ()


def hostile(spec: Spec) -> st.SearchStrategy:
    blank = st.sampled_from(["", " "]) if spec.required else st.nothing()
    if spec.kind == "text":
        short = st.text("abc", min_size=1, max_size=spec.min_length - 1) if spec.min_length > 1 else st.nothing()
        return st.one_of(with_control(spec.multiline), overlong(spec.max_length) if spec.max_length else st.nothing(),
                         blank, short)
    if spec.kind == "money":
        return st.one_of(
            st.sampled_from([*HUGE_NUMBERS, "1e2", "2E-1", "sNaN", "€€", "€", "€ ", "1,2,3", "1.2.3", "１２",
                             "12.345", "-0.01", "-5", "100000.01", "12,50 EUR", "1" * 41]),
            st.integers(min_value=MAX_MONEY_CENTS // 100 + 1).map(str), st.integers(max_value=-1).map(str),
            st.builds("{}e{}".format, st.integers(0, 999), st.integers(-10**6, 10**6)),
            st.builds("{}.{}".format, st.integers(0, 999), st.integers(100, 10**6)),  # three decimals or more
            with_control(), LETTERS, blank)
    if spec.kind == "id":
        return st.one_of(
            st.sampled_from([*HUGE_NUMBERS, str(MAX_ID + 1), "0", "-1", "1e3", "1.0", "１", "0x1", "", " ", "1_0",
                             "+1", " 1", "1\n", "1.5"]),
            st.integers(min_value=MAX_ID + 1).map(str), st.integers(max_value=0).map(str), with_control(), LETTERS)
    if spec.kind == "integer":
        return st.one_of(
            st.integers(max_value=spec.low - 1).map(str), st.integers(min_value=spec.high + 1).map(str),
            st.sampled_from([*HUGE_NUMBERS, "1.5", "1 2"]),
            st.builds("{}{}{}".format, st.integers(0, 99), st.sampled_from(CONTROLS), st.integers(0, 99)),
            LETTERS, blank)
    if spec.kind == "time":
        return st.one_of(
            st.sampled_from(["25:00", "12:60", "24:00", "1e999999", "noon", "12", "12.30", "-1:00", "１２:００",
                             "12:00:00:00", "99999:00"]),
            st.builds("{}{}".format, st.sampled_from(["08:00", "13:30"]), st.sampled_from(CONTROLS + SINGLE_LINE_ONLY)),
            LETTERS, blank)
    if spec.kind == "date":
        return st.one_of(
            st.sampled_from(["2024-02-30", "2024-13-01", "0000-01-01", "99999-01-01", "2024/01/01", "31-12-2024",
                             "1e999999", "tomorrow", "2024-01-01T00:00", "2024-01-01 ", "20240101", "-2024-01-01"]),
            st.builds("{}{}".format, st.dates().map(str), st.sampled_from(CONTROLS + SINGLE_LINE_ONLY)),
            LETTERS, blank)
    if spec.kind == "choice":
        return st.one_of(PLAIN, with_control(), LETTERS, blank).filter(lambda value: value not in spec.choices)
    if spec.kind == "client_id":
        fresh = str(uuid.uuid4())
        return st.one_of(st.sampled_from(["", "not-a-uuid", fresh + "\n", fresh + "\x00", "１" + fresh[1:],
                                          f"{{{fresh}}}", fresh[:-1], fresh + "0", HTMX_PAYLOAD]), with_control())
    if spec.kind == "file":
        return st.one_of(st.sampled_from(BAD_FILES), st.binary(max_size=64))
    if spec.kind == "moment":  # when a change queued offline happened: bounded by the services too
        return st.one_of(
            st.sampled_from(["2999-01-01T00:00:00Z", "2000-01-01T00:00:00+00:00", "2026-11-23T10:00:00",
                             "1e999999", "yesterday", "2026-13-01T00:00:00Z", "9999-12-31T23:59:59+14:00",
                             "2026-11-23T10:00:00Z" + "0" * 40]),
            st.builds("{}{}".format, st.sampled_from(["2026-11-23T10:00:00Z"]), st.sampled_from(CONTROLS)),
            LETTERS)
    raise AssertionError(f"no hostile values for a {spec.kind} field ({spec.name})")


def any_junk() -> st.SearchStrategy:
    """For fields that take any value (a check box) or drop a bad one: only ever sent next to a hostile field."""
    return st.one_of(st.just("y"), st.just(None), PLAIN, with_control(), overlong(2000))


# --- Fields of a form, described from the form class -----------------------------------------------------

def describe(form_cls, app, skip=()) -> list[Spec]:
    with app.test_request_context():
        form = form_cls(formdata=None)
        return [_spec(f) for f in form if f.name not in ("csrf_token", *skip)]


def _spec(f) -> Spec:
    validators = f.validators or ()
    lengths = [v for v in validators if isinstance(v, Length)]
    required = any(isinstance(v, (DataRequired, InputRequired, FileRequired)) for v in validators) and not any(
        isinstance(v, Optional) for v in validators)
    common = {"name": f.name, "required": required}
    if isinstance(f, ClientIdField):
        return Spec(kind="client_id", **{**common, "required": True})
    if isinstance(f, HappenedAtField):
        return Spec(kind="moment", **common)
    if isinstance(f, MoneyField):
        return Spec(kind="money", **{**common, "required": f.required})
    if isinstance(f, (IdField, IdSelectField)):
        return Spec(kind="id", **{**common, "required": True})
    if isinstance(f, StringField):
        return Spec(kind="text", multiline=isinstance(f, TextAreaField), min_length=max([v.min for v in lengths] + [0]),
                    max_length=min([v.max for v in lengths if v.max != -1], default=None), **common)
    if isinstance(f, IntegerField):
        [bounds] = [v for v in validators if isinstance(v, NumberRange)]
        return Spec(kind="integer", low=bounds.min, high=bounds.max, **common)
    if isinstance(f, TimeField):
        return Spec(kind="time", **common)
    if isinstance(f, DateField):
        return Spec(kind="date", **common)
    if isinstance(f, (SelectField, RadioField)):
        values = (getattr(c, "value", c[0] if isinstance(c, tuple) else c) for c in f.choices)
        # "" is a placeholder, no choice, in a required select; in an optional one it is a choice
        # ("Same as the company" for one's language).
        return Spec(kind="choice", choices=tuple(str(v) for v in values if v != "" or not required), **common)
    if isinstance(f, BooleanField):
        return Spec(kind="flag", **common)
    if isinstance(f, FileField):
        return Spec(kind="file", **common)
    raise AssertionError(f"the fuzzer does not know {type(f).__name__} ({f.name}): add its hostile values")


# --- Routes --------------------------------------------------------------------------------------------

def _now():
    return datetime.now(timezone.utc)


def _asset(sample):
    sample["asset_id"]  # made on first use
    return sample.values["asset"]


def on_site(sample, client):
    """The sample visit, with the technician on site: editable, rateable, completable."""
    arrived = _now() - timedelta(minutes=30)
    sample.values["visit"] = sample.make.visit(sample.technician, sample.make.case(asset=_asset(sample)),
                                               status=VisitStatus.ON_SITE, start=arrived - timedelta(minutes=20),
                                               travel_started_at=arrived - timedelta(minutes=15), arrived_at=arrived)


def handed_over(sample, client):
    """The customer holds the phone: the unlock form is what the technician meets."""
    on_site(sample, client)
    client.post(f"/visits/{sample['visit_id']}/handover/start", data={"client_id": str(uuid.uuid4())}).close()


def completed_visit(sample, client):
    """A visit finished just now: the label's rating form accepts a rating."""
    sample.make.visit(sample.technician, sample.make.case(asset=_asset(sample)), status=VisitStatus.COMPLETED,
                      arrived_at=_now() - timedelta(hours=1), completed_at=_now())


def office_rateable(sample, client):
    """The sample case has a visit completed yesterday, not rated: the office may record its rating."""
    sample.values["visit"] = sample.make.visit(sample.technician, sample.make.case(asset=_asset(sample)),
                                               status=VisitStatus.COMPLETED, start=_now() - timedelta(days=1),
                                               arrived_at=_now() - timedelta(days=1),
                                               completed_at=_now() - timedelta(days=1) + timedelta(hours=1))


def billable(sample, client):
    """The sample case has a visit completed yesterday with €35.00 to pay: the office records payments."""
    sample.values["visit"] = sample.make.visit(sample.technician, sample.make.case(asset=_asset(sample)),
                                               status=VisitStatus.COMPLETED, start=_now() - timedelta(days=1),
                                               arrived_at=_now() - timedelta(days=1),
                                               completed_at=_now() - timedelta(days=1) + timedelta(hours=1),
                                               billable_cents=3500, total_cents=3500)


def returnable(sample, client):
    """The label's product was sold today: its page takes a return request."""
    sample.values["asset"] = sample.make.asset(sales_date=sample.make.today())


@dataclass(frozen=True)
class Fuzz:
    form: type  # the form the view reads
    valid: Callable[..., dict] | dict = field(default_factory=dict)  # where a generic valid value does not fit
    prepare: Callable | None = None  # state the route needs to reach its form
    skip: tuple[str, ...] = ()  # fields the view ignores
    lenient: tuple[str, ...] = ()  # fields that drop a bad value instead of refusing it: get junk, never alone
    url_args: tuple[tuple[str, str], ...] = ()


VISIT = {"prepare": on_site}
WHEN = {"day": "2030-03-15", "start": "13:00", "window_end": "15:00", "minutes": "60"}
POST_FUZZ: dict[str, Fuzz | dict[str, Fuzz]] = {
    "auth.login": Fuzz(LoginForm, lambda s: {"email": s.technician.email, "password": PASSWORD, "next": ""},
                       lenient=("next",)),
    "account.change_password": Fuzz(PasswordChangeForm, {"current_password": PASSWORD}),
    "account.set_pin": Fuzz(PinForm, {"pin": "1234", "confirm": "1234"}),
    "account.set_language": Fuzz(LanguageForm),
    "account.set_phone": Fuzz(OwnPhoneForm),
    "admin.set_profile": Fuzz(UserProfileForm),
    "admin.set_skills": Fuzz(SkillsForm, {"categories": "Heating"}),
    "admin.create_user": Fuzz(UserCreateForm, {"role": "dispatcher"}),
    "admin.set_role": Fuzz(UserRoleForm, {"role": "dispatcher"}),
    "admin.reset_password": Fuzz(UserPasswordForm),
    "settings.save": Fuzz(SettingsForm, {"satisfaction_call_days": "", "currency": "EUR"}),
    "reports.email": Fuzz(EmailReportForm, {"note": ""}),
    "assets.new": Fuzz(AssetForm, lambda s: _asset_ids(s)),
    "assets.edit": Fuzz(AssetForm, lambda s: _asset_ids(s), skip=("warranty_ends_on",)),
    "assets.save_coverage": Fuzz(CoverageForm, {"starts_on": "2025-01-01", "ends_on": "2025-12-31"}),
    "assets.open_case": Fuzz(NewCaseForm),
    "customers.new": Fuzz(NewCustomerForm),
    "customers.edit": Fuzz(CustomerForm),
    "catalog.new_model": Fuzz(NewProductModelForm),
    "catalog.model": Fuzz(ProductModelForm),
    "catalog.add_resource": Fuzz(NewResourceForm, {"url": "https://example.com/manual.pdf"}),
    "catalog.edit_resource": Fuzz(ResourceForm, {"url": "https://example.com/manual.pdf"}),
    "catalog.add_faq": Fuzz(NewFaqForm),
    "catalog.edit_faq": Fuzz(FaqForm),
    "catalog.model_translations": Fuzz(ModelTranslationsForm),
    "catalog.resource_translations": Fuzz(ResourceTranslationsForm),
    "catalog.faq_translations": Fuzz(FaqTranslationsForm),
    "faults.translations": Fuzz(FaultCodeTranslationsForm),
    "catalog.new_part": Fuzz(NewPartForm, {"sku": "NEW-SKU-1"}),
    "catalog.part": Fuzz(PartForm, {"sku": "NEW-SKU-1"}),
    "public.request_service": Fuzz(ServiceRequestForm, {"email": "", "website": "", "preferred_time": ""}),
    # The customer's pages: the visit's plan version is optional (a page drawn before versions).
    "my.write": Fuzz(CustomerMessageForm, {"website": ""}),
    "my.confirm": Fuzz(ConfirmVisitForm, {"version": ""}),
    "my.move": Fuzz(MoveVisitForm, {"version": "", "start": "2030-03-15T09:00:00+01:00"}),
    "my.cancel": Fuzz(CustomerCancelForm, {"version": ""}),
    "my.survey": Fuzz(SurveyForm),
    "public.rate": Fuzz(RatingForm, prepare=completed_visit),
    "public.ask": Fuzz(QuestionForm, {"asker_email": "new.person@example.com", "homepage": ""}),
    "web.request_service": Fuzz(WebRequestForm, {"email": "", "website": "", "preferred_time": "", "serial": "",
                                                 "postcode": ""}),
    "handover.submit": Fuzz(OnSiteRatingForm, **VISIT),
    "handover.start": Fuzz(StepForm, **VISIT),
    "handover.unlock": Fuzz(UnlockForm, {"secret": PASSWORD}, prepare=handed_over),
    "visits.start_travel": Fuzz(StartTravelForm, {"arrival_minutes": "20"}, **VISIT),
    "visits.arrive": Fuzz(FirstStepForm, **VISIT),
    "visits.complete": Fuzz(CompleteForm, **VISIT),
    "visits.not_complete": Fuzz(NotCompletedForm, **VISIT),
    "visits.save_field": {name: Fuzz(form, url_args=(("name", name),), **VISIT) for name, form in FIELD_FORMS.items()},
    "visit_parts.add": Fuzz(AddPartForm, lambda s: {"part_id": str(s.make.part().id), "unit_cost": ""}, **VISIT),
    "visit_parts.update": Fuzz(EditPartForm, **VISIT),
    "visit_parts.remove": Fuzz(StepForm, **VISIT),
    "visit_photos.add": Fuzz(PhotoForm, **VISIT),
    "visit_photos.remove": Fuzz(StepForm, **VISIT),
    "cases.assess": Fuzz(AssessForm, {"priority": "normal", "decision": "visit_needed"}),
    "cases.remote_support": Fuzz(RemoteSupportForm, {"channel": "phone", "outcome": "not_solved"}),
    "recommendations.add": Fuzz(RecommendationForm, {"kind": "check_up"}, **VISIT),
    "recommendations.remove": Fuzz(StepForm, **VISIT),
    "case_recommendations.follow_up": Fuzz(RecommendationFollowUpForm, {"kind": "call"}),
    "improvements.new": Fuzz(CorrectiveActionForm, lambda s: {
        "kind": "fault_code", "product_model_id": str(s.make.product_model().id),
        "fault_code_id": str(s.make.fault_code().id), "aspect": "", "owner_id": str(s.make.user(Role.DISPATCHER).id)}),
    "improvements.set_status": Fuzz(ActionStatusForm),
    "customers.add_agreement": Fuzz(AgreementForm, {"starts_on": "2026-12-01", "ends_on": "2027-11-30",
                                                    "maintenance_visits_per_year": "1"}),
    "payments.record": Fuzz(PaymentForm, {"method": "card"}, prepare=billable),
    "cases.take_rating": Fuzz(OfficeRatingForm, lambda s: {"visit_id": str(s.values["visit"].id)},
                              prepare=office_rateable),
    "cases.change_status": Fuzz(StatusForm, {"status": "waiting_customer"}),
    "cases.resolve": Fuzz(ResolveForm),
    "cases.close": Fuzz(CloseForm),
    "cases.reopen": Fuzz(NoteForm),
    "cases.clear_attention": Fuzz(NoteForm),
    "cases.add_note": Fuzz(NoteForm),
    "questions.answer": Fuzz(AnswerForm, {"to": "new.person@example.com"}),
    "scheduling.book": Fuzz(ScheduleForm, lambda s: {**WHEN, "technician_id": str(s.technician.id),
                                                     "service_type": "repair", "override_reason": ""}),
    "scheduling.reschedule": Fuzz(RescheduleForm, {**WHEN, "override_reason": ""}),
    "scheduling.reassign": Fuzz(ReassignForm, lambda s: {"technician_id": str(s.technician.id),
                                                        "override_reason": ""}),
    "scheduling.cancel": Fuzz(CancelVisitForm),
    "intake.new": Fuzz(IntakeForm, lambda s: {"customer_id": str(_asset(s).customer_id), "asset_id": "",
                                              "new_name": "", "new_email": "", "new_phone": "", "serial": "",
                                              "contact_email": "", "contact_phone": ""},
                       lenient=("asset_id",)),
    "scheduling.quick_book": Fuzz(QuickBookForm, lambda s: {"technician_id": str(s.technician.id), "day": "2030-03-15",
                                                            "start": "13:00"}),
    "followups.add": Fuzz(FollowUpForm, lambda s: {"kind": "call",
                                                   "due_on": (_now() + timedelta(days=5)).date().isoformat()}),
    "followups.done": Fuzz(FollowUpDoneForm, {"next_step": "none", "back": "queue"}),
    "complaints.log": Fuzz(ComplaintForm),
    "complaints.assign": Fuzz(AssignForm, lambda s: {"owner_id": str(s.make.user(Role.DISPATCHER).id),
                                                     "back": "queue"}),
    "complaints.resolve": Fuzz(ResolveComplaintForm, {"back": "queue"}),
    "public.complain": Fuzz(QrComplaintForm, {"email": "", "website": ""}),
    "maintenance.plan": Fuzz(PlanMaintenanceForm),
    "coverage.new_plan": Fuzz(PlanForm, {"kind": "service_contract"}),
    "coverage.edit_plan": Fuzz(PlanForm, {"kind": "service_contract"}),
    "coverage.sell": Fuzz(SellPlanForm, lambda s: {"plan_id": str(s.make.coverage_plan().id), "starts_on": "2030-03-15"}),
    "coverage.record_call": Fuzz(RenewalCallForm, {"outcome": "declined"}),
    "returns.start": Fuzz(StartReturnForm),
    "returns.approve": Fuzz(ApproveReturnForm),
    "returns.refuse": Fuzz(RefuseReturnForm),
    "returns.receive": Fuzz(ReceiveReturnForm),
    "returns.complete": Fuzz(CompleteReturnForm),
    "public.request_return": Fuzz(PublicReturnForm, {"email": "", "website": ""}, prepare=returnable),
    "public.follow_request": Fuzz(FollowRequestForm),
    "faults.create": Fuzz(NewFaultCodeForm, {"code": "NEW-CODE"}),
    "faults.edit": Fuzz(FaultCodeForm, {"code": "NEW-CODE"}),
    "customer_messages.save": Fuzz(MessageSettingsForm, {"country": "NL", "sms_url": ""}),
    "customer_messages.save_template": Fuzz(MessageTemplateForm),
}
# The fault-code chips need codes that exist: a valid pick of each kind, for every category.
POST_FUZZ["visits.save_field"]["fault_codes"] = Fuzz(
    FaultCodesForm, lambda s: {f"{kind.value}_code_id": str(s.make.fault_code(kind=kind).id) for kind in FaultKind},
    url_args=(("name", "fault_codes"),), **VISIT)
# Routes that read no typed value: only "never a 5xx" is asserted, whatever is sent.
NO_TYPED_INPUT = {
    "auth.logout": "a button",
    "account.remove_pin": "a button (ActionForm)",
    "account.end_sessions": "a button (ActionForm)",
    "admin.end_sessions": "a button (ActionForm)",
    "admin.set_active": "a check box: any value is a valid boolean",
    "assets.remove_coverage": "a button",
    "assets.replace_label": "a button",
    "mail.retry": "a button (ActionForm)",
    "case_recommendations.open_case": "a button (ActionForm)",
    "case_recommendations.decline": "a button (ActionForm)",
    "catalog.remove_model": "a button (ActionForm)",
    "catalog.remove_resource": "a button (ActionForm)",
    "catalog.remove_faq": "a button (ActionForm)",
    "catalog.deactivate_part": "a button (ActionForm)",
    "catalog.reactivate_part": "a button (ActionForm)",
    "coverage.deactivate_plan": "a button (ActionForm)",
    "coverage.activate_plan": "a button (ActionForm)",
    "faults.deactivate": "a button (ActionForm)",
    "faults.reactivate": "a button (ActionForm)",
    "customer_messages.built_in": "a button (ActionForm)",
    "my.stop_post": "a button (a mail client's one-click unsubscribe)",
    "customer_contact.revoke": "a button (ActionForm)",
}


def _asset_ids(sample) -> dict:
    asset = _asset(sample)
    return {"product_model_id": str(asset.product_model_id), "customer_id": str(asset.customer_id)}


@dataclass(frozen=True)
class Case:
    endpoint: str
    fuzz: Fuzz

    def __str__(self):
        return self.endpoint + "".join(f"[{value}]" for _, value in self.fuzz.url_args)


CASES = [Case(endpoint, fuzz) for endpoint, entry in sorted(POST_FUZZ.items())
         for fuzz in (entry.values() if isinstance(entry, dict) else [entry])]
POST_ROUTES = sorted({endpoint for endpoint, method in ROUTES if method == "POST"})


def allowed_role(endpoint: str, method: str = "POST") -> str:
    """The first role the access matrix lets through (anonymous first: public forms are the customers')."""
    expected = EXPECT[(endpoint, method)]
    return next(role for role in (ANON, TECH, DISP, ADMIN) if expected[role] not in (LOGIN, 403))


GENERIC_VALID = {"text": "Ordinary text 1", "money": "12.50", "date": "2024-03-15", "time": "13:00", "flag": "y",
                 "moment": ""}
VALID_BY_NAME = {"email": "new.person@example.com", "phone": "+31 6 1234 5678", "signature": "M1 1 L20 20",
                 "next": "", "website": ""}


def baseline(specs: list[Spec], fuzz: Fuzz, sample) -> dict:
    """A submission the form accepts."""
    values = {}
    for spec in specs:
        if spec.kind == "integer":
            values[spec.name] = str(spec.low)
        elif spec.kind == "choice":
            values[spec.name] = spec.choices[-1] if spec.choices else ""
        elif spec.kind == "id":
            values[spec.name] = "1"
        elif spec.kind == "client_id":
            values[spec.name] = None  # a fresh one for every request
        elif spec.kind == "file":
            values[spec.name] = jpeg_bytes()
        else:
            values[spec.name] = VALID_BY_NAME.get(spec.name, GENERIC_VALID[spec.kind])
    return {**values, **(fuzz.valid(sample) if callable(fuzz.valid) else fuzz.valid)}


@dataclass
class Env:
    app: object
    client: object
    url: str
    specs: list[Spec]
    valid: dict
    lenient: tuple[str, ...]


def signed_in(new_app, role: str):
    """A fresh app (no rate limits: the fuzzer is no flood), a client signed in as `role`, and
    test_access's sample rows for URL arguments."""
    app = new_app(RATELIMIT_ENABLED=False)
    client = app.test_client()
    make = Factory(app)
    me = Auth(client, make).as_role(Role(role)) if role != ANON else None
    return app, client, route_sample(make, me if role == TECH else make.user(Role.TECHNICIAN))


@pytest.fixture
def env(new_app, case) -> Env:
    """One app per route: signed in with a role the route allows, its state prepared."""
    app, client, sample = signed_in(new_app, allowed_role(case.endpoint))
    sample.values.update(dict(case.fuzz.url_args))
    if case.fuzz.prepare:
        case.fuzz.prepare(sample, client)
    url = route_url(app, case.endpoint, sample)
    specs = describe(case.fuzz.form, app, case.fuzz.skip)
    valid = baseline(specs, case.fuzz, sample)
    _assert_accepted(app, case.fuzz.form, specs, valid)
    return Env(app, client, url, specs, valid, case.fuzz.lenient)


def _assert_accepted(app, form_cls, specs, valid):
    """The baseline really is valid: so a refusal in the fuzz is the hostile field's doing."""
    values = _fill(specs, valid)
    data = {name: (io.BytesIO(value), "photo.jpg", "image/jpeg") if isinstance(value, bytes) else value
            for name, value in values.items() if value is not None}
    with app.test_request_context(method="POST", data=data):
        form = form_cls()
        for f in form:
            if isinstance(f, IdSelectField):
                f.choices = [(int(valid[f.name]), "chosen")]
        assert form.validate(), f"the fuzz baseline of {form_cls.__name__} is refused: {form.errors}"


def _fill(specs, values: dict) -> dict:
    """A fresh write id where the baseline leaves it open (a used one would skip the write)."""
    return {**values, **{spec.name: str(uuid.uuid4()) for spec in specs
                         if spec.kind == "client_id" and values.get(spec.name) is None}}


def snapshot(app) -> dict:
    """Every row of every table, and the uploaded files."""
    with app.app_context():
        # Plain SQL on one connection: this runs twice per example, over every table.
        connection = db.session.connection()
        rows = {table.name: sorted(map(repr, connection.exec_driver_sql(f'SELECT * FROM "{table.name}"').all()))
                for table in db.metadata.sorted_tables}
    uploads = Path(app.config["UPLOAD_FOLDER"])
    rows["files"] = sorted(str(p) for p in uploads.rglob("*")) if uploads.exists() else []
    return rows


def send(client, url: str, values: dict, htmx: bool):
    headers = {"HX-Request": "true"} if htmx else {}
    present = {name: value for name, value in values.items() if value is not None}
    if any(isinstance(value, bytes) for value in present.values()):
        # Multipart: the test client encodes text strictly, so invalid UTF-8 becomes U+FFFD here.
        data = {name: (io.BytesIO(value), "photo.jpg", "image/jpeg") if isinstance(value, bytes)
                else value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
                for name, value in present.items()}
        return client.post(url, data=data, headers=headers, content_type="multipart/form-data")
    # Lone surrogates go out as invalid UTF-8 bytes (the server decodes them to U+FFFD).
    body = "&".join(f"{quote_plus(name)}={quote_plus(value.encode('utf-8', 'surrogatepass'))}"
                    for name, value in present.items())
    return client.post(url, data=body, headers=headers, content_type="application/x-www-form-urlencoded")


@pytest.mark.parametrize("case", CASES, ids=str)
@FUZZ
@given(data=st.data())
def test_hostile_input_to_a_post_route_is_refused_and_nothing_is_stored(env, case, data):
    junk = [spec.name for spec in env.specs if spec.kind == "flag" or spec.name in env.lenient]
    checkable = [spec.name for spec in env.specs if spec.name not in junk]
    targets = data.draw(st.sets(st.sampled_from(checkable), min_size=1, max_size=3), label="hostile fields")
    values = dict(env.valid)
    for spec in env.specs:
        if spec.name in targets:
            values[spec.name] = data.draw(hostile(spec), label=spec.name)
        elif spec.name in junk:
            values[spec.name] = data.draw(any_junk(), label=spec.name)
    values = _fill(env.specs, values)
    before = snapshot(env.app)

    response = send(env.client, env.url, values, htmx=data.draw(st.booleans(), label="htmx"))

    body = response.get_data(as_text=True)
    assert 400 <= response.status_code < 500, re.findall(r"<title>(.*?)</title>|<p[^>]*>(.*?)</p>", body)[:6]
    assert RAW_MARKUP not in body
    assert snapshot(env.app) == before


JUNK_FIELDS = st.dictionaries(st.sampled_from(["client_id", "active", "value", "id", "csrf_token"]),
                              st.one_of(PLAIN, with_control(), st.sampled_from(HUGE_NUMBERS)), max_size=3)


@pytest.fixture
def button(new_app, endpoint):
    app, client, sample = signed_in(new_app, allowed_role(endpoint))
    return client, route_url(app, endpoint, sample)


@pytest.mark.parametrize("endpoint", sorted(NO_TYPED_INPUT))
@settings(FUZZ, max_examples=5)
@given(data=st.data())
def test_routes_without_typed_input_never_fail_on_junk(button, endpoint, data):
    client, url = button
    response = send(client, url, data.draw(JUNK_FIELDS), htmx=data.draw(st.booleans()))
    assert response.status_code < 500


def test_every_post_route_has_a_fuzz_entry():
    missing = [endpoint for endpoint in POST_ROUTES if endpoint not in POST_FUZZ and endpoint not in NO_TYPED_INPUT]
    stale = [endpoint for endpoint in [*POST_FUZZ, *NO_TYPED_INPUT] if endpoint not in POST_ROUTES]
    assert missing == [], f"POST routes without a fuzz entry (add one, or list them in NO_TYPED_INPUT): {missing}"
    assert stale == [] and not set(POST_FUZZ) & set(NO_TYPED_INPUT)


def _view_source(app, endpoint) -> str:
    return inspect.getsource(app.view_functions[endpoint])


def test_each_fuzz_entry_names_a_form_its_views_build(app):
    """The view's module builds the form named here (some views build it through a helper)."""
    wrong = [endpoint for endpoint, entry in POST_FUZZ.items() if not isinstance(entry, dict)
             and f"{entry.form.__name__}(" not in inspect.getsource(inspect.getmodule(app.view_functions[endpoint]))]
    assert wrong == []
    assert "FIELD_FORMS" in _view_source(app, "visits.save_field")
    # Forms built to read the request (not to render a page) in the routes said to take no typed input.
    def built_forms(endpoint) -> set[str]:
        names = set(re.findall(r"(\w+Form)\((?!formdata=None)", _view_source(app, endpoint)))
        found = vars(inspect.getmodule(app.view_functions[endpoint]))
        return {name for name in names if isinstance(found.get(name), type) and issubclass(found[name], FlaskForm)}

    reads = {endpoint: built_forms(endpoint) for endpoint in NO_TYPED_INPUT}
    typed = [endpoint for endpoint, forms in reads.items() if forms - {"ActionForm", "UserActiveForm"}]
    assert typed == [], "these routes now read a form: give them a POST_FUZZ entry"


# --- GET parameters typed by people ------------------------------------------------------------------------

GET_FUZZ = [  # (endpoint, parameter, role)
    ("assets.index", "q", DISP), ("assets.index", "page", DISP), ("admin.audit_log", "page", ADMIN),
    ("public.asset", "page", DISP), ("visit_parts.search", "q", TECH), ("scan.lookup", "serial", TECH),
    ("assets.labels", "ids", DISP), ("technician.today", "day", TECH), ("auth.login", "next", ANON),
    ("customers.index", "q", DISP), ("customers.index", "page", DISP), ("customers.index", "after", DISP),
    ("customers.index", "before", DISP), ("customers.pick", "q", DISP),
    ("customers.show", "page", DISP), ("intake.new", "customer_id", DISP),
    ("catalog.models", "q", DISP), ("catalog.models", "page", DISP), ("catalog.parts", "q", DISP),
    ("catalog.parts", "status", DISP), ("catalog.parts", "page", DISP),
    ("dispatch.board", "day", DISP), ("dispatch.board", "view", DISP), ("dispatch.board", "status", DISP),
    ("dispatch.board", "priority", DISP), ("dispatch.board", "channel", DISP), ("dispatch.board", "page", DISP),
    ("dispatch.board", "technician", DISP), ("dispatch.board", "lanes", DISP),
    ("scheduling.clashes", "technician_id", DISP), ("scheduling.clashes", "day", DISP),
    ("scheduling.clashes", "start", DISP), ("scheduling.clashes", "minutes", DISP),
    ("mail.index", "status", DISP), ("mail.index", "page", DISP),
    ("exports.download", "from", DISP), ("exports.download", "to", DISP),
    ("exports.download", "technician_id", DISP), ("exports.download", "model_id", DISP),
    ("exports.download", "customer_id", DISP), ("exports.download", "excel", DISP),
    ("followups.index", "bucket", DISP), ("followups.index", "kind", DISP), ("followups.index", "page", DISP),
    ("complaints.index", "state", DISP), ("complaints.index", "owner", DISP), ("complaints.index", "page", DISP),
    ("maintenance.index", "weeks", DISP), ("maintenance.index", "page", DISP),
    ("maintenance.index", "cases_page", DISP), ("coverage.renewals", "page", DISP),
    ("returns.index", "status", DISP), ("returns.index", "page", DISP),
    ("dashboard.index", "preset", DISP), ("dashboard.index", "from", DISP), ("dashboard.index", "to", DISP),
    ("dashboard.cases", "from", DISP), ("dashboard.cases", "to", DISP), ("dashboard.cases", "model_id", DISP),
    ("dashboard.cases", "technician_id", DISP), ("dashboard.cases", "code_id", DISP), ("dashboard.cases", "page", DISP),
    ("languages.script_text", "v", ANON),
    ("improvements.new", "kind", DISP), ("improvements.new", "model_id", DISP), ("improvements.new", "code_id", DISP),
    ("improvements.new", "aspect", DISP), ("improvements.index", "page", DISP),
    # The language switcher's ?lang= (fieldapp/languages.py), read on every page a visitor opens.
    ("public.asset", "lang", ANON), ("auth.login", "lang", ANON), ("web.request_service", "lang", ANON),
    # The case a message is previewed on (admin).
    ("customer_messages.template", "case", ADMIN),
    # The customer's pages say what was just done (confirmed, moved; a message sent).
    ("my.visit", "done", ANON), ("my.status", "sent", ANON),
]
ANY_HOSTILE = st.one_of(with_control(), overlong(100), SPICE, LETTERS, st.sampled_from(HUGE_NUMBERS),
                        st.integers().map(str), st.dates().map(str),
                        st.sampled_from(["", " ", "0", "-1", "2024-02-30"]))


def _query(name: str, values: list[str]) -> str:
    return "&".join(f"{quote(name)}={quote(v.encode('utf-8', 'surrogatepass'), safe='')}" for v in values)


@pytest.fixture
def page(new_app, endpoint, role):
    assert EXPECT[(endpoint, "GET")][role] not in (LOGIN, 403), "fuzz with a role the page lets in"
    app, client, sample = signed_in(new_app, role)
    return client, route_url(app, endpoint, sample)


@pytest.mark.parametrize("endpoint, name, role", GET_FUZZ, ids=[f"{e}?{n}" for e, n, _ in GET_FUZZ])
@FUZZ
@given(data=st.data())
def test_hostile_get_parameters_never_fail(page, endpoint, name, role, data):
    client, url = page
    many = st.one_of(st.lists(ANY_HOSTILE, min_size=1, max_size=5), st.just(["1"] * 241))  # 241: past the label limit
    values = data.draw(many if name == "ids" else ANY_HOSTILE.map(lambda value: [value]))
    htmx = data.draw(st.booleans())
    response = client.get(f"{url}?{_query(name, values)}", headers={"HX-Request": "true"} if htmx else {})
    assert response.status_code < 500
    assert RAW_MARKUP not in response.get_data(as_text=True)


@pytest.fixture
def anonymous(new_app):
    return new_app(RATELIMIT_ENABLED=False).test_client()


@FUZZ
@given(token=st.one_of(with_control(), overlong(64), SPICE, LETTERS).filter(bool))  # "/a/" is another page
def test_hostile_label_tokens_are_simply_not_found(anonymous, token):
    """What a QR label opens, typed by hand: /a/<token> (and its pages)."""
    path = quote(token.encode("utf-8", "surrogatepass"), safe="")
    for url in (f"/a/{path}", f"/a/{path}/rate"):
        response = anonymous.get(url)
        assert response.status_code == 404, url
        assert RAW_MARKUP not in response.get_data(as_text=True)


def test_every_typed_get_parameter_is_fuzzed():
    read = set()
    sources = list((Path(fieldapp.__file__).parent / "views").rglob("*.py"))
    assert len(sources) > 30, "the views were not found where this test looks"
    for path in sources:
        source = path.read_text(encoding="utf-8")
        read.update(re.findall(r"""request\.args\.get(?:list)?\(\s*["'](\w+)""", source))
        read.update(re.findall(r"""(?:text_arg|page_arg|id_arg|choice_arg|enum_arg|day_arg|_day|_date_arg)\(\s*["'](\w+)""",
                               source))
        if re.search(r"page_arg\(\s*\)", source):
            read.add("page")
    assert read - {name for _, name, _ in GET_FUZZ} == set()
