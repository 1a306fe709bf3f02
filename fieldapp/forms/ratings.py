"""The customer's rating: five aspects from 1 to 5 stars, comments, complaint, signature."""
from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from wtforms import RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from fieldapp.forms import BaseForm
from fieldapp import clock
from fieldapp.forms.fields import ClientIdField, HappenedAtField, IdSelectField

STARS = [(str(n), lazy_ngettext("%(num)d star", "%(num)d stars", n)) for n in range(1, 6)]
# SVG path data as drawn by static/signature.js: moves and lines with numbers, nothing else.
SIGNATURE_RE = re.compile(r"^[ML0-9 .\-]+$")
SIGNATURE_MAX = 60_000

# Lazy texts: the rating screens read them in the language of whoever is looking.
ASPECT_LABELS = {
    "overall": _l("Overall"),
    "timeliness": _l("Timeliness"),
    "professionalism": _l("Professionalism"),
    "quality": _l("Quality of the work"),
    "product_performance": _l("Product performance"),
}
# When an aspect has no stars: one whole sentence each.
ASPECT_MISSING = {
    "overall": _l("Choose 1 to 5 stars for overall."),
    "timeliness": _l("Choose 1 to 5 stars for timeliness."),
    "professionalism": _l("Choose 1 to 5 stars for professionalism."),
    "quality": _l("Choose 1 to 5 stars for quality of the work."),
    "product_performance": _l("Choose 1 to 5 stars for product performance."),
}


def _stars(aspect: str) -> RadioField:
    message = ASPECT_MISSING[aspect]
    return RadioField(ASPECT_LABELS[aspect], choices=[SelectChoice(v, t) for v, t in STARS], validate_choice=False,
                      validators=[InputRequired(message), AnyOf([v for v, _unused in STARS], message=message)])


class RatingForm(BaseForm):
    client_id = ClientIdField()
    overall = _stars("overall")
    timeliness = _stars("timeliness")
    professionalism = _stars("professionalism")
    quality = _stars("quality")
    product_performance = _stars("product_performance")
    comments = TextAreaField(_l("Comments (optional)"), validators=[Optional(), Length(max=2000)])
    complaint = TextAreaField(_l("Anything you want to complain about? (optional)"),
                              validators=[Optional(), Length(max=2000)])

    def scores(self) -> dict[str, int]:
        return {aspect: int(getattr(self, aspect).data) for aspect in ASPECT_LABELS}


class OnSiteRatingForm(RatingForm):
    happened_at = HappenedAtField()  # a rating queued on an offline phone: when it was given
    signer_name = StringField(_l("Your name"),
                              validators=[DataRequired(_l("Please write your name.")), Length(max=160)])
    signature = StringField(_l("Signature"), validators=[DataRequired(_l("Please sign in the box."))])

    def validate_signature(self, field):
        data = (field.data or "").strip()
        if len(data) > SIGNATURE_MAX or not SIGNATURE_RE.match(data) or "L" not in data:
            raise ValidationError(_("Please sign in the box."))
        field.data = data


class OfficeRatingForm(RatingForm):
    """A rating the customer gave the office on a call: for one of the case's completed visits,
    or for the case as a whole when it was solved without a visit."""
    visit_id = IdSelectField(_l("What the customer rated"), message=_l("Choose what the customer rated."))
    comments = TextAreaField(_l("What the customer said (optional)"), validators=[Optional(), Length(max=2000)])
    complaint = TextAreaField(_l("A complaint the customer made (optional)"),
                              validators=[Optional(), Length(max=2000)],
                              description=_l("Opens a complaint on the case, as a complaint with an on-site rating does."))

    def offer(self, visits, whole_case: bool) -> None:
        choices = [SelectChoice(str(v.id), _("Visit of %(day)s by %(name)s", day=clock.day_text(clock.local_day(
            v.scheduled_start)), name=v.technician.name)) for v in visits]
        if whole_case:
            choices.append(SelectChoice("", _("The case as a whole (solved without a visit)")))
        self.visit_id.set_choices(choices)
