from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import Optional

from governance.networks.forms import _coerce_optional_int


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    entity_type = SelectField("Record type", choices=[], validate_choice=False)
    user_id = SelectField("Changed by", coerce=_coerce_optional_int, choices=[], validate_choice=False)
    date_from = DateField("From", format="%Y-%m-%d", validators=[Optional()])
    date_to = DateField("To", format="%Y-%m-%d", validators=[Optional()])
