from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, ValidationError

from governance.auth import passwords
from governance.core.errors import ServiceError
from governance.core.forms import at_most

EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"


class LoginForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter your email address"),
                                                    at_most(254, "Email address")])
    password = PasswordField("Password", validators=[DataRequired("Enter your password"),
                                                     at_most(200, "Password")])
    remember = BooleanField("Keep me signed in on this device for 14 days", default=False)


class ForgotPasswordForm(FlaskForm):
    email = EmailField("Email address", validators=[
        DataRequired("Enter your email address"), at_most(254, "Email address"), Email(EMAIL_FORMAT)])


def strong_password(form, field):
    """The service's rule (auth.passwords), checked here too so every error shows in one round."""
    try:
        passwords.check(field.data)
    except ServiceError as error:
        raise ValidationError(error.message) from None


class NewPasswordForm(FlaskForm):
    password = PasswordField("New password", description=passwords.ADVICE,
                             validators=[DataRequired("Enter a new password"), strong_password])
    confirm = PasswordField("Confirm new password", validators=[
        DataRequired("Enter the password again"), EqualTo("password", "Passwords do not match")])


class AcceptInvitationForm(NewPasswordForm):
    full_name = StringField("Full name", validators=[
        DataRequired("Enter your full name"), at_most(200, "Full name")])
