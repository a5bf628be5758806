"""Exceptions services raise with a message meant for the user."""


class ServiceError(Exception):
    """A business rule refused the request; `field` names the form field it belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class InputErrors(ServiceError):
    """Every problem found with one submission, so that the form can show them all at once."""

    def __init__(self, problems: list[ServiceError]):
        super().__init__(problems[0].message, problems[0].field)
        self.problems = problems


class Checks:
    """Runs checks and keeps every ServiceError they raise, then raises them together."""

    def __init__(self):
        self.problems: list[ServiceError] = []

    def add(self, message: str, field: str | None = None) -> None:
        self.problems.append(ServiceError(message, field))

    def run(self, check, *args):
        try:
            return check(*args)
        except ServiceError as error:
            self.problems.extend(getattr(error, "problems", [error]))
            return None

    def raise_any(self) -> None:
        if self.problems:
            raise InputErrors(self.problems)


class EditConflict(ServiceError):
    """Someone else saved the record after the form was opened."""

    def __init__(self, current):
        super().__init__(
            "Someone else saved this record after you opened it. Your changes have not been "
            "saved yet: they are still in the form below. Check the latest saved values, then "
            "save again to keep your version."
        )
        self.current = current


class ImmutableRecordError(Exception):
    """An append-only record was about to be changed or deleted."""
