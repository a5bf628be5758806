"""The shape of the decision, resolution and action forms; the services check what the fields mean."""

import wtforms
from flask_wtf import FlaskForm
from markupsafe import escape
from wtforms import HiddenField, RadioField, SearchField, SelectField, SelectMultipleField, StringField

from governance.core.forms import DateInputField, VersionedForm, at_most, optional_int
from governance.core.once import OnceForm
from governance.decisions.models import ActionStatus, Outcome, Relation, Vote

DATE_HINT = "For example, 1 4 2026"
OUTCOME_CHOICES = [(o.value, o.label) for o in Outcome]
RELATION_CHOICES = [("", "It stands on its own")] + [(r.value, f"It {r.value} an earlier decision")
                                                    for r in (Relation.AMENDS, Relation.SUPERSEDES, Relation.RATIFIES)]
VOTE_CHOICES = [("", "Did not vote")] + [(v.value, v.label) for v in Vote]


class TextAreaField(wtforms.TextAreaField):
    """A textarea whose text arrives escaped: the NHS.UK textarea macro prints its value as given."""

    def _value(self):
        return escape(super()._value())


class GroupedChoicesField(SelectMultipleField):
    """Checkboxes shown in groups (`groups`: [(key, legend, [(value, text)])]) that post as one field."""

    groups: tuple = ()


class DecisionFields:
    title = StringField("Title", validators=[at_most(300, "Title")],
                        description="A short name for the decision, like Approve the winter access plan")
    resolution = TextAreaField("Resolution as passed", description="The words the board agreed")
    reasons = TextAreaField("Reasons (optional)")
    options_considered = TextAreaField("Options considered and rejected (optional)")
    effective_on = DateInputField("Effective from (optional)", description=DATE_HINT)
    review_on = DateInputField("Review by (optional)", description=DATE_HINT)
    relation = SelectField("Does it change an earlier decision?", choices=RELATION_CHOICES, validate_choice=False)
    related_reference = StringField("Reference of the earlier decision (optional)",
                                    validators=[at_most(30, "Reference")], description="For example, RIV-2026-004")
    partner_ids = SelectMultipleField("Partners it affects", coerce=optional_int, choices=[], validate_choice=False)
    mou_ids = SelectMultipleField("MOUs it affects", coerce=optional_int, choices=[], validate_choice=False)
    # records of the kinds other modules register (decisions.affected), chosen as "workstream:3"
    affected = GroupedChoicesField("Other records it affects", choices=[], validate_choice=False)


class MeetingDecisionForm(DecisionFields, OnceForm):
    outcome = RadioField("Outcome", choices=OUTCOME_CHOICES, validate_choice=False)
    by_name = RadioField("How were the votes recorded?", choices=[
        ("", "As numbers"), ("y", "By name")], default="", validate_choice=False)
    votes_for = StringField("Votes for", validators=[at_most(4, "Votes for")])
    votes_against = StringField("Votes against", validators=[at_most(4, "Votes against")])
    abstentions = StringField("Abstentions", validators=[at_most(4, "Abstentions")])
    casting_vote = RadioField("The chair's casting vote", choices=[
        ("", "Not used"), ("for", "For"), ("against", "Against")], default="", validate_choice=False,
        description="Only when the votes were tied")


def meeting_decision_form(voters, **kwargs) -> MeetingDecisionForm:
    """The form with one 'how did they vote' choice for each voting member in the room."""
    fields = {f"vote_{seat.id}": SelectField(seat.name, choices=VOTE_CHOICES, validate_choice=False)
              for seat in voters}
    return type("VotesForm", (MeetingDecisionForm,), fields)(**kwargs)


class ChairsActionForm(DecisionFields, OnceForm):
    board_id = SelectField("Board or committee", coerce=optional_int, choices=[], validate_choice=False)
    decided_on = DateInputField("Date the chair took the action", description=DATE_HINT)


class WrittenResolutionForm(DecisionFields, OnceForm):
    board_id = SelectField("Board or committee", coerce=optional_int, choices=[], validate_choice=False)


class VoteForm(FlaskForm):
    vote = RadioField("Your vote", choices=[("for", "I agree"), ("against", "I do not agree"),
                                            ("abstain", "I abstain")], validate_choice=False)


class DecisionSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField("Words", validators=[at_most(200, "Words")])
    board = SelectField("Board or committee", coerce=optional_int, choices=[], validate_choice=False)
    outcome = SelectField("Outcome", choices=[("", "Any outcome")] + OUTCOME_CHOICES, validate_choice=False)
    start = DateInputField("From", description=DATE_HINT)
    end = DateInputField("To", description=DATE_HINT)
    affects = HiddenField()  # "partner:3", from a partner's or workstream's page


class ActionFields:
    description = TextAreaField("Action", validators=[at_most(2000, "Action")],
                                description="What needs to be done, in a sentence")
    owner_id = SelectField("Owner", coerce=optional_int, choices=[], validate_choice=False)
    due_on = DateInputField("Due by", description=DATE_HINT)


class NewActionForm(ActionFields, OnceForm):
    agenda_item_id = SelectField("Arising from item", coerce=optional_int, choices=[], validate_choice=False)


class ActionForm(ActionFields, VersionedForm):
    pass


class ProgressForm(OnceForm):
    status = RadioField("Status", choices=[(s.value, s.label) for s in ActionStatus], validate_choice=False)
    note = TextAreaField("What has happened (optional when only the status changes)",
                         validators=[at_most(5000, "What has happened")])
    recorded_on = DateInputField("Date (optional)", description="Leave empty for today. " + DATE_HINT)


class ActionSearchForm(FlaskForm):
    class Meta:
        csrf = False

    board = SelectField("Board or committee", coerce=optional_int, choices=[], validate_choice=False)
    owner = SelectField("Owner", coerce=optional_int, choices=[], validate_choice=False)
    status = SelectField("Status", choices=[("", "Any status"), ("outstanding", "Open or in progress"),
                                            ("overdue", "Overdue")] + [(s.value, s.label) for s in ActionStatus],
                         validate_choice=False)
    meeting = SelectField("Meeting", coerce=optional_int, choices=[], validate_choice=False)


def with_affected_choices(form, groups):
    """Offer the registered kinds of record (groups from affected.choice_groups()), one fieldset each."""
    form.affected.groups = groups
    form.affected.choices = [option for _, _, options in groups for option in options]
    return form


def with_choices(form, **choices):
    """Fill select fields' choices: with_choices(form, board=[(1, 'Board')]) adds an 'any' first."""
    for name, options in choices.items():
        field = getattr(form, name)
        blank = {"owner_id": "Choose the owner", "board_id": "Choose the board or committee",
                 "agenda_item_id": "No particular item"}.get(name, "Any")
        field.choices = ([] if field.type == "SelectMultipleField" else [(None, blank)]) + list(options)
    return form
