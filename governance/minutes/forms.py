from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField

from governance.core.forms import VersionedForm, at_most


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
