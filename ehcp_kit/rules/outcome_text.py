"""Rules that read the words of one outcome (Section E).

A good outcome describes a change in the child, in an observable verb, with a measure
of success and a time it falls due (SEND Code of Practice 2015, paragraphs 9.64-9.69).
These rules look for the common ways an outcome falls short of that.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ._model import Hit, rule
from ._statement import Statement
from .any_text import find_identifiers

CODE_OF_PRACTICE = "SEND Code of Practice 0-25 (2015), paragraphs 9.64-9.69"
TEMPLATE = "By ___, NAME will ___ on ___ out of ___ occasions, so that ___."


def _compile(pattern: str, flags: int = re.I) -> re.Pattern[str]:
    return re.compile(pattern, flags)


@rule(
    "E101", "no-timescale", "error", "outcome",
    summary="The outcome says nothing about when it should be achieved.",
    explanation=(
        "An outcome must be time-bound: without a date or a phrase such as \"by the end "
        "of Key Stage 2\", nobody can say at a review whether it has been met, and the "
        "plan cannot show progress towards the next phase."
    ),
    source=CODE_OF_PRACTICE,
    poor="Maya will read a 300-word passage aloud with no more than 6 errors.",
    improved=(
        "By the end of Key Stage 2, Maya will read a 300-word passage aloud with no more "
        "than 6 errors."
    ),
    field_hint="timescale",
)
def no_timescale(statement: Statement) -> Iterator[Hit]:
    if statement.timescale_given or statement.timescale is not None:
        return
    yield Hit(
        "no time anchor: add when this should be achieved, such as \"by the end of Year 6\" "
        "or \"by July 2028\"",
        suggestion=TEMPLATE,
    )


# Anything that makes success countable or checkable by someone else.
_MEASURE = _compile(
    r"\d"
    r"|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
    r"thirty|forty|fifty|hundred|dozen|once|twice|half|all|every|each|whole|both|"
    r"daily|weekly|fortnightly|monthly|termly|always)\b"
    r"|\bper\s+cent|\bpercent|\bout\s+of\b|\bat\s+least\b|\bno\s+more\s+than\b|\bno\s+fewer\b"
    r"|\bindependently\b|(?<!more\s)\bindependent\s+(?:in|with|when|at)\b|\bunaided\b|\bunprompted\b|\bwithout\s+(?:\w+\s+){0,2}?"
    r"(?:prompts?|prompting|help|support|reminders?|assistance|adult|physical)\b"
    r"|\bon\s+(?:his|her|their|my)\s+own\b|\bby\s+(?:himself|herself|themselves|myself)\b"
    r"|\bwith\s+(?:one|a\s+single|only\s+one|no|minimal)\s+(?:\w+\s+)?(?:prompts?|reminders?)\b"
    r"|\b(?:grade|level|stage|phase|band|certificate|qualification|award|gcse|btec|"
    r"entry\s+level|functional\s+skills)\b"
    r"|\b(?:sentences?|paragraphs?|passages?)\b"
)


@rule(
    "E102", "unmeasurable", "warning", "outcome",
    summary="The outcome gives no way to tell whether it has been achieved.",
    explanation=(
        "A measurable outcome names a count, a frequency, a proportion (\"4 out of 5 "
        "occasions\"), a level or product, or a degree of independence (\"without adult "
        "prompting\"), so that the child, the family and the school can all see success."
    ),
    source=CODE_OF_PRACTICE,
    poor="By the end of Year 4, Ollie will improve his handwriting.",
    improved=(
        "By the end of Year 4, Ollie will write three sentences on a line, with letters of "
        "even size, without adult prompting."
    ),
    field_hint="text",
)
def unmeasurable(statement: Statement) -> Iterator[Hit]:
    text = statement.without_timescale
    for _, (start, end) in find_identifiers(text):
        text = text[:start] + " " * (end - start) + text[end:]
    if _MEASURE.search(text):
        return
    yield Hit(
        "nothing measures success: add a count, a frequency, a proportion or a level of "
        "independence",
        suggestion=TEMPLATE,
    )


_VAGUE_VERB = _compile(
    r"\b(?:improv(?:e|es|ed|ing|ement)"
    r"|develop(?:s|ed|ing)?\b(?:\s+(?:an?|his|her|their|my|the)\s+(?:understanding|awareness))?"
    r"|engage(?:s|d)?\s+(?:more|better|fully)|(?:be|become)\s+(?:more\s+)?engaged"
    r"|achieve(?:s)?\s+(?:(?:his|her|their|my|full)\s+)*potential"
    r"|make(?:s)?\s+(?:\w+\s+)?progress|get(?:s)?\s+better\s+(?:at|with)"
    r"|(?:be|become|becomes)\s+(?:more\s+)?aware|awareness\s+of"
    r"|(?:will|to|can|shall)\s+(?:better\s+|fully\s+)?understand\b"
    r"|(?:gain|have|show|demonstrate)s?\s+(?:an?\s+|a\s+better\s+|better\s+|some\s+)?"
    r"(?:understanding|awareness)"
    r"|(?:increase|build|boost|raise|gain)(?:s)?\s+(?:(?:his|her|their|my|in)\s+)?"
    r"(?:confidence|self[\s-]esteem|resilience|independence|motivation|awareness|"
    r"engagement|participation)"
    r"|(?:be|feel|become)\s+(?:more\s+|much\s+)?(?:confident|resilient|motivated|focused|"
    r"happy|happier|calm|calmer|settled|independent)\b"
    r"|feel(?:s)?\s+(?:safe|better|good|more|less|valued|included|happier)"
    r"|enhance(?:s|d)?|strengthen(?:s|ed)?|work(?:s)?\s+(?:towards|on)\b"
    r"|enjoy(?:s)?|settle(?:s)?\s+(?:in|into|well)"
    r"|(?:will|to)\s+know\b"
    r"|(?:have|show|has|shows)\s+(?:more|better|greater|improved|increased)\s+(?:confidence|"
    r"self[\s-]esteem|resilience|independence|motivation|awareness|understanding)"
    r")",
)


@rule(
    "E103", "vague-verb", "warning", "outcome",
    summary="The outcome uses a verb nobody can observe, such as \"improve\" or \"develop\".",
    explanation=(
        "An outcome should start from something the child will visibly do (\"read\", "
        "\"travel\", \"tell\"). Verbs such as \"improve\", \"develop an understanding of\", "
        "\"engage more\" or \"make progress\" describe a hope, not an action, so two "
        "people can disagree about whether the outcome has been met."
    ),
    source=CODE_OF_PRACTICE + "; local-authority outcome guidance",
    poor="By the end of the autumn term 2027, Lily will develop her self-esteem.",
    improved=(
        "By the end of the autumn term 2027, Lily will tell an adult one thing she did well "
        "at the end of each school day."
    ),
    field_hint="text",
)
def vague_verb(statement: Statement) -> Iterator[Hit]:
    for match in _VAGUE_VERB.finditer(statement.text):
        yield Hit(
            f"{match.group(0)!r} is not something anyone can see the child do: name the "
            "action instead",
            match.span(),
        )
        return


_PROVISION_VERB = _compile(
    r"\b(?:will|to|shall|can|should)\s+(?:continue\s+to\s+)?(?:"
    r"receive|benefit\s+from|have\s+access\s+to|access\s+(?:support|therapy|sessions?|"
    r"interventions?|a\s+(?:\w+\s+)?(?:teaching\s+assistant|ta|therapist|mentor))"
    r"|be\s+(?:supported|given|provided|offered|helped|taught|encouraged|enabled|prompted|"
    r"reminded|assessed|seen\s+by|allocated|placed|referred)\b"
    r"|get\s+(?:\w+\s+)?(?:support|help|therapy|input|sessions?)"
    r"|have\s+(?:(?:a|an|his|her|their|my|daily|weekly|regular|\d+|one|two|three)\s+)*"
    r"(?:[\w-]+\s+){0,3}?(?:support|sessions?|therapy|input|intervention|programme|"
    r"teaching\s+assistant|TA|reader|scribe|key\s+worker|1:1|one[\s-]to[\s-]one|laptop|"
    r"computer|tablet|software|equipment|device|hearing\s+aids?|extra\s+time)\b"
    r"|attend\s+(?:[\w-]+\s+){0,4}?(?:groups?|sessions?|therapy|interventions?|programmes?)\b"
    r")"
)


@rule(
    "E104", "provision-as-outcome", "error", "outcome",
    summary="The outcome describes a service the child will receive, not a change in them.",
    explanation=(
        "\"Will receive\", \"will have access to\", \"will be supported to\" or \"will "
        "attend a group\" describe provision. Provision belongs in Section F, where the "
        "authority must secure it; an outcome says what difference it will make."
    ),
    source=CODE_OF_PRACTICE + " (an outcome is the benefit or difference made)",
    poor="Ravi will receive speech and language therapy twice a week.",
    improved=(
        "By the end of Year 5, Ravi will ask a friend to play using a five-word sentence "
        "on 3 days out of 5."
    ),
    field_hint="text",
)
def provision_as_outcome(statement: Statement) -> Iterator[Hit]:
    match = _PROVISION_VERB.search(statement.text)
    if match:
        yield Hit(
            f"{match.group(0)!r} describes provision the child gets; say what the child "
            "will be able to do because of it, and move the provision to Section F",
            match.span(),
        )


_OCCUPATIONS = (
    r"footballer|dancer|vet|doctor|nurse|teacher|chef|cook|mechanic|pilot|singer|actor|"
    r"actress|artist|scientist|engineer|police\s+officer|firefighter|hairdresser|builder|"
    r"farmer|writer|author|youtuber|gamer|astronaut|soldier|player|musician|designer|"
    r"zookeeper|vlogger|boxer|racing\s+driver|driver|lawyer|paramedic|midwife|"
    r"electrician|plumber|carpenter|photographer|athlete|swimmer|gymnast|animator"
)
_ASPIRATION = _compile(
    rf"\b(?:become|becomes)\s+(?:an?\s+|the\s+)(?:[\w-]+\s+){{0,2}}?(?:{_OCCUPATIONS})\b"
    rf"|\bbe\s+an?\s+(?:professional|famous|top|successful|world[\s-]class)\s+[\w-]+"
    r"|\b(?:wants?|would\s+like|wishes|hopes?|dreams?|aspires?)\s+(?:to|of)\b"
    r"|\b(?:his|her|their|my)\s+(?:dream|aspiration|ambition)\b"
    r"|\b(?:dream|aspiration|ambition)\s+is\b"
    r"|\b(?:have|get|find)\s+a\s+(?:career|job)\s+(?:as|in)\b"
    r"|\bgo\s+to\s+university\b|\blive\s+happily\b|\bhave\s+a\s+happy\s+life\b"
)


@rule(
    "E105", "aspiration-as-outcome", "warning", "outcome",
    summary="The outcome is a life aspiration, which belongs in Section A.",
    explanation=(
        "Aspirations (\"will become a footballer\") are vital: they are what the outcomes "
        "work towards. But they are recorded in Section A; an outcome is a step within "
        "the phase that moves the child towards them and can be reviewed."
    ),
    source=CODE_OF_PRACTICE + "; Section A holds aspirations (paragraph 9.69)",
    poor="Zara will become a professional dancer.",
    improved=(
        "By the end of Year 8, Zara will perform a two-minute dance she has learned in "
        "front of her class."
    ),
    field_hint="text",
)
def aspiration_as_outcome(statement: Statement) -> Iterator[Hit]:
    match = _ASPIRATION.search(statement.text)
    if match:
        yield Hit(
            f"{match.group(0)!r} reads as an aspiration: record it in Section A and write "
            "an outcome for a step towards it",
            match.span(),
        )


# A clause before the subject: "By the end of Year 6, ", "Within 12 months, ".
_LEADING_CLAUSE = _compile(
    r"\s*(?:by|before|within|in|at|over|when|during|after|from|on|throughout)\b[^,]{0,80},\s*"
)
_FIRST_VERB = _compile(r"\b(?:will|shall|should|must|are\s+to|is\s+to|need\s+to|to)\b")
_SERVICE_WORD = (
    r"(?:[A-Z][\w-]*['’]s\s+)?"
    r"(?:the\s+|all\s+|his\s+|her\s+|their\s+|my\s+|our\s+|class\s+|school\s+|key\s+|"
    r"support\s+|nursery\s+|college\s+)*"
    r"(?:staff|school|setting|teachers?|teaching\s+assistants?|TAs?|LSAs?|HLTAs?|ELSAs?|"
    r"learning\s+support\s+assistants?|key\s+person|adults?|SENCO|SENCo|"
    r"professionals?|college|nursery|therapists?|speech\s+and\s+language\s+therapists?|"
    r"occupational\s+therapists?|physiotherapists?|practitioners?|workers?|mentors?|"
    r"parents?|carers?|mum|dad|family|everyone|local\s+authority|LA|team|services?|"
    r"educational\s+psychologist|psychologist|nurse|the\s+EP|EP|SALT)"
)
_SERVICE_SUBJECT = _compile(rf"{_SERVICE_WORD}(?:\s*(?:,|and|&)\s*{_SERVICE_WORD})*\s*")


@rule(
    "E106", "service-subject", "error", "outcome",
    summary="The subject of the outcome is staff or the school, not the child.",
    explanation=(
        "An outcome is about the child, so its subject is the child (by name, pronoun, "
        "or \"I\" in a first-person plan). \"Staff will...\" or \"The school will...\" "
        "describes what adults do, which is provision."
    ),
    source=CODE_OF_PRACTICE,
    poor="Staff will help Ollie to calm down when he is upset.",
    improved=(
        "By the end of Year 3, Ollie will use his calm-down card to ask for a break on 4 "
        "out of 5 occasions when he is upset."
    ),
    field_hint="text",
)
def service_subject(statement: Statement) -> Iterator[Hit]:
    text = statement.text
    lead = _LEADING_CLAUSE.match(text)
    start = lead.end() if lead else 0
    verb = _FIRST_VERB.search(text, start)
    if verb is None:
        return
    subject = _SERVICE_SUBJECT.fullmatch(text, start, verb.start())
    if subject:
        end = start + len(text[start:verb.start()].rstrip())
        yield Hit(
            f"the subject is {text[start:end]!r}, not the child: make the child the one "
            "who acts, and move what adults do to provision",
            (start, end),
        )


_CONTINUES = _compile(r"\bcontinu(?:e|es|ing)\s+to\b|\bcarry\s+on\b|\bcarries\s+on\b")


@rule(
    "E107", "continues", "info", "outcome",
    summary="The outcome keeps something going (\"will continue to\").",
    explanation=(
        "Keeping a skill or an arrangement that works can be a legitimate outcome, "
        "especially for a child whose needs are lifelong. It is flagged so that a reviewer "
        "checks that the plan is not simply rolling last year's outcome forward."
    ),
    source="Good practice in local-authority outcome guidance",
    poor="Ben will continue to live with his grandparents and take part in family meals "
         "each evening.",
    improved="By the end of Year 11, Ben will take part in family meals on 5 evenings a week.",
    field_hint="text",
)
def continues(statement: Statement) -> Iterator[Hit]:
    match = _CONTINUES.search(statement.text)
    if match:
        yield Hit(
            f"{match.group(0)!r}: check that keeping this going is the aim, and that it is "
            "not last year's outcome carried over",
            match.span(),
        )


# Acronyms and professional terms a family may not know. This is the one list: the
# jargon rule below and the child's "my outcomes" document (ehcp_kit.render) both read it.
JARGON_ACRONYMS: tuple[str, ...] = (
    "SALT", "SLT", "ELSA", "SEMH", "SLCN", "SpLD", "MLD", "SLD", "PMLD", "ASC", "ASD", "OT",
    "EP", "LSA", "HLTA", "QTVI", "QToD", "ToD", "CAMHS", "PECS", "AAC", "TEACCH", "SCERTS",
    "PfA", "EYFS", "ZoR", "TAF", "CIN", "LAC", "CLA", "VOCA", "TA", "SENCO", "SENCo", "ILP",
    "IEP", "PSHE",
)
# Terms of more than one word, as regular expressions matched in any case.
JARGON_PHRASES: tuple[str, ...] = (
    r"sensory\s+diet", r"zones\s+of\s+regulation", r"attention\s+autism", r"lego\s+therapy",
    r"precision\s+teaching", r"intensive\s+interaction", r"receptive\s+language",
    r"expressive\s+language", r"phonological\s+awareness", r"executive\s+function(?:ing)?",
    r"proprioceptive", r"vestibular", r"co-?regulat\w*", r"dysregulat\w*", r"interoception",
    r"bilateral\s+integration",
)
_JARGON = re.compile(
    r"\b(?:" + "|".join(JARGON_ACRONYMS) + r")\b"
    r"|\b(?i:" + "|".join(JARGON_PHRASES) + r")\b"
)
_EXPLAINED_AFTER = re.compile(r"\s*[(\[]|\s+[-–—]\s+|,\s+(?:a|an|the|which|who)\b")


def find_jargon(text: str) -> Iterator[tuple[str, tuple[int, int], bool]]:
    """Every jargon term in ``text``: the term, where it is, and whether it is explained.

    A term counts as explained where it stands when brackets, a dash or ", a/the/which"
    follow it ("ELSA (emotional literacy support assistant)") or when it is itself in
    brackets ("the emotional literacy support assistant (ELSA)").
    """
    for match in _JARGON.finditer(text):
        explained = bool(_EXPLAINED_AFTER.match(text, match.end())) or (
            match.start() > 0 and text[match.start() - 1] in "(["
        )
        yield match.group(0), match.span(), explained


@rule(
    "E108", "jargon", "info", "outcome",
    summary="The outcome uses an acronym or professional term a family may not know.",
    explanation=(
        "Plans must be clear and understandable to the child and family. Terms such as "
        "SALT, ELSA or SEMH are everyday words to professionals and a barrier to parents. "
        "Say it in plain words, or explain it the first time, in brackets."
    ),
    source="SEND Code of Practice 0-25 (2015), paragraph 9.61 (plans clear and accessible)",
    poor="By the end of Year 5, Amir will name three feelings in his ELSA sessions.",
    improved=(
        "By the end of Year 5, Amir will name three feelings in his sessions with the "
        "emotional literacy support assistant (ELSA)."
    ),
    field_hint="text",
)
def jargon(statement: Statement) -> Iterator[Hit]:
    seen: set[str] = set()
    for term, span, explained in find_jargon(statement.text):
        if explained or term.lower() in seen:
            continue
        seen.add(term.lower())
        yield Hit(
            f"{term!r} may not mean anything to the family: say it in plain words or "
            "explain it in brackets",
            span,
        )
