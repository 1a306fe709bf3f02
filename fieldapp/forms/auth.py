from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from fieldapp.forms import BaseForm
from fieldapp.forms.validators import EmailAddress


class LoginForm(BaseForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter your email.")), EmailAddress(),
                                                Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=200)])
    next = StringField(validators=[Length(max=2000)])  # where to go after signing in; checked to be a local path

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.next.errors:
            # A hidden hint from a link, never typed: a bad one is dropped, not an invisible error
            # that stops the sign-in.
            self.next.errors, self.next.data = [], ""
            valid = not any(f.errors for f in self) and not self.form_errors
        return valid
