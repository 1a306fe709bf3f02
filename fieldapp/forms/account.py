"""Forms of one's own account: password, hand-over PIN, and taking the phone back."""
from __future__ import annotations

from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from fieldapp.forms import BaseForm
from fieldapp.services.accounts import MIN_PASSWORD_LENGTH

PIN_PATTERN = r"^[0-9]{4,8}$"


class PasswordChangeForm(BaseForm):
    current_password = PasswordField("Current password", validators=[
        DataRequired("Enter your current password."), Length(max=200)])
    new_password = PasswordField("New password", validators=[
        DataRequired("Enter a new password."),
        Length(min=MIN_PASSWORD_LENGTH, max=200,
               message=f"The password needs at least {MIN_PASSWORD_LENGTH} characters.")])
    confirm = PasswordField("New password again", validators=[
        DataRequired("Enter the new password again."), EqualTo("new_password", "The two passwords differ.")])


class PinForm(BaseForm):
    pin = PasswordField("New PIN (4 to 8 digits)", validators=[
        DataRequired("Enter a PIN."), Regexp(PIN_PATTERN, message="The PIN must be 4 to 8 digits.")])
    confirm = PasswordField("PIN again", validators=[
        DataRequired("Enter the PIN again."), EqualTo("pin", "The two PINs differ.")])


class UnlockForm(BaseForm):
    secret = PasswordField("Your password or PIN", validators=[
        DataRequired("Enter your password or PIN."), Length(max=200)])
