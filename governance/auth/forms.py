from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length


class LoginForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter your email address")])
    password = PasswordField("Password", validators=[DataRequired("Enter your password")])
    remember = BooleanField("Keep me signed in on this device for 14 days", default=False)


class ForgotPasswordForm(FlaskForm):
    email = EmailField("Email address", validators=[
        DataRequired("Enter your email address"),
        Email("Enter an email address in the correct format, like name@example.com")])


class NewPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[
        DataRequired("Enter a new password"),
        Length(min=10, message="Password must be at least 10 characters")])
    confirm = PasswordField("Confirm new password", validators=[
        DataRequired("Enter the password again"), EqualTo("password", "Passwords do not match")])


class AcceptInvitationForm(NewPasswordForm):
    full_name = StringField("Full name", validators=[
        DataRequired("Enter your full name"), Length(max=200)])

