"""Form pieces shared by every module: the NHS date input and the edit-version field."""

from datetime import date

from flask_wtf import FlaskForm
from wtforms import Field, HiddenField
from wtforms.validators import Length, StopValidation

from governance.core.db import MAX_RECORD_ID


class DateInputField(Field):
    """A date entered as day, month and year boxes (the NHS.UK date input pattern).

    Its messages follow the NHS.UK error message guidance and name the field by its label:
    "Date the list size was taken must include a month", "... must be a real date", "Year must
    include 4 numbers", "Year must be 2000 or later" (`earliest_year`, 1900 unless given).
    """

    PARTS = ("day", "month", "year")

    def __init__(self, label=None, validators=None, earliest_year: int = 1900, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.parts = {"day": "", "month": "", "year": ""}
        self.earliest_year = earliest_year

    def process(self, formdata, data=None, extra_filters=None):
        self.process_errors = []
        self.data = data if isinstance(data, date) else None
        if self.data:
            self.parts = {"day": str(self.data.day), "month": str(self.data.month),
                          "year": str(self.data.year)}
        self.raw_data = None
        if formdata is None:
            return
        keys = [f"{self.name}[{part}]" for part in self.PARTS]
        if not any(k in formdata for k in keys):
            return
        self.parts = {part: (formdata.get(k) or "").strip() for part, k in zip(self.PARTS, keys, strict=True)}
        self.raw_data = list(self.parts.values())
        self.data = None
        if not any(self.parts.values()):
            return
        problem = self._problem()
        if problem:
            self.data = None
            self.process_errors.append(problem)

    def _problem(self) -> str | None:
        """Parse the boxes into `data`; the message for what is wrong with them, if anything."""
        missing = [part for part in self.PARTS if not self.parts[part]]
        if missing:
            return f"{self.label.text} must include a {' and '.join(missing)}"
        if not all(self.parts[part].isascii() and self.parts[part].isdigit() for part in self.PARTS):
            return f"{self.label.text} must be a real date"
        try:
            self.data = date(int(self.parts["year"]), int(self.parts["month"]), int(self.parts["day"]))
        except (ValueError, OverflowError):
            return f"{self.label.text} must be a real date"
        if len(self.parts["year"]) != 4:
            return "Year must include 4 numbers"
        if self.data.year < self.earliest_year:
            return f"Year must be {self.earliest_year} or later"
        return None

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()  # the message is already in errors (from process_errors)

    def _value(self):
        return self.parts


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token, for confirm buttons."""


NO_SUCH_RECORD = -1


def optional_int(value):
    """A select's value as a record id; None for the empty choice; -1 (no record has it) for junk.

    Services then refuse -1 by name ("Choose a partner of this network"), and nothing too big for
    the database ever reaches a query.
    """
    if value in (None, "", "None"):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return NO_SUCH_RECORD
    return number if 0 < number <= MAX_RECORD_ID else NO_SUCH_RECORD


def at_most(limit: int, what: str) -> Length:
    """A length limit whose message names the field: 'Title must be 300 characters or fewer'."""
    return Length(max=limit, message=f"{what} must be {limit:,} characters or fewer")


class VersionedForm(FlaskForm):
    """A form that edits an existing record and carries the version it was opened at."""

    version = HiddenField()
