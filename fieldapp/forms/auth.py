from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from fieldapp.forms.validators import EmailAddress


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired("Enter your email."), EmailAddress(),
                                            Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired("Enter your password."), Length(max=200)])
    next = StringField()  # where to go after signing in; checked to be a local path
