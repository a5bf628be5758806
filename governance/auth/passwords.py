"""What a new password must be: at least 10 characters and not one of the commonest passwords.

The list is a data file (see data/README.md for where it comes from). The advice on the forms is
the National Cyber Security Centre's: three random words make a strong password.
"""

import functools
from pathlib import Path

from governance.core.errors import ServiceError

MIN_LENGTH = 10
MAX_LENGTH = 200
COMMON_PASSWORDS = Path(__file__).resolve().parent / "data" / "common-passwords.txt"
ADVICE = ("Use at least 10 characters. A good way to make a strong password is to use three random words, "
          "like ‘coffee train fish’. Do not use a common password such as ‘password123’.")


@functools.cache
def common_passwords() -> frozenset[str]:
    return frozenset(line.strip() for line in COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
                     if line.strip())


def is_common(password: str) -> bool:
    return (password or "").strip().lower() in common_passwords()


def check(password: str, field: str = "password") -> None:
    """Refuse a password that is too short, too long or too common, saying which."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        raise ServiceError(f"Password must be at least {MIN_LENGTH} characters", field)
    if len(password) > MAX_LENGTH:
        raise ServiceError(f"Password must be {MAX_LENGTH} characters or fewer", field)
    if is_common(password):
        raise ServiceError("This password is too common and easy to guess. Try three random words, "
                           "like ‘coffee train fish’", field)
