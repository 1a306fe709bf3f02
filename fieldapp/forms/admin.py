from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    StringField,
    TelField,
)
from wtforms.validators import DataRequired, Length, Optional

from fieldapp.forms import BaseForm, enum_choices
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
