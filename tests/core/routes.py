"""Building a sample URL for any route of the app, for tests that walk the URL map."""

import re


def sample_url(rule, slug: str, values: dict | None = None) -> str:
    """The rule's URL with this slug, these ints (else 1) and the first choice of any `any(...)`."""
    values = values or {}

    def fill(match):
        converter, args, name = match.group(1), match.group(2), match.group(3)
        if name == "network_slug":
            return slug
        if converter == "any":
            return args.split(",")[0].strip(" '\"")
        return str(values.get(name, 1)) if converter == "int" else "x"

    return re.sub(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>", fill, rule.rule)
