"""The customer's rating: five aspects from 1 to 5 stars, comments, complaint, signature."""
from __future__ import annotations

import re

from wtforms import RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, ValidationError

from fieldapp.forms import BaseForm
from fieldapp.forms.fields import ClientIdField, HappenedAtField

STARS = [(str(n), f"{n} star{'s' if n > 1 else ''}") for n in range(1, 6)]
# SVG path data as drawn by static/signature.js: moves and lines with numbers, nothing else.
SIGNATURE_RE = re.compile(r"^[ML0-9 .\-]+$")
SIGNATURE_MAX = 60_000

ASPECT_LABELS = {
    "overall": "Overall",
    "timeliness": "Timeliness",
    "professionalism": "Professionalism",
    "quality": "Quality of the work",
    "product_performance": "Product performance",
}


def _stars(label: str) -> RadioField:
    message = f"Choose 1 to 5 stars for {label.lower()}."
    return RadioField(label, choices=[SelectChoice(v, t) for v, t in STARS], validate_choice=False,
                      validators=[InputRequired(message), AnyOf([v for v, _ in STARS], message=message)])


class RatingForm(BaseForm):
    client_id = ClientIdField()
    overall = _stars(ASPECT_LABELS["overall"])
    timeliness = _stars(ASPECT_LABELS["timeliness"])
    professionalism = _stars(ASPECT_LABELS["professionalism"])
    quality = _stars(ASPECT_LABELS["quality"])
    product_performance = _stars(ASPECT_LABELS["product_performance"])
    comments = TextAreaField("Comments (optional)", validators=[Optional(), Length(max=2000)])
    complaint = TextAreaField("Anything you want to complain about? (optional)",
                              validators=[Optional(), Length(max=2000)])

    def scores(self) -> dict[str, int]:
        return {aspect: int(getattr(self, aspect).data) for aspect in ASPECT_LABELS}


class OnSiteRatingForm(RatingForm):
    happened_at = HappenedAtField()  # a rating queued on an offline phone: when it was given
    signer_name = StringField("Your name", validators=[DataRequired("Please write your name."), Length(max=160)])
    signature = StringField("Signature", validators=[DataRequired("Please sign in the box.")])

    def validate_signature(self, field):
        data = (field.data or "").strip()
        if len(data) > SIGNATURE_MAX or not SIGNATURE_RE.match(data) or "L" not in data:
            raise ValidationError("Please sign in the box.")
        field.data = data
