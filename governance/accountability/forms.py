"""The shape of the accountability forms; the services check what the fields mean.

Each form that records a change (establishing a workstream, a new Accountable or RACI assignment, an
appointment, an ending) has an optional `decision_reference`: the decision behind it, as the decision
log shows its reference (RIV-2026-014). The service finds it in the network and refuses one that
decided nothing.
"""

import wtforms
from flask_wtf import FlaskForm
from markupsafe import escape
from wtforms import BooleanField, RadioField, SearchField, SelectField, StringField

from governance.accountability.models import RaciRole, WorkstreamStatus
from governance.core.forms import DateInputField, VersionedForm, at_most, optional_int
from governance.core.once import OnceForm

STATUS_CHOICES = [(status.value, status.label) for status in WorkstreamStatus]
SUPPORTING_CHOICES = [(role.value, f"{role.label}: {role.meaning}")
                      for role in (RaciRole.RESPONSIBLE, RaciRole.CONSULTED, RaciRole.INFORMED)]
NO_PARTNER, NO_MEMBER = (None, "No partner"), (None, "No named member")
DATE_HINT = "For example, 1 4 2026"
DECISION_HINT = "Its reference in the decision log, like RIV-2026-014"


def decision_field(label: str) -> StringField:
    return StringField(f"{label} (optional)", validators=[at_most(30, "Decision reference")],
                       description=DECISION_HINT)


class TextAreaField(wtforms.TextAreaField):
    """A textarea whose text arrives escaped: the NHS.UK textarea macro prints its value as given."""

    def _value(self):
        return escape(super()._value())


class WorkstreamFields:
    name = StringField("Name", validators=[at_most(200, "Name")],
                       description="What the network calls it, like Proactive frailty service")
    description = TextAreaField("Description (optional)", validators=[at_most(5000, "Description")])
    population = StringField("Target population group (optional)", validators=[at_most(300, "Target population group")],
                             description="Who it is for, like People aged 65 and over with moderate or severe frailty")
    lead_partner_id = SelectField("Lead partner (optional)", coerce=optional_int, choices=[], validate_choice=False)
    status = RadioField("Status", choices=STATUS_CHOICES, default=WorkstreamStatus.PROPOSED.value,
                        validate_choice=False)
    start_date = DateInputField("Start date (optional)", description=DATE_HINT)
    end_date = DateInputField("End date (optional)", description="For a closed workstream, the date it closed")
    decision_reference = decision_field("Decision that established it")


class NewWorkstreamForm(WorkstreamFields, OnceForm):
    pass


class WorkstreamForm(WorkstreamFields, VersionedForm):
    pass


class PartyFields:
    partner_id = SelectField("Partner", coerce=optional_int, choices=[], validate_choice=False)
    membership_id = SelectField("Named member", coerce=optional_int, choices=[], validate_choice=False,
                                description="A person in the network. Choose a partner too when they act for it.")
    note = TextAreaField("Note (optional)", validators=[at_most(2000, "Note")])


class AccountableForm(PartyFields, OnceForm):
    valid_from = DateInputField("Accountable from", description=DATE_HINT)
    decision_reference = decision_field("Decision behind the change")


class AssignmentForm(PartyFields, OnceForm):
    role = RadioField("Role", choices=SUPPORTING_CHOICES, validate_choice=False)
    valid_from = DateInputField("From", description=DATE_HINT)
    decision_reference = decision_field("Decision behind the change")


class EndForm(FlaskForm):
    last_day = DateInputField("Last day", description="The last day it applies. If it was recorded by mistake, "
                                                      "enter the day before it started. " + DATE_HINT)
    note = TextAreaField("Reason (optional)", validators=[at_most(2000, "Reason")])
    decision_reference = decision_field("Decision behind the ending")


class LeadRoleFields:
    name = StringField("Name of the role", validators=[at_most(200, "Name")])
    description = TextAreaField("What the role does (optional)", validators=[at_most(2000, "What the role does")])
    required = BooleanField("The network must always have someone in this role",
                            description="A vacancy in a required role shows as a gap")


class NewLeadRoleForm(LeadRoleFields, OnceForm):
    pass


class LeadRoleForm(LeadRoleFields, VersionedForm):
    pass


class AppointForm(OnceForm):
    membership_id = SelectField("Member of the network", coerce=optional_int, choices=[], validate_choice=False)
    person_name = StringField("Or the name of someone without an Accord account",
                              validators=[at_most(200, "Name")], description="Leave empty when you chose a member")
    partner_id = SelectField("Partner they come from (optional)", coerce=optional_int, choices=[],
                             validate_choice=False)
    term_start = DateInputField("Term starts", description=DATE_HINT)
    term_end = DateInputField("Term ends (optional)", description="Leave empty for a term with no fixed end")
    note = TextAreaField("Note (optional)", validators=[at_most(2000, "Note")])
    decision_reference = decision_field("Decision that appointed them")


class WorkstreamSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField("Search workstreams", validators=[at_most(100, "Search")])
    status = SelectField("Status", choices=[("", "Any status")] + STATUS_CHOICES, validate_choice=False)
    partner = SelectField("Partner", coerce=optional_int, choices=[], validate_choice=False)


class MatrixForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField("Workstream status", choices=[("", "Any status")] + STATUS_CHOICES, validate_choice=False)
    partner = SelectField("Partner", coerce=optional_int, choices=[], validate_choice=False)
    as_of = DateInputField("As of", description="Show who held each role on this date. " + DATE_HINT)


class AsOfForm(FlaskForm):
    class Meta:
        csrf = False

    as_of = DateInputField("Who held each role on", description=DATE_HINT)


def with_choices(form, partners=None, members=None):
    """Fill a form's partner and member select boxes (with an empty first choice)."""
    if partners is not None:
        for name in ("partner_id", "lead_partner_id", "partner"):
            if hasattr(form, name):
                empty = (None, "Any partner") if name == "partner" else NO_PARTNER
                getattr(form, name).choices = [empty] + partners
    if members is not None and hasattr(form, "membership_id"):
        form.membership_id.choices = [NO_MEMBER] + members
    return form
