"""Rules that read the words of one provision item (Sections F, G, H).

The authority must secure what Section F specifies, so provision must be detailed,
specific and normally quantified: what, who (and with what expertise), in what group,
how often, for how long (SEND Code of Practice 2015, paragraph 9.69; L v Clarke and
Somerset CC, 1998; Worcestershire CC v SE, 2020). These rules find the wording that
leaves room for doubt. They flag and explain; they never fill a gap with a number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from ._model import Hit, rule
from ._statement import Statement
from .frequency import NUMBER

SECTION_F = (
    "SEND Code of Practice 0-25 (2015), paragraph 9.69 (Section F); L v Clarke and "
    "Somerset CC (1998); Worcestershire CC v SE (2020)"
)


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


_ABSENT_AMOUNT = _compile(
    r"\b(?:support|input|interventions?|help|assistance|strategies|advice|monitoring|guidance)\b"
)
_VAGUE_ALWAYS = _compile(
    r"\baccess\s+to\b|\bopportunit(?:y|ies)\s+(?:to|for)\b"
    r"|\bas\s+(?:and\s+when\s+)?(?:required|needed|necessary|appropriate)\b"
    r"|\b(?:when|if|where|whenever)\s+(?:it\s+is\s+)?(?:needed|required|necessary|appropriate|"
    r"possible|practicable|practical)\b|\bas\s+the\s+need\s+arises\b"
    r"|\b(?:would|will|could|may|might)\s+benefit\s+from\b|\bbenefits?\s+from\b"
    r"|\bit\s+is\s+(?:recommended|suggested|advised)\b|\b(?:is|are)\s+recommended\b"
    r"|\brecommend(?:s|ed)?\b|\bsuggest(?:s|ed)?\b"
    r"|\b(?:should|could|might|ought\s+to)\b|\b(?-i:may)\b(?!\s+\d)"
    r"|\bencourag(?:e|ed|es|ing|ement)\b"
    r"|\ba\s+(?:range|variety|selection)\s+of\b|\bvarious\b"
)
_VAGUE_UNLESS_COUNTED = _compile(
    r"\b(?:regular(?:ly)?|frequent(?:ly)?|periodic(?:ally)?|ongoing|occasional(?:ly)?|"
    r"from\s+time\s+to\s+time|as\s+often\s+as\s+possible|routinely)\b"
)


@rule(
    "E201", "vague-provision", "error", "provision",
    summary="The provision uses wording that leaves its amount or delivery in doubt.",
    explanation=(
        "Tribunals and the Department for Education have criticised wording such as "
        "\"access to\", \"opportunities for\", \"regular\" with no number, \"as needed\", "
        "\"would benefit from\" or \"should\": it describes availability or advice, not "
        "provision the authority must secure, and leaves it to someone's discretion."
    ),
    source=SECTION_F,
    poor="Access to occupational therapy as needed.",
    improved=(
        "An occupational therapist will work with Tom 1:1 for 45 minutes once a fortnight "
        "in term time."
    ),
)
def vague_provision(statement: Statement) -> Iterator[Hit]:
    text = statement.text
    for match in _VAGUE_ALWAYS.finditer(text):
        yield Hit(f"{match.group(0)!r} does not commit to any provision: state what will "
                  "happen, how often and for how long", match.span())
    if not statement.frequency.has_frequency:
        for match in _VAGUE_UNLESS_COUNTED.finditer(text):
            yield Hit(f"{match.group(0)!r} with no number: say how often, for example "
                      "\"twice a week\"", match.span())
    if not (statement.frequency.has_frequency or statement.frequency.has_duration):
        unquantified = _ABSENT_AMOUNT.search(text)
        if unquantified:
            yield Hit(f"{unquantified.group(0)!r} with no content or amount: say what it is "
                      "and how much of it", unquantified.span())


@rule(
    "E202", "no-frequency", "error", "provision",
    summary="The provision does not say how often it happens.",
    explanation=(
        "Provision must normally be quantified. Without a frequency (\"twice a week\", "
        "\"daily\", \"once a term\") the child's entitlement cannot be enforced."
    ),
    source=SECTION_F,
    poor="A speech and language therapist will work with Maya for 30 minutes.",
    improved="A speech and language therapist will work with Maya for 30 minutes twice a week.",
    field_hint="how_often",
)
def no_frequency(statement: Statement) -> Iterator[Hit]:
    if not statement.frequency.has_frequency:
        yield Hit("how often is not stated: add a frequency such as \"___ times a week\"",
                  suggestion="___ sessions a week")


@rule(
    "E203", "no-duration", "warning", "provision",
    summary="The provision does not say how long each session lasts.",
    explanation=(
        "How often without how long still leaves the amount open: ten minutes and an hour "
        "are both \"a session\". State the length of each session, or a total such as "
        "\"3 hours a week\"."
    ),
    source=SECTION_F,
    poor="A teaching assistant will run a reading group for Ravi and 3 other pupils daily.",
    improved=(
        "A teaching assistant will run a 20-minute reading group for Ravi and 3 other "
        "pupils daily."
    ),
    field_hint="how_long",
)
def no_duration(statement: Statement) -> Iterator[Hit]:
    if not statement.frequency.has_duration:
        yield Hit("how long is not stated: add the length of each session",
                  suggestion="___ minutes each session")


_ROLE = _compile(
    r"\b(?:teachers?|teaching\s+assistants?|TAs?|HLTAs?|LSAs?|(?:learning\s+)?support\s+"
    r"assistants?|SENCOs?|SENCo|(?:\w+\s+)?therapists?|physiotherapists?|physios?\b|SALTs?|"
    r"SLTs?|OTs?|(?:educational\s+|clinical\s+)?psychologists?|EPs?|ELSAs?|(?:learning\s+)?"
    r"mentors?|key\s*workers?|key\s+(?:adult|person)|tutors?|coach(?:es)?|nurses?|doctors?|"
    r"paediatricians?|counsell?ors?|practitioners?|specialists?|advis[eo]rs?|instructors?|"
    r"lecturers?|(?:support|social|youth|family|care|key)\s+workers?|personal\s+assistants?|carers?|"
    r"intervenors?|QTVIs?|QToDs?|ToDs?|habilitation\s+\w+|clinicians?|psychiatrists?|"
    r"dietitians?|audiologists?|interpreters?|communicators?|consultants?|"
    r"(?:SEND|SEN|autism|pastoral|literacy|inclusion|mental\s+health)\s+lead|"
    r"co-?ordinators?|nursery\s+nurses?|assistants?|buddies|buddy|officers?|technicians?|"
    r"trainers?)\b"
)


@lru_cache(maxsize=256)
def _names_role(text: str) -> bool:
    """Whether ``text`` names a role; cached, as two rules ask about the same text."""
    return _ROLE.search(text) is not None


_GENERIC_PERSON = _compile(
    r"\b(?:staff(?:\s+members?)?|members?\s+of\s+staff|adults?|professionals?|personnel|"
    r"someone|(?<!young\s)people|(?<!key\s)person)\b"
)
_SETTING_SUBJECT = _compile(
    r"\b(?:the\s+)?(?:school|setting|college|nursery|academy|provider|placement)\s+will\b"
)


@rule(
    "E204", "no-deliverer", "warning", "provision",
    summary="The provision does not say who will deliver it.",
    explanation=(
        "Every item needs an accountable person: a role such as a teaching assistant, a "
        "specialist teacher or a speech and language therapist. \"The school will...\" "
        "names an organisation, not someone who can be asked whether it happened."
    ),
    source=SECTION_F,
    poor="Daily 15-minute phonics sessions in a group of 3 pupils.",
    improved="A teaching assistant will run daily 15-minute phonics sessions in a group of "
             "3 pupils.",
    field_hint="who",
)
def no_deliverer(statement: Statement) -> Iterator[Hit]:
    text = statement.text
    if _names_role(text) or _GENERIC_PERSON.search(text):
        return
    setting = _SETTING_SUBJECT.search(text)
    span = (setting.start(), setting.end() - len("will")) if setting else None
    if span:
        span = (span[0], span[0] + len(text[span[0]:span[1]].rstrip()))
    yield Hit("no one is named to deliver this: add the role (and its expertise)", span,
              suggestion="delivered by ___ (role)")


_UNSPECIFIED = _compile(
    r"\b(?:suitably|appropriately|adequately|sufficiently|relevantly|fully|properly)\s+"
    r"(?:trained|qualified|skilled|experienced)(?:\s+(?:and\s+\w+\s+)?[\w-]+)?"
    r"|\b(?:appropriate|relevant|suitable|designated|identified|nominated)\s+"
    r"(?:professionals?|staff|adults?|persons?|people|practitioners?|specialists?|"
    r"members?\s+of\s+staff|agenc(?:y|ies)|services?|experts?|therapists?)\b"
    r"|\b(?:trained|qualified|experienced|skilled|specialist|familiar|school|additional)\s+"
    r"(?:staff|adults?|professionals?|personnel|members?\s+of\s+staff|people|person)\b"
)


@rule(
    "E205", "unspecified-expertise", "warning", "provision",
    summary="The provision says \"suitably trained staff\" without saying who or what training.",
    explanation=(
        "Level of expertise is part of what the authority must specify. \"Suitably "
        "trained staff\" or \"an appropriate professional\" could mean anyone; name the "
        "role and, where it matters, the qualification or training."
    ),
    source=SECTION_F,
    poor="Appropriately trained staff will deliver a phonics programme for 15 minutes "
         "each day.",
    improved="A teaching assistant trained in the phonics programme will deliver it for 15 "
             "minutes each day.",
    field_hint="who",
)
def unspecified_expertise(statement: Statement) -> Iterator[Hit]:
    text = statement.text
    match = _UNSPECIFIED.search(text)
    if match is None and not _names_role(text):
        match = _GENERIC_PERSON.search(text)
    if match:
        yield Hit(f"{match.group(0)!r} does not say which role or what expertise: name the "
                  "role and its training", match.span())


_GROUP = _compile(
    r"(?<!year\s)(?<!age\s)(?<!peer\s)(?<!tutor\s)(?<!form\s)(?<!friendship\s)"
    r"(?<!parent\s)(?<!focus\s)\b(?:small[\s-]+)?groups?\b(?!\s+size)"
)
_GROUP_SIZE = _compile(
    rf"\b\d+\s*:\s*\d+\b|\b(?:one|1)[\s-]+to[\s-]+(?:one|two|three|four|five|six|\d)\b"
    rf"|\bgroups?\s+of\s+(?:up\s+to\s+|no\s+more\s+than\s+|not\s+more\s+than\s+|at\s+most\s+|"
    rf"a\s+maximum\s+of\s+|maximum\s+|max\.?\s+|between\s+|about\s+|around\s+)?{NUMBER}"
    rf"|\b{NUMBER}(?:\s*(?:-|to|or)\s*{NUMBER})?\s+(?:other\s+)?(?:pupils?|children|students?|"
    rf"learners?|young\s+people|peers?|others)\b"
    rf"|\bgroup\s+size\s+(?:of\s+)?(?:up\s+to\s+|no\s+more\s+than\s+)?{NUMBER}"
    rf"|\bpairs?\b|\bpaired\b|\bwith\s+a\s+partner\b"
    rf"|\b{NUMBER}[\s-]+(?:pupil|child|person)\s+groups?\b"
)


@rule(
    "E206", "no-group-size", "warning", "provision",
    summary="The provision mentions a group but not how many are in it.",
    explanation=(
        "\"Small group\" can mean three pupils or twelve, and the difference is the "
        "provision. State the group size or the adult-to-pupil ratio."
    ),
    source=SECTION_F,
    poor="Maths intervention in a small group three times a week for 20 minutes, led by a "
         "teaching assistant.",
    improved="Maths intervention in a group of no more than 4 pupils three times a week for "
             "20 minutes, led by a teaching assistant.",
    field_hint="group_size",
)
def no_group_size(statement: Statement) -> Iterator[Hit]:
    text = statement.text
    group = _GROUP.search(text)
    if group and not _GROUP_SIZE.search(text):
        yield Hit(f"{group.group(0)!r} with no size: state how many pupils, or the ratio",
                  group.span(), suggestion="a group of no more than ___ pupils")


_DELEGATED = _compile(
    r"\b(?:to\s+be|will\s+be|is|are|being|as)\s+(?:determined|decided|agreed|arranged|"
    r"judged|allocated|chosen)\s+(?:by|with|between)\b"
    r"|\b(?:determined|decided|judged)\s+by\b"
    r"|\bat\s+(?:the\s+)?(?:[\w’']+\s+){0,2}?discretion\b|\bdiscretion\s+of\b"
    r"|\b(?:as|when|if|where)\s+(?:[\w’']+\s+){0,3}?(?:deems?|deemed|considers?|judges?|"
    r"sees?\s+fit|thinks?\s+(?:fit|best|appropriate))\b"
    r"|\b(?:will|to|shall|can|may)\s+(?:decide|determine|judge|choose)\b"
    r"|\bsubject\s+to\s+(?:availability|funding|staffing|resources|capacity)\b"
)


@rule(
    "E207", "delegated-decision", "error", "provision",
    summary="The provision leaves it to the school or a professional to decide what happens.",
    explanation=(
        "The authority cannot hand its duty to decide the provision to a school or a "
        "professional: \"to be determined by the school\" or \"at the discretion of the "
        "SENCO\" means the plan does not say what the child will get."
    ),
    source="C v Special Educational Needs Tribunal and Greenwich LBC (1999); " + SECTION_F,
    poor="The SENCO will decide how much support Ravi receives each term.",
    improved="A teaching assistant will support Ravi 1:1 in literacy for 30 minutes daily.",
)
def delegated_decision(statement: Statement) -> Iterator[Hit]:
    match = _DELEGATED.search(statement.text)
    if match:
        yield Hit(f"{match.group(0)!r} hands the decision to someone else: the plan itself "
                  "must say what will be provided", match.span())


_SELF_AMENDING = _compile(
    r"\bsubject\s+to\s+(?:review|reviews|progress|monitoring|the\s+outcome)\b"
    r"|\binitially\b|\bat\s+first\b|\bto\s+begin\s+with\b|\bin\s+the\s+first\s+instance\b"
    r"|\b(?:reduc|decreas|increas)(?:e|es|ed|ing)\s+(?:to|as|when|once|over|gradually|until|"
    r"after|in\s+line|according)\b"
    r"|\b(?:then|gradually|later|thereafter|progressively)\s+(?:be\s+)?(?:reduc|decreas|"
    r"withdr|fad|taper|increas|phas)\w*"
    r"|\b(?:tapering|tapered|phased\s+out|phasing\s+out|faded\s+out|fading\s+out|"
    r"stepped\s+down|weaned\s+off)\b"
    r"|\b(?:until|once)\s+(?:(?:he|she|they|I|it|[A-Z][a-z]+)\s+(?:is|are|can|has|have|becomes?|"
    r"shows?|demonstrates?|no\s+longer|feels?|settles?|achieves?|meets?)|no\s+longer|"
    r"(?:this|it)\s+is\s+no\s+longer)\b"
    r"|\b(?:adjust|amend|chang|vari|alter)(?:ed|es|s|ing|e)?\s+(?:as|according\s+to|"
    r"in\s+line\s+with|depending\s+on|based\s+on)\s+(?:his\s+|her\s+|their\s+)?(?:progress|"
    r"needs?)\b"
    r"|\bdepending\s+on\s+(?:his\s+|her\s+|their\s+)?progress\b"
    r"|\breviewed\s+(?:[\w-]+\s+){0,3}?and\s+(?:adjusted|reduced|changed|amended|increased|"
    r"withdrawn)\b"
)


@rule(
    "E208", "self-amending", "error", "provision",
    summary="The provision changes itself (\"initially... then reducing\") outside a review.",
    explanation=(
        "Provision can only change through a review or an amendment, with the family's "
        "right to appeal. Wording such as \"subject to review\", \"initially\" or "
        "\"reducing once confident\" lets it change without either."
    ),
    source="E v Rotherham MBC (2002); " + SECTION_F,
    poor="Three 20-minute sessions a week with a trained teaching assistant, reducing to one "
         "session once Ollie is confident.",
    improved="Three 20-minute sessions a week with a trained teaching assistant.",
)
def self_amending(statement: Statement) -> Iterator[Hit]:
    match = _SELF_AMENDING.search(statement.text)
    if match:
        yield Hit(f"{match.group(0)!r} lets the provision change without a review: state "
                  "the provision as it stands, and change it at the next review", match.span())


_CEILING = _compile(
    rf"\b(?:up\s+to|(?:a\s+)?maximum\s+of|max(?:imum)?\.?|no\s+more\s+than|not\s+more\s+than|"
    rf"not\s+exceeding|not\s+to\s+exceed)\s+(?:{NUMBER}|£\s*\d[\d,.]*)\s*(?:x\s*)?"
    r"(?:[\w-]+\s+)?(?:hours?|hrs?|minutes?|mins?|sessions?|times?|days?|weeks?|lessons?|"
    r"visits?|periods?|mornings?|afternoons?)\b"
    r"|\bup\s+to\s+£\s*\d[\d,.]*"
)


@rule(
    "E209", "ceiling-only", "warning", "provision",
    summary="The provision gives only a maximum (\"up to 5 hours\").",
    explanation=(
        "\"Up to 5 hours\" is met by none at all: it is a ceiling, not an entitlement. "
        "State the amount the child will get. (A maximum group size such as \"up to 3 "
        "pupils\" is different: it protects the provision, and is not flagged.)"
    ),
    source=SECTION_F + " (a heuristic: a ceiling does not quantify)",
    poor="Up to 5 hours a week of teaching assistant support.",
    improved="5 hours a week of teaching assistant support in English and maths lessons.",
)
def ceiling_only(statement: Statement) -> Iterator[Hit]:
    match = _CEILING.search(statement.text)
    if match:
        yield Hit(f"{match.group(0)!r} is a ceiling, not an entitlement: state the amount "
                  "the child will get", match.span())
