"""Exceptions services raise with a message meant for the user."""


class ServiceError(Exception):
    """A business rule refused the request; `field` names the form field it belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


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
