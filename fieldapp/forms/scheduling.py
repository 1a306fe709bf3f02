"""Forms of visit scheduling on the case page and the board."""
from __future__ import annotations

from datetime import datetime, time

from flask_babel import gettext as _, lazy_gettext as _l
from wtforms import (
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from fieldapp import clock
from fieldapp.forms import BaseForm, enum_choices
from fieldapp.forms.fields import DateField, IdSelectField
from fieldapp.models import ServiceType, User
from fieldapp.services import field_team

REASON = [DataRequired(_l("Give the reason; it goes on the case's timeline.")), Length(max=500)]


def _at(day, moment: time | None) -> datetime | None:
    if day is None or moment is None:
        return None
    return clock.at(day, moment)


class WhenFields(BaseForm):
    day = DateField(_l("Day"), validators=[InputRequired(_l("Enter the day, like 2026-11-24."))])
    start = TimeField(_l("Arrival window from"), validators=[InputRequired(_l("Enter the start time, like 13:00."))])
    window_end = TimeField(_l("until"), validators=[InputRequired(_l("Enter the end of the window, like 15:00."))])
    minutes = IntegerField(_l("Expected duration (minutes)"), default=60, validators=[
        InputRequired(_l("Enter how long the work takes.")),
        NumberRange(15, 720, _l("Between 15 and 720 minutes."))])
    override_reason = StringField(_l("Book over a clash because… (only when there is one)"),
                                  validators=[Optional(), Length(max=500)])

    @property
    def starts_at(self) -> datetime | None:
        return _at(self.day.data, self.start.data)

    @property
    def window_ends_at(self) -> datetime | None:
        return _at(self.day.data, self.window_end.data)


def technician_options(technicians: list[User], category: str | None = None) -> list[SelectChoice]:
    """The technicians as options; with the case's product category, those qualified for it come
    first, in a group of their own ("Qualified for Heating", then "Other technicians")."""
    ranking = field_team.ranked(technicians, category)
    if not ranking.qualified:
        return [SelectChoice(t.id, t.name) for t in technicians]
    qualified = _("Qualified for %(category)s", category=category)
    others = _("Other technicians")
    return ([SelectChoice(t.id, t.name, optgroup=qualified) for t in ranking.qualified]
            + [SelectChoice(t.id, t.name, optgroup=others) for t in ranking.others])


def _technician_field() -> IdSelectField:
    return IdSelectField(_l("Technician"), message=_l("Choose a technician."))


class ScheduleForm(WhenFields):
    # Nothing chosen for the dispatcher: a clash warning is only ever about a choice they made.
    technician_id = IdSelectField(_l("Technician"), message=_l("Choose a technician."),
                                  placeholder=_l("Choose a technician…"))
    service_type = SelectField(_l("Service type"), choices=enum_choices(ServiceType),
                               validators=[DataRequired()])
    notes = TextAreaField(_l("Notes for the technician"), validators=[Optional(), Length(max=2000)],
                          description=_l("Shown to the technician on Today and on the visit: what to bring, "
                                         "where to ring."))

    def set_technicians(self, technicians: list[User], category: str | None = None) -> None:
        self.technician_id.set_choices(technician_options(technicians, category))


class RescheduleForm(WhenFields):
    reason = StringField(_l("Reason"), validators=REASON)


class ReassignForm(BaseForm):
    technician_id = _technician_field()
    reason = StringField(_l("Reason"), validators=REASON)
    override_reason = StringField(_l("Book over a clash because… (only when there is one)"),
                                  validators=[Optional(), Length(max=500)])

    def set_technicians(self, technicians: list[User], category: str | None = None) -> None:
        self.technician_id.choices = technician_options(technicians, category)


class QuickBookForm(BaseForm):
    """Assign from the board's queue: who, which day, from when (a two-hour window, an hour's work)."""

    technician_id = _technician_field()
    day = DateField(_l("Day"), validators=[InputRequired(_l("Enter the day."))])
    start = TimeField(_l("From"), validators=[InputRequired(_l("Enter the time, like 13:00."))])

    def set_technicians(self, technicians: list[User], category: str | None = None) -> None:
        self.technician_id.choices = technician_options(technicians, category)

    @property
    def starts_at(self) -> datetime | None:
        return _at(self.day.data, self.start.data)


class CancelVisitForm(BaseForm):
    reason = StringField(_l("Reason"), validators=REASON)


def schedule_form(technicians: list[User] | None = None, category: str | None = None, **kwargs) -> ScheduleForm:
    form = ScheduleForm(**kwargs)
    form.set_technicians(field_team.technicians() if technicians is None else technicians, category)
    return form


def reassign_form(technicians: list[User] | None = None, category: str | None = None, **kwargs) -> ReassignForm:
    form = ReassignForm(**kwargs)
    form.set_technicians(field_team.technicians() if technicians is None else technicians, category)
    return form
