"""Jinja's undefined values: forgiving inside the NHS.UK macros, loud for our own typos in tests.

The NHS.UK macros read nested parameters that callers leave out (`params.hint.text`), so a
missing key of a dict must be a chainable, empty value. A name that is not defined at all, or
an attribute missing from one of our objects, is a typo: with STRICT_TEMPLATES (tests) it raises.
"""

from collections.abc import Mapping

from jinja2 import ChainableUndefined, Undefined
from jinja2.utils import missing


class MacroFriendlyUndefined(ChainableUndefined):
    """Chainable for a key missing from a dict (macro parameters); strict for anything else."""

    __slots__ = ()

    def _is_typo(self) -> bool:
        if self._undefined_name == "caller":  # a macro asking whether it was called with a block
            return False
        if (self._undefined_hint or "").startswith("parameter "):  # a macro argument left out
            return False
        parent = self._undefined_obj
        return parent is missing or not isinstance(parent, Mapping | Undefined)

    def _check(self):
        if self._is_typo():
            self._fail_with_undefined_error()

    def __str__(self) -> str:
        self._check()
        return ""

    def __bool__(self) -> bool:
        self._check()
        return False

    def __iter__(self):
        self._check()
        return iter(())

    def __len__(self) -> int:
        self._check()
        return 0

    def __getattr__(self, name: str):
        if name[:2] != "__" and self._is_typo():
            self._fail_with_undefined_error()
        return super().__getattr__(name)

    def __getitem__(self, name):
        self._check()
        return self

    def __eq__(self, other) -> bool:
        self._check()
        return type(self) is type(other)

    def __hash__(self) -> int:
        return id(type(self))


# What templates pass to the macros for "leave this parameter out": chainable and empty.
LEAVE_OUT = ChainableUndefined(name="undefined")
