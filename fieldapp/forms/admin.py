from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TelField,
)
from wtforms.validators import DataRequired, Length, Optional, StopValidation

from fieldapp.forms import BaseForm, enum_choices
from fieldapp.forms.fields import MultiCheckboxField
from fieldapp.forms.public import PHONE_RE
from fieldapp.forms.validators import EmailAddress
from fieldapp.models import Role
from fieldapp.services.accounts import MIN_PASSWORD_LENGTH


class UserCreateForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=120)])
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter an email.")), EmailAddress(),
                                                Length(max=254)])
    phone = TelField(_l("Phone"), validators=[Optional(), Length(max=40)])
    role = SelectField(_l("Role"), choices=enum_choices(Role), validators=[DataRequired(_l("Choose a role."))])
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Enter a password.")),
        Length(min=MIN_PASSWORD_LENGTH, max=200,
               message=_l("The password needs at least %(num)s characters.", num=MIN_PASSWORD_LENGTH)),
    ])


class ContactPhoneField(TelField):
    """A staff member's phone, as printed on reports: digits, spaces and a leading +."""

    def __init__(self, label=None, **kwargs):
        super().__init__(label or _l("Phone"), validators=[Optional(), Length(max=40)],
                         filters=[lambda value: (value or "").strip() or None], **kwargs)

    def pre_validate(self, form):
        if self.data and not PHONE_RE.match(self.data):
            raise StopValidation(_("Enter a phone number with digits only, like +31 6 1234 5678."))


class UserProfileForm(BaseForm):
    """How the person appears on reports and to customers: job title and contact phone."""
    job_title = StringField(_l("Job title"), validators=[Optional(), Length(max=80)],
                            filters=[lambda value: (value or "").strip() or None],
                            description=_l("As the report names them, like “Installation technician”. "
                                           "Empty: the role."))
    phone = ContactPhoneField()


class OwnPhoneForm(BaseForm):
    phone = ContactPhoneField(_l("Your phone"))


class UserActiveForm(BaseForm):
    active = BooleanField(_l("Active"))


class UserRoleForm(BaseForm):
    role = SelectField(_l("Role"), choices=enum_choices(Role), validators=[DataRequired(_l("Choose a role."))])


class UserPasswordForm(BaseForm):
    password = PasswordField(_l("New password"), validators=[
        DataRequired(_l("Enter a password.")),
        Length(min=MIN_PASSWORD_LENGTH, max=200,
               message=_l("The password needs at least %(num)s characters.", num=MIN_PASSWORD_LENGTH)),
    ])


class SkillsForm(BaseForm):
    """The product categories a technician is qualified for, one check box each. The boxes are
    the catalog's categories (`offer`, per page); the service refuses one not offered, at the field."""

    categories = MultiCheckboxField(_l("Qualified for"), choices=[], validate_choice=False)

    def offer(self, categories: list[str]) -> "SkillsForm":
        self.categories.choices = [SelectChoice(category, category) for category in categories]
        return self

    @property
    def chosen(self) -> list[str]:
        """The ticked categories (none ticked: a form sends no value at all)."""
        return list(self.categories.data or [])
