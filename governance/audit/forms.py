from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import Optional

from governance.core.forms import NO_SUCH_RECORD, optional_int


def _filter_id(value):
    """A filter's id; junk in the address is ignored rather than matching nothing."""
    number = optional_int(value)
    return None if number == NO_SUCH_RECORD else number


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    entity_type = SelectField("Record type", choices=[], validate_choice=False)
    user_id = SelectField("Changed by", coerce=_filter_id, choices=[], validate_choice=False)
    date_from = DateField("From", format="%Y-%m-%d", validators=[Optional()])
    date_to = DateField("To", format="%Y-%m-%d", validators=[Optional()])
