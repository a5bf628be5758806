from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp

from governance.core.forms import VersionedForm, optional_int
from governance.core.permissions import ROLE_LABELS
from governance.networks.models import CARE_MODEL_LABELS

ROLE_CHOICES = [(role.value, label) for role, label in ROLE_LABELS.items()]
# What each role can do, in the words the invitation and role forms show (from core.permissions' policy).
ROLE_DESCRIPTIONS = {
    "network_admin": "Everything a board secretary can do, and invites members, changes their roles and "
                     "edits the network profile.",
    "board_secretary": "Keeps the record: edits partners, drafts and issues MOUs, issues documents and reads "
                       "the audit trail.",
    "board_member": "Reads partners, MOUs and issued documents, and comments on MOU drafts when invited to.",
    "partner_representative": "Acts for one partner organisation: reads what a board member reads. An "
                              "authorised signatory also signs MOUs for that partner.",
    "patient_panel_member": "A member of the public on the patient panel: sees the network and its partners, "
                            "but no contact details, sign-in emails or documents.",
    "observer": "Reads partners, MOUs and issued documents (for example a commissioner), without changing "
                "or commenting on anything.",
}
CARE_MODEL_CHOICES = [(model.value, label) for model, label in CARE_MODEL_LABELS.items()]
EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"


class NetworkProfileFields:
    name = StringField("Network name", validators=[DataRequired("Enter the network name"), Length(max=200)])
    care_model = SelectField("Care model", choices=CARE_MODEL_CHOICES)
    ods_code = StringField("ODS code (optional)", validators=[
        Optional(), Regexp(r"^[A-Za-z0-9]{3,10}$", message="ODS code must be 3 to 10 letters and numbers")])
    footprint = TextAreaField("Footprint", validators=[Length(max=2000)],
                              description="The area and population the network serves")
    financial_year_start = IntegerField(
        "Current financial year starts in April of", validators=[
            DataRequired("Enter the year the current financial year starts"),
            NumberRange(2000, 2100, "Enter a year between 2000 and 2100")])


class NetworkForm(NetworkProfileFields, VersionedForm):
    pass


class NewNetworkForm(NetworkProfileFields, FlaskForm):
    slug = StringField("Web address name", description="Lower case letters, numbers and hyphens",
                       validators=[DataRequired("Enter a web address name"), Length(max=80)])
    admin_email = EmailField("First network admin's email address",
                             validators=[DataRequired("Enter the admin's email address"), Email(EMAIL_FORMAT)])
    admin_name = StringField("First network admin's full name", validators=[Length(max=200)])


class RoleFields:
    role = SelectField("Role", choices=ROLE_CHOICES)
    partner_id = SelectField("Partner organisation", coerce=optional_int, choices=[],
                             description="Only for partner representatives", validate_choice=False)
    is_authorised_signatory = BooleanField("Authorised to sign MOUs for this partner")


class MembershipForm(RoleFields, VersionedForm):
    job_title = StringField("Job title", validators=[Length(max=200)])


class InvitationForm(RoleFields, FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter an email address"), Email(EMAIL_FORMAT)])
    full_name = StringField("Full name", validators=[Length(max=200)])
