"""Role x route matrix over every registered route. A new route without an expectation here
fails the suite, so access can never be forgotten."""
import pytest

from fieldapp import create_app
from fieldapp.models import Role
from tests.conftest import Auth, app_config

ANON, TECH, DISP, ADMIN = "anonymous", "technician", "dispatcher", "admin"
LOGIN = 302  # redirect to sign-in

# (endpoint, method): expected status for anonymous, technician, dispatcher, admin.
# POSTs are sent empty: an allowed role gets past the access check and meets validation.
EXPECT = {
    ("main.home", "GET"): {ANON: 302, TECH: 302, DISP: 302, ADMIN: 302},
    ("main.health", "GET"): {ANON: 200, TECH: 200, DISP: 200, ADMIN: 200},
    ("auth.login", "GET"): {ANON: 200, TECH: 302, DISP: 302, ADMIN: 302},
    ("auth.login", "POST"): {ANON: 422, TECH: 422, DISP: 422, ADMIN: 422},
    ("auth.logout", "POST"): {ANON: LOGIN, TECH: 303, DISP: 303, ADMIN: 303},
    ("technician.today", "GET"): {ANON: LOGIN, TECH: 200, DISP: 403, ADMIN: 403},
    ("dispatch.board", "GET"): {ANON: LOGIN, TECH: 403, DISP: 200, ADMIN: 200},
    ("admin.index", "GET"): {ANON: LOGIN, TECH: 403, DISP: 403, ADMIN: 200},
    ("admin.audit_log", "GET"): {ANON: LOGIN, TECH: 403, DISP: 403, ADMIN: 200},
    ("admin.create_user", "POST"): {ANON: LOGIN, TECH: 403, DISP: 403, ADMIN: 422},
    ("admin.set_active", "POST"): {ANON: LOGIN, TECH: 403, DISP: 403, ADMIN: 303},
    ("admin.user", "GET"): {ANON: LOGIN, TECH: 403, DISP: 403, ADMIN: 200},
    ("admin.set_role", "POST"): {ANON: LOGIN, TECH: 403, DISP: 403, ADMIN: 422},
    ("admin.set_profile", "POST"): {ANON: LOGIN, TECH: 403, DISP: 403, ADMIN: 303},
    ("admin.set_skills", "POST"): {ANON: LOGIN, TECH: 403, DISP: 403, ADMIN: 303},
    ("admin.reset_password", "POST"): {ANON: LOGIN, TECH: 403, DISP: 403, ADMIN: 422},
    ("admin.end_sessions", "POST"): {ANON: LOGIN, TECH: 403, DISP: 403, ADMIN: 303},
    ("settings.index", "GET"): {ANON: LOGIN, TECH: 403, DISP: 403, ADMIN: 200},
    ("settings.save", "POST"): {ANON: LOGIN, TECH: 403, DISP: 403, ADMIN: 422},
    # The messages to customers: which go, when, and their words per language (admin).
    ("customer_messages.index", "GET"): {ANON: LOGIN, TECH: 403, DISP: 403, ADMIN: 200},
    ("customer_messages.save", "POST"): {ANON: LOGIN, TECH: 403, DISP: 403, ADMIN: 422},
    ("customer_messages.template", "GET"): {ANON: LOGIN, TECH: 403, DISP: 403, ADMIN: 200},
    ("customer_messages.save_template", "POST"): {ANON: LOGIN, TECH: 403, DISP: 403, ADMIN: 422},
    ("customer_messages.built_in", "POST"): {ANON: LOGIN, TECH: 403, DISP: 403, ADMIN: 303},
    # The After-Sale Services Report of a case: the office's.
    ("reports.show", "GET"): {ANON: LOGIN, TECH: 403, DISP: 200, ADMIN: 200},
    ("reports.pdf", "GET"): {ANON: LOGIN, TECH: 403, DISP: 200, ADMIN: 200},
    ("reports.email", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    # One's own account: every staff member.
    ("account.index", "GET"): {ANON: LOGIN, TECH: 200, DISP: 200, ADMIN: 200},
    ("account.change_password", "POST"): {ANON: LOGIN, TECH: 422, DISP: 422, ADMIN: 422},
    ("account.set_pin", "POST"): {ANON: LOGIN, TECH: 422, DISP: 422, ADMIN: 422},
    ("account.remove_pin", "POST"): {ANON: LOGIN, TECH: 303, DISP: 303, ADMIN: 303},
    ("account.set_language", "POST"): {ANON: LOGIN, TECH: 422, DISP: 422, ADMIN: 422},
    ("account.set_phone", "POST"): {ANON: LOGIN, TECH: 303, DISP: 303, ADMIN: 303},
    ("account.end_sessions", "POST"): {ANON: LOGIN, TECH: 303, DISP: 303, ADMIN: 303},
    # The visit below is the signed-in technician's own; office staff read every visit.
    ("visits.show", "GET"): {ANON: LOGIN, TECH: 200, DISP: 200, ADMIN: 200},
    ("visits.start_travel", "POST"): {ANON: LOGIN, TECH: 422, DISP: 403, ADMIN: 403},
    ("visits.arrive", "POST"): {ANON: LOGIN, TECH: 422, DISP: 403, ADMIN: 403},
    ("visits.complete", "POST"): {ANON: LOGIN, TECH: 422, DISP: 403, ADMIN: 403},
    ("visits.not_complete", "POST"): {ANON: LOGIN, TECH: 422, DISP: 403, ADMIN: 403},
    ("visits.save_field", "POST"): {ANON: LOGIN, TECH: 422, DISP: 403, ADMIN: 403},
    ("visit_parts.search", "GET"): {ANON: LOGIN, TECH: 200, DISP: 200, ADMIN: 200},
    ("visit_parts.add", "POST"): {ANON: LOGIN, TECH: 422, DISP: 403, ADMIN: 403},
    ("visit_parts.update", "POST"): {ANON: LOGIN, TECH: 422, DISP: 403, ADMIN: 403},
    ("visit_parts.remove", "POST"): {ANON: LOGIN, TECH: 422, DISP: 403, ADMIN: 403},
    ("visit_photos.add", "POST"): {ANON: LOGIN, TECH: 422, DISP: 403, ADMIN: 403},
    ("visit_photos.show", "GET"): {ANON: LOGIN, TECH: 200, DISP: 200, ADMIN: 200},
    ("visit_photos.remove", "POST"): {ANON: LOGIN, TECH: 422, DISP: 403, ADMIN: 403},
    ("handover.rating_form", "GET"): {ANON: LOGIN, TECH: 200, DISP: 403, ADMIN: 403},
    ("offline.service_worker", "GET"): {ANON: 200, TECH: 200, DISP: 200, ADMIN: 200},
    ("offline.manifest", "GET"): {ANON: LOGIN, TECH: 200, DISP: 403, ADMIN: 403},
    ("offline.token", "GET"): {ANON: LOGIN, TECH: 200, DISP: 403, ADMIN: 403},
    ("offline.parts", "GET"): {ANON: LOGIN, TECH: 200, DISP: 403, ADMIN: 403},
    ("offline.page", "GET"): {ANON: LOGIN, TECH: 200, DISP: 403, ADMIN: 403},
    ("offline.sync_page", "GET"): {ANON: LOGIN, TECH: 200, DISP: 403, ADMIN: 403},
    ("handover.submit", "POST"): {ANON: LOGIN, TECH: 422, DISP: 403, ADMIN: 403},
    ("handover.start", "POST"): {ANON: LOGIN, TECH: 422, DISP: 403, ADMIN: 403},
    # The unlock screen answers whether or not the session is locked (a phone locked offline
    # kept the lock itself); an empty answer is refused.
    ("handover.unlock", "GET"): {ANON: LOGIN, TECH: 200, DISP: 403, ADMIN: 403},
    ("handover.unlock", "POST"): {ANON: LOGIN, TECH: 422, DISP: 403, ADMIN: 403},
    # The asset registry is the office's; QR images and scanning are for all staff.
    ("assets.index", "GET"): {ANON: LOGIN, TECH: 403, DISP: 200, ADMIN: 200},
    ("assets.new", "GET"): {ANON: LOGIN, TECH: 403, DISP: 200, ADMIN: 200},
    ("assets.new", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("assets.edit", "GET"): {ANON: LOGIN, TECH: 403, DISP: 200, ADMIN: 200},
    ("assets.edit", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("assets.save_coverage", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("assets.remove_coverage", "POST"): {ANON: LOGIN, TECH: 403, DISP: 303, ADMIN: 303},
    ("assets.replace_label", "POST"): {ANON: LOGIN, TECH: 403, DISP: 403, ADMIN: 303},
    ("assets.open_case", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("assets.qr_svg", "GET"): {ANON: LOGIN, TECH: 200, DISP: 200, ADMIN: 200},
    ("assets.qr_png", "GET"): {ANON: LOGIN, TECH: 200, DISP: 200, ADMIN: 200},
    ("assets.labels", "GET"): {ANON: LOGIN, TECH: 403, DISP: 400, ADMIN: 400},  # 400: no products chosen
    # Customers are the office's; the picker's search answers htmx, a plain visit goes to the search (303).
    ("customers.index", "GET"): {ANON: LOGIN, TECH: 403, DISP: 200, ADMIN: 200},
    ("customers.pick", "GET"): {ANON: LOGIN, TECH: 403, DISP: 303, ADMIN: 303},
    ("customers.new", "GET"): {ANON: LOGIN, TECH: 403, DISP: 200, ADMIN: 200},
    ("customers.new", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("customers.show", "GET"): {ANON: LOGIN, TECH: 403, DISP: 200, ADMIN: 200},
    ("customers.edit", "GET"): {ANON: LOGIN, TECH: 403, DISP: 200, ADMIN: 200},
    ("customers.edit", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    # The catalog (models, their education material, parts) is the office's; the sample model has no products.
    ("catalog.models", "GET"): {ANON: LOGIN, TECH: 403, DISP: 200, ADMIN: 200},
    ("catalog.new_model", "GET"): {ANON: LOGIN, TECH: 403, DISP: 200, ADMIN: 200},
    ("catalog.new_model", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("catalog.model", "GET"): {ANON: LOGIN, TECH: 403, DISP: 200, ADMIN: 200},
    ("catalog.model", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("catalog.remove_model", "POST"): {ANON: LOGIN, TECH: 403, DISP: 303, ADMIN: 303},
    ("catalog.add_resource", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("catalog.edit_resource", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("catalog.remove_resource", "POST"): {ANON: LOGIN, TECH: 403, DISP: 303, ADMIN: 303},
    ("catalog.add_faq", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("catalog.edit_faq", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("catalog.remove_faq", "POST"): {ANON: LOGIN, TECH: 403, DISP: 303, ADMIN: 303},
    # Texts for customers written per language (services/content.py).
    ("catalog.model_translations", "POST"): {ANON: LOGIN, TECH: 403, DISP: 303, ADMIN: 303},
    ("catalog.resource_translations", "POST"): {ANON: LOGIN, TECH: 403, DISP: 303, ADMIN: 303},
    ("catalog.faq_translations", "POST"): {ANON: LOGIN, TECH: 403, DISP: 303, ADMIN: 303},
    ("catalog.parts", "GET"): {ANON: LOGIN, TECH: 403, DISP: 200, ADMIN: 200},
    ("catalog.new_part", "GET"): {ANON: LOGIN, TECH: 403, DISP: 200, ADMIN: 200},
    ("catalog.new_part", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("catalog.part", "GET"): {ANON: LOGIN, TECH: 403, DISP: 200, ADMIN: 200},
    ("catalog.part", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("catalog.deactivate_part", "POST"): {ANON: LOGIN, TECH: 403, DISP: 303, ADMIN: 303},
    ("catalog.reactivate_part", "POST"): {ANON: LOGIN, TECH: 403, DISP: 303, ADMIN: 303},
    # The dispatcher's desk: a case and its visits are the office's.
    ("cases.show", "GET"): {ANON: LOGIN, TECH: 403, DISP: 200, ADMIN: 200},
    ("cases.assess", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("cases.remote_support", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("cases.take_rating", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("payments.record", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("customers.add_agreement", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("improvements.index", "GET"): {ANON: LOGIN, TECH: 403, DISP: 200, ADMIN: 200},
    ("improvements.new", "GET"): {ANON: LOGIN, TECH: 403, DISP: 200, ADMIN: 200},
    ("improvements.new", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("improvements.show", "GET"): {ANON: LOGIN, TECH: 403, DISP: 200, ADMIN: 200},
    ("improvements.set_status", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("recommendations.add", "POST"): {ANON: LOGIN, TECH: 422, DISP: 403, ADMIN: 403},
    ("recommendations.remove", "POST"): {ANON: LOGIN, TECH: 422, DISP: 403, ADMIN: 403},
    ("case_recommendations.follow_up", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("case_recommendations.open_case", "POST"): {ANON: LOGIN, TECH: 403, DISP: 303, ADMIN: 303},
    ("case_recommendations.decline", "POST"): {ANON: LOGIN, TECH: 403, DISP: 303, ADMIN: 303},
    ("cases.change_status", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("cases.resolve", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("cases.close", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("cases.reopen", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("cases.clear_attention", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("cases.add_note", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("intake.new", "GET"): {ANON: LOGIN, TECH: 403, DISP: 200, ADMIN: 200},
    ("intake.new", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("scheduling.book", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("scheduling.clashes", "GET"): {ANON: LOGIN, TECH: 403, DISP: 200, ADMIN: 200},
    ("scheduling.quick_book", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("scheduling.reschedule", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("scheduling.reassign", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("scheduling.cancel", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("scan.index", "GET"): {ANON: LOGIN, TECH: 200, DISP: 200, ADMIN: 200},
    ("scan.lookup", "GET"): {ANON: LOGIN, TECH: 422, DISP: 422, ADMIN: 422},  # 422: no serial typed
    # What a product's label opens: public, for staff and customers alike.
    ("public.asset", "GET"): {ANON: 200, TECH: 200, DISP: 200, ADMIN: 200},
    ("public.request_service", "POST"): {ANON: 422, TECH: 422, DISP: 422, ADMIN: 422},
    ("public.requested", "GET"): {ANON: 303, TECH: 303, DISP: 303, ADMIN: 303},  # nothing requested yet
    # The public request form without a label.
    ("web.request_service", "GET"): {ANON: 200, TECH: 200, DISP: 200, ADMIN: 200},
    ("web.request_service", "POST"): {ANON: 422, TECH: 422, DISP: 422, ADMIN: 422},
    ("web.received", "GET"): {ANON: 303, TECH: 303, DISP: 303, ADMIN: 303},  # nothing requested yet
    ("public.rate", "GET"): {ANON: 200, TECH: 200, DISP: 200, ADMIN: 200},
    ("public.rate", "POST"): {ANON: 409, TECH: 409, DISP: 409, ADMIN: 409},  # no recent visit to rate
    # A question from the label, and its thanks page (303: nothing asked yet).
    ("public.ask", "POST"): {ANON: 422, TECH: 422, DISP: 422, ADMIN: 422},
    ("public.asked", "GET"): {ANON: 303, TECH: 303, DISP: 303, ADMIN: 303},
    # Outgoing mail: the outbox and the answer from the case page are the office's.
    ("mail.index", "GET"): {ANON: LOGIN, TECH: 403, DISP: 200, ADMIN: 200},
    ("mail.retry", "POST"): {ANON: LOGIN, TECH: 403, DISP: 303, ADMIN: 303},
    ("questions.answer", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    # CSV exports (this month's visits by default) are the office's.
    ("exports.index", "GET"): {ANON: LOGIN, TECH: 403, DISP: 200, ADMIN: 200},
    ("exports.download", "GET"): {ANON: LOGIN, TECH: 403, DISP: 200, ADMIN: 200},
    # Follow-ups and complaints are the office's; a complaint from the label is anyone's (303: none sent yet).
    ("followups.index", "GET"): {ANON: LOGIN, TECH: 403, DISP: 200, ADMIN: 200},
    ("followups.done", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("followups.add", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("complaints.index", "GET"): {ANON: LOGIN, TECH: 403, DISP: 200, ADMIN: 200},
    ("complaints.assign", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("complaints.resolve", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("complaints.log", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("public.complain", "POST"): {ANON: 422, TECH: 422, DISP: 422, ADMIN: 422},
    ("public.complaint_received", "GET"): {ANON: 303, TECH: 303, DISP: 303, ADMIN: 303},
    # Preventive maintenance and coverage sales: the office's; only an admin manages the plans.
    ("maintenance.index", "GET"): {ANON: LOGIN, TECH: 403, DISP: 200, ADMIN: 200},
    ("maintenance.plan", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("coverage.plans", "GET"): {ANON: LOGIN, TECH: 403, DISP: 200, ADMIN: 200},
    ("coverage.new_plan", "GET"): {ANON: LOGIN, TECH: 403, DISP: 403, ADMIN: 200},
    ("coverage.new_plan", "POST"): {ANON: LOGIN, TECH: 403, DISP: 403, ADMIN: 422},
    ("coverage.edit_plan", "GET"): {ANON: LOGIN, TECH: 403, DISP: 403, ADMIN: 200},
    ("coverage.edit_plan", "POST"): {ANON: LOGIN, TECH: 403, DISP: 403, ADMIN: 422},
    ("coverage.deactivate_plan", "POST"): {ANON: LOGIN, TECH: 403, DISP: 403, ADMIN: 303},
    ("coverage.activate_plan", "POST"): {ANON: LOGIN, TECH: 403, DISP: 403, ADMIN: 303},
    ("coverage.sell", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("coverage.renewals", "GET"): {ANON: LOGIN, TECH: 403, DISP: 200, ADMIN: 200},
    ("coverage.record_call", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    # Returns are the office's; the customer asks for one from the product's label.
    ("returns.index", "GET"): {ANON: LOGIN, TECH: 403, DISP: 200, ADMIN: 200},
    ("returns.start", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("returns.approve", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("returns.refuse", "POST"): {ANON: LOGIN, TECH: 403, DISP: 422, ADMIN: 422},
    ("returns.receive", "POST"): {ANON: LOGIN, TECH: 403, DISP: 409, ADMIN: 409},  # not approved yet
    ("returns.complete", "POST"): {ANON: LOGIN, TECH: 403, DISP: 409, ADMIN: 409},  # not approved yet
    ("public.request_return", "POST"): {ANON: 422, TECH: 422, DISP: 422, ADMIN: 422},
    ("public.follow_request", "POST"): {ANON: 422, TECH: 422, DISP: 422, ADMIN: 422},  # nothing typed
    # Fault codes are the admin's taxonomy; the Reports dashboard and its drill-down are the office's.
    ("faults.index", "GET"): {ANON: LOGIN, TECH: 403, DISP: 403, ADMIN: 200},
    ("faults.create", "POST"): {ANON: LOGIN, TECH: 403, DISP: 403, ADMIN: 422},
    ("faults.edit", "GET"): {ANON: LOGIN, TECH: 403, DISP: 403, ADMIN: 200},
    ("faults.edit", "POST"): {ANON: LOGIN, TECH: 403, DISP: 403, ADMIN: 422},
    ("faults.translations", "POST"): {ANON: LOGIN, TECH: 403, DISP: 403, ADMIN: 303},
    ("faults.deactivate", "POST"): {ANON: LOGIN, TECH: 403, DISP: 403, ADMIN: 303},
    ("faults.reactivate", "POST"): {ANON: LOGIN, TECH: 403, DISP: 403, ADMIN: 303},
    ("dashboard.index", "GET"): {ANON: LOGIN, TECH: 403, DISP: 200, ADMIN: 200},
    ("dashboard.cases", "GET"): {ANON: LOGIN, TECH: 403, DISP: 200, ADMIN: 200},
    # The scripts' texts in a language: public, like the scripts themselves.
    ("languages.script_text", "GET"): {ANON: 200, TECH: 200, DISP: 200, ADMIN: 200},
    # The customer's pages, opened from our messages: the link's token is the key, whoever opens it.
    ("my.status", "GET"): {ANON: 200, TECH: 200, DISP: 200, ADMIN: 200},
    ("my.write", "POST"): {ANON: 422, TECH: 422, DISP: 422, ADMIN: 422},  # nothing written
    ("my.report_pdf", "GET"): {ANON: 404, TECH: 404, DISP: 404, ADMIN: 404},  # the case is not closed
    ("my.visit", "GET"): {ANON: 200, TECH: 200, DISP: 200, ADMIN: 200},
    ("my.confirm", "POST"): {ANON: 303, TECH: 303, DISP: 303, ADMIN: 303},
    ("my.move", "POST"): {ANON: 422, TECH: 422, DISP: 422, ADMIN: 422},  # no time chosen
    ("my.cancel", "POST"): {ANON: 422, TECH: 422, DISP: 422, ADMIN: 422},  # no reason
    ("my.survey", "GET"): {ANON: 200, TECH: 200, DISP: 200, ADMIN: 200},
    ("my.survey", "POST"): {ANON: 422, TECH: 422, DISP: 422, ADMIN: 422},  # no stars
    ("my.survey_thanks", "GET"): {ANON: 200, TECH: 200, DISP: 200, ADMIN: 200},
    ("my.stop", "GET"): {ANON: 200, TECH: 200, DISP: 200, ADMIN: 200},
    ("my.stop_post", "POST"): {ANON: 303, TECH: 303, DISP: 303, ADMIN: 303},
    # On the case page: the customer's links (revocable) and what they wrote, for the office.
    ("customer_contact.revoke", "POST"): {ANON: LOGIN, TECH: 403, DISP: 303, ADMIN: 303},
    ("customer_contact.photo", "GET"): {ANON: LOGIN, TECH: 403, DISP: 200, ADMIN: 200},
}
PUBLIC_BUILTINS = {"static"}


def registered_routes():
    app = create_app(app_config("sqlite://"), instance_path="/tmp/fieldapp-route-listing")
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_BUILTINS:
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes.add((rule.endpoint, method))
    return sorted(routes)


ROUTES = registered_routes()


def test_every_route_has_an_expectation():
    missing = [route for route in ROUTES if route not in EXPECT]
    stale = [route for route in EXPECT if route not in ROUTES]
    assert missing == [], f"routes without an access expectation: {missing}"
    assert stale == [], f"expectations for routes that no longer exist: {stale}"


class RouteSample:
    """Values for URL arguments, made on first use: a visit of `technician` on an asset with a
    warranty, with a part row, a photo and a contract. A route only pays for what it needs."""

    def __init__(self, make, technician):
        self.make, self.technician, self.values = make, technician, {"user_id": technician.id,
                                                                     "name": "actions_taken"}

    def _asset(self):
        if "asset" not in self.values:
            self.values["asset"] = self.make.asset()
        return self.values["asset"]

    def _visit(self):
        if "visit" not in self.values:
            self.values["visit"] = self.make.visit(self.technician, self.make.case(asset=self._asset()))
        return self.values["visit"]

    def _product_model(self):
        """A model no product is registered with (so it may be removed)."""
        if "product_model" not in self.values:
            self.values["product_model"] = self.make.product_model()
        return self.values["product_model"]

    def _attention_item(self):
        from fieldapp.extensions import db
        from fieldapp.models import AttentionItem

        with self.make.app.app_context():
            item = AttentionItem(case_id=self._visit().case_id, reason="Rated 1/5")
            db.session.add(item)
            db.session.commit()
            return item.id

    MAKERS = {
        "visit_id": lambda self: self._visit().id,
        "row_id": lambda self: self.make.visit_part(self._visit()).id,
        "photo_id": lambda self: self.make.photo(self._visit()).id,
        "asset_id": lambda self: self._asset().id,
        "case_id": lambda self: self._visit().case_id,
        "item_id": lambda self: self._attention_item(),
        "token": lambda self: self._asset().qr_token,
        "coverage_id": lambda self: self.make.coverage(self._asset()).id,
        "customer_id": lambda self: self.make.customer().id,
        "plan_id": lambda self: self.make.coverage_plan().id,
        "model_id": lambda self: self._product_model().id,
        "resource_id": lambda self: self.make.product_resource(self._product_model()).id,
        "entry_id": lambda self: self.make.faq_entry(self._product_model()).id,
        "part_id": lambda self: self.make.part().id,
        "mail_id": lambda self: self.make.outbound_mail().id,
        "kind": lambda self: "visits",  # exports.download
        "follow_up_id": lambda self: self.make.follow_up(self.make.case(asset=self._asset())).id,
        "complaint_id": lambda self: self.make.complaint(self.make.case(asset=self._asset())).id,
        "return_id": lambda self: self.make.return_request(self.make.case(asset=self._asset())).id,
        "code_id": lambda self: self.make.fault_code().id,
        "code": lambda self: "nl",  # languages.script_text
        "message_kind": lambda self: "visit_booked",  # customer_messages.template
        "language": lambda self: "nl",
        "recommendation_id": lambda self: self.make.recommendation(self._visit()).id,
        "action_id": lambda self: self.make.corrective_action().id,
        "link_id": lambda self: self.make.customer_link(self._visit(), "status").id,
        "message_id": lambda self: self.make.customer_message(self._visit().case_id).id,
    }
    # The customer's pages (/my/...) take a link's token for their purpose, not a label's.
    LINK_PURPOSES = {"my.status": "status", "my.write": "status", "my.report_pdf": "status", "my.visit": "visit",
                     "my.confirm": "visit", "my.move": "visit", "my.cancel": "visit", "my.survey": "survey",
                     "my.survey_thanks": "survey", "my.stop": "unsubscribe", "my.stop_post": "unsubscribe"}

    def link_token(self, endpoint):
        return self.make.customer_link(self._visit(), self.LINK_PURPOSES[endpoint]).token

    def __contains__(self, key):
        return key in self.values or key in self.MAKERS

    def __getitem__(self, key):
        if key not in self.values:
            self.values[key] = self.MAKERS[key](self)
        return self.values[key]


def route_sample(make, technician) -> RouteSample:
    return RouteSample(make, technician)


def route_url(app, endpoint, sample):
    from flask import url_for

    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        values = {arg: sample[arg] for arg in rule.arguments if arg in sample}
        if endpoint in RouteSample.LINK_PURPOSES:
            values["token"] = sample.link_token(endpoint)
        return url_for(endpoint, **values)


@pytest.mark.parametrize("endpoint, method", ROUTES)
def test_role_route_matrix(app, make, endpoint, method):
    """Each role in turn, with its own browser and its own sample records, on one database."""
    seen = {}
    for role in (ANON, TECH, DISP, ADMIN):
        client = app.test_client()
        me = Auth(client, make).as_role(Role(role)) if role != ANON else None
        technician = me if role == TECH else make.user(Role.TECHNICIAN)
        sample = route_sample(make, technician)

        response = client.open(route_url(app, endpoint, sample), method=method)

        seen[role] = response.status_code
        if response.status_code == LOGIN and role == ANON and endpoint not in ("main.home", "public.requested"):
            assert response.headers["Location"].startswith("/login")
        response.close()
    assert seen == EXPECT[(endpoint, method)]


VISIT_ROUTES = [route for route in ROUTES if route[0].startswith(("visits.", "visit_parts.", "visit_photos.",
                                                                   "handover.", "recommendations."))]


@pytest.mark.parametrize("endpoint, method", VISIT_ROUTES)
def test_another_technicians_visit_is_not_found(app, client, auth, make, endpoint, method):
    auth.as_role(Role.TECHNICIAN)
    sample = route_sample(make, make.user(Role.TECHNICIAN))

    response = client.open(route_url(app, endpoint, sample), method=method, data={})

    assert response.status_code == 404


def test_static_files_are_public(client):
    with client.get("/static/app.css") as css, client.get("/static/manifest.webmanifest") as manifest:
        assert css.status_code == 200
        assert manifest.mimetype == "application/manifest+json"
