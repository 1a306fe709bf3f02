from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, TelField
from wtforms.validators import DataRequired, Length, Optional

from fieldapp.forms import BaseForm, enum_choices
from fieldapp.forms.validators import EmailAddress
from fieldapp.models import Role
from fieldapp.services.accounts import MIN_PASSWORD_LENGTH


class UserCreateForm(BaseForm):
    name = StringField("Name", validators=[DataRequired("Enter a name."), Length(max=120)])
    email = EmailField("Email", validators=[DataRequired("Enter an email."), EmailAddress(),
                                            Length(max=254)])
    phone = TelField("Phone", validators=[Optional(), Length(max=40)])
    role = SelectField("Role", choices=enum_choices(Role), validators=[DataRequired()])
    password = PasswordField("Password", validators=[
        DataRequired("Enter a password."),
        Length(min=MIN_PASSWORD_LENGTH, max=200,
               message=f"The password needs at least {MIN_PASSWORD_LENGTH} characters."),
    ])


class UserActiveForm(BaseForm):
    active = BooleanField("Active")


class UserRoleForm(BaseForm):
    role = SelectField("Role", choices=enum_choices(Role), validators=[DataRequired("Choose a role.")])


class UserPasswordForm(BaseForm):
    password = PasswordField("New password", validators=[
        DataRequired("Enter a password."),
        Length(min=MIN_PASSWORD_LENGTH, max=200,
               message=f"The password needs at least {MIN_PASSWORD_LENGTH} characters."),
    ])
