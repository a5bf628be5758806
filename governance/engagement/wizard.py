"""The patient's feedback, one question per page (the NHS.UK question page pattern).

Answers are kept in the signed session cookie until the patient sends them from the "check your
answers" page; each page checks its own answer, and the last step saves the feedback once.
"""

from dataclasses import dataclass

from flask import session

from governance.core.errors import ServiceError
from governance.core.text import clean_line, clean_text
from governance.engagement import feedback
from governance.engagement.forms import AboutForm, DetailsForm, FeelingForm, NameForm, TopicForm, UpdatesForm
from governance.engagement.models import Feeling

DRAFT_KEY = "engagement_feedback_draft"
STEPS = ("about", "topic", "details", "feeling", "name", "updates")
FORMS = {"about": AboutForm, "topic": TopicForm, "details": DetailsForm, "feeling": FeelingForm,
         "name": NameForm, "updates": UpdatesForm}
FIELDS = {"about": "about", "topic": "topic", "details": "body", "feeling": "feeling", "name": "show_name",
          "updates": "email_on_change"}


def draft(network_id: int) -> dict:
    """The answers given so far in this network (a draft from another network is ignored)."""
    found = session.get(DRAFT_KEY) or {}
    return found if found.get("network") == network_id else {"network": network_id}


def forget(network_id: int) -> None:
    if (session.get(DRAFT_KEY) or {}).get("network") == network_id:
        session.pop(DRAFT_KEY, None)


def steps_for(answers: dict) -> list[str]:
    """The pages this patient sees: the topic page only for feedback not about a workstream."""
    return [step for step in STEPS if step != "topic" or answers.get("about") == feedback.GENERAL]


def next_step(step: str, answers: dict) -> str | None:
    """The page after this one (None: check your answers)."""
    steps = steps_for(answers)
    index = steps.index(step) if step in steps else -1
    return steps[index + 1] if index + 1 < len(steps) else None


def previous_step(step: str, answers: dict) -> str | None:
    steps = steps_for(answers)
    return steps[steps.index(step) - 1] if step in steps and steps.index(step) > 0 else None


def first_missing(answers: dict) -> str | None:
    """The first page still to answer; the feeling page is optional."""
    for step in steps_for(answers):
        if step != "feeling" and FIELDS[step] not in answers:
            return step
    return None


def _check(step: str, value):
    if step == "about":
        if value is None or (value != feedback.GENERAL and value not in {r[0] for r in feedback.workstream_options()}):
            raise ServiceError("Select what your feedback is about", "about")
        return value
    if step == "topic":
        topic = clean_line(value)
        if not topic:
            raise ServiceError("Enter what your feedback is about", "topic")
        if len(topic) > feedback.TOPIC_LIMIT:
            raise ServiceError(f"What it is about must be {feedback.TOPIC_LIMIT} characters or fewer", "topic")
        return topic
    if step == "details":
        body = clean_text(value)
        if not body:
            raise ServiceError("Enter what happened or what you suggest", "body")
        if len(body) > feedback.BODY_LIMIT:
            raise ServiceError(f"Your feedback must be {feedback.BODY_LIMIT:,} characters or fewer", "body")
        return body
    if step == "feeling":
        if value is not None and value not in Feeling._value2member_map_:
            raise ServiceError("Select how your experience was, or continue without answering", "feeling")
        return value
    if value not in (True, False):
        message = ("Select whether we may show your name to the board" if step == "name"
                   else "Select whether you want an email when there is news")
        raise ServiceError(message, FIELDS[step])
    return value


def answer(network_id: int, step: str, form) -> str | None:
    """Keep this page's answer; the next page to show (None: check your answers)."""
    field = FIELDS[step]
    value = _check(step, getattr(form, field).data)
    answers = draft(network_id)
    answers[field] = value
    if step == "about" and value != feedback.GENERAL:
        answers.pop("topic", None)
    session[DRAFT_KEY] = answers
    return next_step(step, answers)


def form_for(step: str, network_id: int, formdata=None):
    """The page's form, filled with the answer given before (for going back and changing it)."""
    answers = draft(network_id)
    field = FIELDS[step]
    saved = answers.get(field)
    if step in ("name", "updates") and saved is not None:
        saved = "yes" if saved else "no"
    form = FORMS[step](formdata=formdata, **({field: saved} if saved is not None else {}))
    if step == "about":
        form.about.choices = [(str(i), name) for i, name in feedback.workstream_options()] + [
            (str(feedback.GENERAL), "Something else, or the network in general")]
    return form


@dataclass
class Answer:
    question: str
    answer: str
    step: str


def check_rows(network_id: int) -> list[Answer]:
    """The answers in the patient's words, for the check your answers page."""
    answers = draft(network_id)
    names = dict(feedback.workstream_options())
    about = answers.get("about")
    rows = [Answer("What it is about", names.get(about, "Something else, or the network in general"), "about")]
    if about == feedback.GENERAL:
        rows.append(Answer("In a few words", answers.get("topic", ""), "topic"))
    feeling = answers.get("feeling")
    rows += [
        Answer("What happened, or what you suggest", answers.get("body", ""), "details"),
        Answer("How your experience was", Feeling(feeling).label if feeling is not None else "Not answered",
               "feeling"),
        Answer("Show your name to the board",
               "Yes" if answers.get("show_name") else "No, keep my name private", "name"),
        Answer("Email me when there is news", "Yes" if answers.get("email_on_change") else "No", "updates"),
    ]
    return rows
