"""The clause library every new MOU starts from: the usual sections of a care network MOU.

Each body is Markdown the drafter edits; square brackets mark what to fill in.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class LibraryClause:
    key: str
    heading: str
    body: str


LIBRARY: tuple[LibraryClause, ...] = (
    LibraryClause("parties", "Parties", (
        "This memorandum of understanding (MOU) is made between the organisations listed as parties "
        "on its front page (together, **the partners**).\n\n"
        "Each partner names an authorised signatory, who signs this MOU on the partner's behalf.")),
    LibraryClause("purpose", "Purpose and principles", (
        "The partners work together to improve the health and wellbeing of the registered population "
        "they serve, in line with the quadruple aim: population health, patient experience, "
        "per-capita cost and staff experience.\n\n"
        "The partners agree to:\n\n"
        "- put the needs of patients and the local population first;\n"
        "- act openly and in good faith, sharing information early;\n"
        "- make decisions at the most local level that is sensible;\n"
        "- respect each partner's statutory duties and professional accountability.")),
    LibraryClause("scope", "Scope of services", (
        "This MOU covers [describe the service or programme, the population it serves and where it "
        "is delivered].\n\n"
        "It does not cover [list what is out of scope].")),
    LibraryClause("governance", "Governance and decision making", (
        "The network board oversees the work under this MOU. Each partner nominates one member of "
        "the board.\n\n"
        "The board meets at least [quarterly]. Decisions are made by consensus; where consensus "
        "cannot be reached, [describe the voting rule]. The board keeps minutes and a decision log.")),
    LibraryClause("finance", "Financial arrangements and risk/gain share", (
        "Funding for the work comes from [name the funding streams]. [Name the host partner] holds "
        "the funds and accounts for them to the board.\n\n"
        "Any overspend or underspend is shared between the partners as follows: [describe the risk "
        "and gain share]. The financial year runs from 1 April to 31 March.")),
    LibraryClause("information", "Information sharing and data protection", (
        "The partners share information only as needed for the purposes of this MOU and in line with "
        "UK data protection law, the common law duty of confidentiality and a data sharing agreement "
        "where one is needed.\n\n"
        "No patient-identifiable information is shared under this MOU unless a lawful basis is "
        "recorded and each partner's Caldicott Guardian agrees.")),
    LibraryClause("workforce", "Workforce", (
        "Staff remain employed by their own organisation and subject to its policies. Where staff "
        "work across partners, [describe supervision, indemnity and honorary contract "
        "arrangements].")),
    LibraryClause("conflicts", "Conflicts of interest", (
        "Board members declare their interests on appointment, at least once a year and whenever "
        "they change, and at the start of each meeting. A member with a conflict takes no part in "
        "the decision it affects. The network publishes its register of interests.")),
    LibraryClause("disputes", "Dispute resolution", (
        "The partners try to settle any dispute informally first. If that fails within [28 days], "
        "the chief executives (or equivalent) of the partners concerned meet to resolve it. If it "
        "is still not resolved, the partners may agree to mediation.")),
    LibraryClause("variation", "Variation", (
        "This MOU may be varied only by a written variation agreed and signed by every partner. "
        "Each variation is issued as a new version of this MOU.")),
    LibraryClause("term", "Term", (
        "This MOU starts on its start date and continues until its end date, unless it is ended "
        "earlier under the termination clause. The partners review it at least once a year.")),
    LibraryClause("termination", "Termination and exit", (
        "A partner may leave this MOU by giving [six months'] written notice to the other partners. "
        "The partners agree an exit plan that protects continuity of care for patients and settles "
        "any financial commitments.")),
    LibraryClause("status", "Status", (
        "This MOU is not legally binding, except for the clauses on information sharing and data "
        "protection and on conflicts of interest, which the partners intend to be binding. It does "
        "not create a partnership or agency between the partners.")),
)
