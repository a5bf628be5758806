"""MOU text: Markdown to sanitised HTML, the canonical form that is hashed, and word-level diffs."""

import hashlib
import json
import re
import threading
import unicodedata
from collections import OrderedDict
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
_TOKENS = re.compile(r"[^\S\n]*\n|\S+[^\S\n]*|[^\S\n]+")  # words keep their trailing spaces; each newline alone
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


# ---------------------------------------------------------------- Markdown as the text people read

def _inline_text(token) -> str:
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts)


def plain_text(markdown_text: str | None) -> str:
    """A clause's Markdown as the words a reader sees: no markup, lists as bullets and numbers."""
    lines: list[str] = []
    lists: list[list] = []  # per open list: [next number or None]
    marker, row = "", None
    for token in _markdown.parse(markdown_text or ""):
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            lists.append([int(token.attrGet("start") or 1) if kind == "ordered_list_open" else None])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
            if not lists:
                lines.append("")
        elif kind == "list_item_open":
            number = lists[-1][0]
            marker = "  " * (len(lists) - 1) + ("• " if number is None else f"{number}. ")
            if number is not None:
                lists[-1][0] = number + 1
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close":
            lines.append(" | ".join(row or []))
            row = None
        elif kind == "inline" and row is not None:
            row.append(_inline_text(token))
        elif kind == "inline":
            lines.append(marker + _inline_text(token) if marker else _inline_text(token))
            marker = ""
        elif kind in ("fence", "code_block"):
            lines.extend([token.content.rstrip("\n"), ""])
        elif kind == "hr":
            lines.extend(["———", ""])
        elif kind in ("paragraph_close", "heading_close", "table_close") and not lists:
            lines.append("")
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n")


# ---------------------------------------------------------------- word differences, with bounded work

MAX_EDITS = 400  # more words changed than this in one text: it is shown as replaced
PAGE_STEPS = 1_500_000  # the work one comparison page may do; then the remaining texts show as replaced


class TooMuchWork(Exception):
    """The difference would cost more than the budget allows."""


class Budget:
    """Steps of the diff algorithm left for one page."""

    def __init__(self, steps: int = PAGE_STEPS):
        self.left = steps

    def spend(self, steps: int) -> None:
        self.left -= steps
        if self.left < 0:
            raise TooMuchWork()


def _edit_script(a: list[str], b: list[str], budget: Budget, max_edits: int) -> list[tuple[str, int, int]]:
    """Myers' shortest edit script, as ("equal"|"delete"|"insert", index in a, index in b) steps.

    Costs O((N + M) * D) for D edits; gives up with TooMuchWork past `max_edits` or the budget.
    """
    n, m = len(a), len(b)
    limit = min(n + m, max_edits)
    offset = limit + 1
    v = [0] * (2 * limit + 3)
    trace = []
    for d in range(limit + 1):
        trace.append(v[:])
        budget.spend(len(v) // 8 + d + 1)
        for k in range(-d, d + 1, 2):
            if k == -d or (k != d and v[offset + k - 1] < v[offset + k + 1]):
                x = v[offset + k + 1]
            else:
                x = v[offset + k - 1] + 1
            y, start = x - k, x
            while x < n and y < m and a[x] == b[y]:
                x, y = x + 1, y + 1
            budget.spend(x - start + 1)
            v[offset + k] = x
            if x >= n and y >= m:
                return _backtrack(trace, offset, n, m)
    raise TooMuchWork()


def _backtrack(trace: list[list[int]], offset: int, x: int, y: int) -> list[tuple[str, int, int]]:
    steps = []
    for d in range(len(trace) - 1, -1, -1):
        v, k = trace[d], x - y
        if k == -d or (k != d and v[offset + k - 1] < v[offset + k + 1]):
            previous_k = k + 1
        else:
            previous_k = k - 1
        previous_x = v[offset + previous_k]
        previous_y = previous_x - previous_k
        while x > previous_x and y > previous_y:
            steps.append(("equal", x - 1, y - 1))
            x, y = x - 1, y - 1
        if d > 0:
            steps.append(("insert", x, y - 1) if x == previous_x else ("delete", x - 1, y))
        x, y = previous_x, previous_y
    return steps[::-1]


def _runs(a: list[str], b: list[str], steps) -> list[tuple[str, str, str]]:
    """Steps grouped into ("equal", text, text) and ("change", removed, added) runs."""
    runs: list[list] = []
    for tag, i, j in steps:
        kind = "equal" if tag == "equal" else "change"
        if not runs or runs[-1][0] != kind:
            runs.append([kind, [], []])
        if tag in ("equal", "delete"):
            runs[-1][1].append(a[i])
        if tag in ("equal", "insert"):
            runs[-1][2].append(b[j])
    return [(kind, "".join(old), "".join(new)) for kind, old, new in runs]


def _absorb_small_words(runs: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """A lone short word kept between two changes reads better inside the change."""
    merged: list[tuple[str, str, str]] = []
    for index, run in enumerate(runs):
        between = 0 < index < len(runs) - 1 and runs[index - 1][0] == runs[index + 1][0] == "change"
        if run[0] == "equal" and between and len(run[1].split()) == 1 and len(run[1].strip()) <= 4:
            run = ("change", run[1], run[2])
        if merged and merged[-1][0] == run[0] == "change":
            merged[-1] = ("change", merged[-1][1] + run[1], merged[-1][2] + run[2])
        else:
            merged.append(run)
    return merged


def _word_runs(old: str, new: str, budget: Budget) -> list[tuple[str, str, str]]:
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    head = 0
    while head < len(a) and head < len(b) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < len(a) - head and tail < len(b) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    budget.spend((head + tail) // 8 + 1)
    middle_a, middle_b = a[head:len(a) - tail], b[head:len(b) - tail]
    runs = [("equal", "".join(a[:head]), "".join(b[:head]))] if head else []
    if middle_a or middle_b:
        runs += _absorb_small_words(_runs(middle_a, middle_b, _edit_script(middle_a, middle_b, budget, MAX_EDITS)))
    if tail:
        runs.append(("equal", "".join(a[len(a) - tail:]), "".join(b[len(b) - tail:])))
    return runs


_DELETED = Markup('<del><span class="nhsuk-u-visually-hidden">removed: </span>{}</del>')
_INSERTED = Markup('<ins><span class="nhsuk-u-visually-hidden">added: </span>{}</ins>')


def _render_runs(runs: list[tuple[str, str, str]]) -> Markup:
    parts = []
    for kind, old, new in runs:
        if kind == "equal":
            parts.append(_with_breaks(old))
            continue
        if old:
            parts.append(_DELETED.format(_with_breaks(old)))
        if new:
            parts.append(_INSERTED.format(_with_breaks(new)))
    return Markup("").join(parts)


def diff_text(old: str | None, new: str | None, budget: Budget | None = None) -> Markup:
    """Word-level difference as escaped HTML with <ins> and <del>; shown as replaced when too costly."""
    return diff_text_checked(old, new, budget or Budget())[0]


def diff_text_checked(old: str | None, new: str | None, budget: Budget) -> tuple[Markup, bool]:
    """The difference and whether it is word by word (False: too many changes, shown as replaced)."""
    try:
        return _render_runs(_word_runs(old or "", new or "", budget)), True
    except TooMuchWork:
        return _render_runs([("change", old or "", new or "")]), False


@dataclass(frozen=True)
class FieldDiff:
    label: str
    html: Markup
    changed: bool


@dataclass(frozen=True)
class ClauseDiff:
    heading: Markup
    body: Markup
    change: str  # added, removed, changed or unchanged
    word_by_word: bool = True  # False: too many changes to show word by word, so shown as replaced


def _details(content: dict) -> dict[str, str]:
    end_kind = "review date" if content["end_date_kind"] == "review" else "end date"
    return {
        "Title": content["title"],
        "Purpose": content["purpose"],
        "Start date": format_date(date.fromisoformat(content["start_date"])),
        "End or review date": f"{format_date(date.fromisoformat(content['end_date']))} ({end_kind})",
        "Parties": "\n".join(p["name"] for p in content["parties"]),
    }


def _clause_diff(old: dict | None, new: dict | None, budget: Budget) -> ClauseDiff:
    change = "added" if old is None else "removed" if new is None else "changed"
    old, new = old or {"heading": "", "body": ""}, new or {"heading": "", "body": ""}
    if change == "changed" and old["heading"] == new["heading"] and old["body"] == new["body"]:
        return ClauseDiff(escape(new["heading"]), Markup(""), "unchanged")
    heading = diff_text_checked(old["heading"], new["heading"], budget)[0]
    body, word_by_word = diff_text_checked(plain_text(old["body"]), plain_text(new["body"]), budget)
    return ClauseDiff(heading, body, change, word_by_word)


_CACHE: OrderedDict[tuple[str, str], tuple[list[FieldDiff], list[ClauseDiff]]] = OrderedDict()
_CACHE_SIZE = 64
_CACHE_LOCK = threading.Lock()


def diff_content(old: dict, new: dict, *, frozen: bool = False) -> tuple[list[FieldDiff], list[ClauseDiff]]:
    """Details and clauses of two canonical contents compared; clauses are matched by their key.

    The work is bounded (a text with too many changes shows as replaced). Two `frozen` contents
    (issued versions) never change, so their comparison is kept and served again.
    """
    key = (content_hash(old), content_hash(new)) if frozen else None
    if key is not None:
        with _CACHE_LOCK:
            if key in _CACHE:
                _CACHE.move_to_end(key)
                return _CACHE[key]
    result = _compare(old, new, Budget())
    if key is not None:
        with _CACHE_LOCK:
            _CACHE[key] = result
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    return result


def _compare(old: dict, new: dict, budget: Budget) -> tuple[list[FieldDiff], list[ClauseDiff]]:
    before, after = _details(old), _details(new)
    fields = [FieldDiff(label, diff_text_checked(before[label], after[label], budget)[0],
                        before[label] != after[label]) for label in before]
    old_by_key = {c["key"]: c for c in old["clauses"]}
    new_keys = {c["key"] for c in new["clauses"]}
    rows: list[tuple[str, ClauseDiff]] = [(c["key"], _clause_diff(old_by_key.get(c["key"]), c, budget))
                                          for c in new["clauses"]]
    position = {key: i for i, (key, _) in enumerate(rows)}
    removed: list[tuple[int, int, str, ClauseDiff]] = []  # (after which new row, order, key, diff)
    previous = None
    for order, clause in enumerate(old["clauses"]):
        if clause["key"] in new_keys:
            previous = clause["key"]
            continue
        at = position[previous] + 1 if previous in position else 0
        removed.append((at, order, clause["key"], _clause_diff(clause, None, budget)))
    for at, _, key, row in sorted(removed, key=lambda r: (r[0], r[1]), reverse=True):
        rows.insert(at, (key, row))
    return fields, [row for _, row in rows]
