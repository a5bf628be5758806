"""MOU text: Markdown to sanitised HTML, the canonical form that is hashed, and word-level diffs."""

import difflib
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from governance.core.formatting import format_date
from governance.core.text import without_controls

CANONICAL_FORMAT = "accord-mou/1"
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "s", "del", "code", "pre", "blockquote", "hr",
    "ul", "ol", "li", "h3", "h4", "h5", "h6", "a",
    "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"https", "http", "mailto"}

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(["table", "strikethrough"])
_TOKENS = re.compile(r"\S+\s*|\s+")  # words keep their trailing space: changes read as phrases
_BLANK_RUNS = re.compile(r"\n{3,}")
# Control characters other than tab and newlines: invisible, and PostgreSQL refuses NUL in text.


def render_markdown(text: str) -> Markup:
    """Clause Markdown as HTML, through an allow-list sanitiser; headings start at h3."""
    tokens = _markdown.parse(text or "")
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 2, 6)}"
    html = _markdown.renderer.render(tokens, _markdown.options, {})
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                      link_rel="noopener noreferrer")
    return Markup(clean)  # noqa: S704 - sanitised by nh3 with an allow-list just above


# "[quarterly]" or "[describe the voting rule]" in the clause library, but not a Markdown link "[text](url)".
PLACEHOLDER = re.compile(r"\[([^\[\]\n]{1,200})\](?!\()")


def placeholders(text: str | None) -> list[str]:
    """The square-bracketed placeholders still left in a clause, e.g. ['quarterly']."""
    return PLACEHOLDER.findall(text or "")


def normalise_text(text: str | None) -> str:
    """Multi-line text in canonical form: NFC, LF newlines, no trailing spaces, at most one blank line."""
    text = unicodedata.normalize("NFC", without_controls(text))
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_RUNS.sub("\n\n", text).strip("\n").strip()


def normalise_line(text: str | None) -> str:
    """Single-line text in canonical form: NFC with every run of whitespace made one space."""
    return " ".join(unicodedata.normalize("NFC", without_controls(text)).split())


def canonical_json(content: dict) -> bytes:
    """The exact bytes that are hashed: sorted keys, no insignificant spaces, UTF-8."""
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def content_hash(content: dict) -> str:
    """The SHA-256, in hex, of the canonical JSON of the content."""
    return hashlib.sha256(canonical_json(content)).hexdigest()


def _with_breaks(text: str) -> Markup:
    return escape(text).replace("\n", Markup("<br>\n"))


def diff_text(old: str | None, new: str | None) -> Markup:
    """Word-level difference between two texts as escaped HTML with <ins> and <del>."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    parts = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(_with_breaks("".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            parts.append(Markup('<del><span class="nhsuk-u-visually-hidden">removed: </span>{}</del>')
                         .format(_with_breaks("".join(a[i1:i2]))))
        if op in ("insert", "replace"):
            parts.append(Markup('<ins><span class="nhsuk-u-visually-hidden">added: </span>{}</ins>')
                         .format(_with_breaks("".join(b[j1:j2]))))
    return Markup("").join(parts)


@dataclass
class FieldDiff:
    label: str
    html: Markup
    changed: bool


@dataclass
class ClauseDiff:
    heading: Markup
    body: Markup
    change: str  # added, removed, changed or unchanged


def _details(content: dict) -> dict[str, str]:
    end_kind = "review date" if content["end_date_kind"] == "review" else "end date"
    return {
        "Title": content["title"],
        "Purpose": content["purpose"],
        "Start date": format_date(date.fromisoformat(content["start_date"])),
        "End or review date": f"{format_date(date.fromisoformat(content['end_date']))} ({end_kind})",
        "Parties": "\n".join(p["name"] for p in content["parties"]),
    }


def _clause_diff(old: dict | None, new: dict | None) -> ClauseDiff:
    if old is None:
        return ClauseDiff(diff_text("", new["heading"]), diff_text("", new["body"]), "added")
    if new is None:
        return ClauseDiff(diff_text(old["heading"], ""), diff_text(old["body"], ""), "removed")
    same = old["heading"] == new["heading"] and old["body"] == new["body"]
    return ClauseDiff(diff_text(old["heading"], new["heading"]), diff_text(old["body"], new["body"]),
                      "unchanged" if same else "changed")


def diff_content(old: dict, new: dict) -> tuple[list[FieldDiff], list[ClauseDiff]]:
    """Details and clauses of two canonical contents compared; clauses are matched by their key."""
    before, after = _details(old), _details(new)
    fields = [FieldDiff(label, diff_text(before[label], after[label]), before[label] != after[label])
              for label in before]
    old_by_key = {c["key"]: c for c in old["clauses"]}
    new_keys = {c["key"] for c in new["clauses"]}
    rows: list[tuple[str, ClauseDiff]] = [(c["key"], _clause_diff(old_by_key.get(c["key"]), c))
                                          for c in new["clauses"]]
    previous = None
    for clause in old["clauses"]:
        if clause["key"] in new_keys:
            previous = clause["key"]
            continue
        at = next((i + 1 for i, (key, _) in enumerate(rows) if key == previous), 0) if previous else 0
        rows.insert(at, (clause["key"], _clause_diff(clause, None)))
        previous = clause["key"]
    return fields, [row for _, row in rows]
