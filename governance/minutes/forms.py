from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField

from governance.core.forms import VersionedForm, at_most
from governance.core.once import OnceForm


def minutes_form(items, **kwargs) -> VersionedForm:
    """The draft minutes: opening words and a discussion summary for each agenda item."""

    class MinutesForm(VersionedForm):
        opening = TextAreaField("Opening and matters arising",
                                validators=[at_most(20_000, "Opening and matters arising")],
                                description="Welcome, the previous minutes and matters arising")

    for item in items:
        setattr(MinutesForm, f"summary_{item.id}", TextAreaField(
            f"What was discussed: {item.position}. {item.title}",
            validators=[at_most(20_000, f"The summary of {item.title}")]))
    return MinutesForm(**kwargs)


class ApprovalForm(FlaskForm):
    decision = SelectField("The decision that approved these minutes", coerce=str, validate_choice=False,
                           description="An approved decision of a later meeting of the board")


class CorrectionForm(OnceForm):
    section = SelectField("Which part of the minutes is corrected?", coerce=str, validate_choice=False)
    passage = TextAreaField("The passage as it reads in the approved minutes",
                            validators=[at_most(5_000, "The passage")],
                            description="Copy the words that are wrong, for example Dr Anna Patel sent apologies")
    corrected_wording = TextAreaField("What it should say", validators=[at_most(20_000, "The corrected wording")],
                                      description="For example, Dr Anna Patel was present")
    reason = TextAreaField("Why is it corrected?", validators=[at_most(2_000, "The reason")],
                           description="For example, The attendance was recorded against the wrong member")
    decision = SelectField("The decision that agreed the correction", coerce=str, validate_choice=False,
                           description="An approved decision of a later meeting of the board")
