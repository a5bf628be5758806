from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField
from wtforms.validators import Optional, ValidationError

from governance.audit.services import EARLIEST, LATEST
from governance.core.forms import NO_SUCH_RECORD, optional_int


def _filter_id(value):
    """A filter's id; junk in the address is ignored rather than matching nothing."""
    number = optional_int(value)
    return None if number == NO_SUCH_RECORD else number


def _within_range(form, field):
    if field.data and not EARLIEST <= field.data <= LATEST:
        raise ValidationError(f"{field.label.text} date must be between 1 January {EARLIEST.year} "
                              f"and 31 December {LATEST.year}")


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    entity_type = SelectField("Record type", choices=[], validate_choice=False)
    user_id = HiddenField("Changed by", filters=[_filter_id])
    date_from = DateField("From", format="%Y-%m-%d", validators=[Optional(), _within_range])
    date_to = DateField("To", format="%Y-%m-%d", validators=[Optional(), _within_range])

    def validate_date_to(self, field):
        if field.data and self.date_from.data and not self.date_from.errors and field.data < self.date_from.data:
            raise ValidationError("To date must be the same as or after the From date")

    def filters(self) -> dict:
        """The filters to apply: anything that is not valid is left out (and shown as an error)."""
        known = {value for value, _ in self.entity_type.choices}
        return {"entity_type": self.entity_type.data if self.entity_type.data in known else None,
                "user_id": self.user_id.data,
                "date_from": None if self.date_from.errors or self.date_to.errors else self.date_from.data,
                "date_to": None if self.date_from.errors or self.date_to.errors else self.date_to.data}
