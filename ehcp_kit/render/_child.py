"""The child's own "my outcomes" document: their outcomes, in words they can read.

It is made from the same plan as every other document, never typed separately, so it
cannot drift from the plan. Nothing is invented; the plan's words are only made
easier to read:

- an outcome the plan records in the child's own words ("I will...") stays in the
  first person, exactly as they said it;
- a time phrase that opens an outcome ("By the end of Key Stage 2, ...") moves out of
  the sentence into "When", as a month and a year;
- "so that" and semicolons start new, shorter sentences;
- every term on the jargon list of the plain-English rule (E108) is explained in
  brackets where it stands, in words for a child;
- one outcome a page, with what success will look like, the steps on the way, who
  will help and who will check, in large type (18pt).
"""

from __future__ import annotations

import logging
import os
import re
from typing import Any

from ..errors import TimescaleError
from ..plan import Plan
from ..timescales import find_timescale
from ._branding import Branding, as_branding
from ._context import branding_context, clean_text, page_reference

__all__ = ["PLAIN_WORDS", "plain_words", "render_my_outcomes_html", "short_sentences"]

logger = logging.getLogger("ehcp_kit")

TEMPLATE_NAME = "my-outcomes.html.j2"

# What each term on the shared jargon list (ehcp_kit.rules.JARGON_ACRONYMS and
# JARGON_PHRASES) means, for a child. Keyed by the acronym, or by the phrase's pattern
# as the list writes it. A test checks that every term on the list is here.
PLAIN_WORDS: dict[str, str] = {
    "SALT": "speech and language therapist",
    "SLT": "speech and language therapy",
    "ELSA": "someone at school who helps with feelings",
    "SEMH": "feelings and mental health",
    "SLCN": "talking, listening and understanding",
    "SpLD": "a learning difference, such as dyslexia",
    "MLD": "finding some learning harder",
    "SLD": "finding a lot of learning harder",
    "PMLD": "needing a lot of help with learning and everyday things",
    "ASC": "autism",
    "ASD": "autism",
    "OT": "occupational therapy: help with movement and everyday skills",
    "EP": "educational psychologist: someone who finds out how children learn best",
    "LSA": "learning support assistant",
    "HLTA": "a senior teaching assistant",
    "QTVI": "a teacher for children who have trouble seeing",
    "QToD": "a teacher for children who are deaf",
    "ToD": "a teacher for children who are deaf",
    "CAMHS": "the NHS team that helps with feelings and mental health",
    "PECS": "picture cards for asking and telling",
    "AAC": "ways to talk without speaking, like pictures or a talking device",
    "TEACCH": "a way of working with clear picture routines",
    "SCERTS": "a way of helping with talking and feelings",
    "PfA": "getting ready for adult life",
    "EYFS": "nursery and Reception",
    "ZoR": "a way of naming feelings with colours",
    "TAF": "the team of people who help the family",
    "CIN": "help for the family from social care",
    "LAC": "a child the council looks after",
    "CLA": "a child the council looks after",
    "VOCA": "a talking device",
    "TA": "teaching assistant",
    "SENCO": "the teacher in charge of extra help",
    "SENCo": "the teacher in charge of extra help",
    "ILP": "a list of learning targets",
    "IEP": "a list of learning targets",
    "PSHE": "lessons about health, feelings and growing up",
    r"sensory\s+diet": "activities through the day that help the body feel calm",
    r"zones\s+of\s+regulation": "a way of naming feelings with colours",
    r"attention\s+autism": "fun group sessions that help with paying attention",
    r"lego\s+therapy": "building Lego together to practise working with others",
    r"precision\s+teaching": "a few minutes of quick practice every day",
    r"intensive\s+interaction": "playful time with an adult to practise being together",
    r"receptive\s+language": "understanding what people say",
    r"expressive\s+language": "putting thoughts into words",
    r"phonological\s+awareness": "hearing the sounds in words",
    r"executive\s+function(?:ing)?": "planning, organising and remembering",
    r"proprioceptive": "about feeling where the body is",
    r"vestibular": "about balance and movement",
    r"co-?regulat\w*": "calming down together with an adult",
    r"dysregulat\w*": "very upset or overwhelmed",
    r"interoception": "noticing how the body feels inside",
    r"bilateral\s+integration": "using both sides of the body together",
}

_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)
# A clause that opens a sentence and only says when: "By July 2028, ".
_OPENING_TIME = re.compile(r"^\s*(?:by|before|within|in|at|over|when|from)\b[^,.;]{1,80}?,\s+",
                           re.I)
_SO_THAT = re.compile(r",?\s+so\s+that\s+", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def plain_words(text: str) -> str:
    """``text`` with every unexplained jargon term explained in brackets after it.

    The terms are those of the plain-English rule (:data:`ehcp_kit.rules.JARGON_ACRONYMS`
    and :data:`~ehcp_kit.rules.JARGON_PHRASES`); a term already explained where it
    stands ("ELSA (emotional literacy support assistant)") is left alone.
    """
    from ..rules import find_jargon

    # From the end backwards, so the spans found stay true as text goes in.
    for term, (_, end), explained in reversed(list(find_jargon(text))):
        meaning = _meaning(term)
        if explained or meaning is None:
            continue
        text = f"{text[:end]} ({meaning}){text[end:]}"
    return text


def _meaning(term: str) -> str | None:
    from ..rules import JARGON_PHRASES

    if term in PLAIN_WORDS:
        return PLAIN_WORDS[term]
    for pattern in JARGON_PHRASES:
        if re.fullmatch(pattern, term, re.I):
            return PLAIN_WORDS.get(pattern)
    return None


def short_sentences(text: str, *, drop_opening_time: bool = False) -> list[str]:
    """``text`` as a list of shorter sentences, each starting with a capital letter.

    "so that" and semicolons begin new sentences and each line is a sentence of its
    own. With ``drop_opening_time``, an opening clause that only says when ("By the
    end of Year 6, ") is taken off: the document says when separately.
    """
    text = clean_text(text).strip()
    if drop_opening_time:
        opening = _OPENING_TIME.match(text)
        if opening and find_timescale(opening.group(0)) is not None:
            text = text[opening.end():]
    text = _SO_THAT.sub(". This is so that ", text)
    text = re.sub(r"\s*;\s+", ". ", text)

    sentences: list[str] = []
    for line in text.split("\n"):
        for sentence in _SENTENCE_END.split(line.strip()):
            if sentence:
                sentences.append(_capitalise(_full_stop(sentence)))
    return sentences


def _full_stop(sentence: str) -> str:
    return sentence if sentence[-1] in ".!?\"'”’)" else f"{sentence}."


def _capitalise(sentence: str) -> str:
    return sentence[0].upper() + sentence[1:] if sentence[0].islower() else sentence


def _readable(text: str, **options: bool) -> list[str]:
    """Plan text for the child: explained jargon, in shorter sentences."""
    return short_sentences(plain_words(text), **options)


def _label(text: str) -> str:
    """A short piece of plan text, such as who helps, with its jargon explained."""
    return plain_words(" ".join(clean_text(text).split()))


def my_outcomes_context(plan: Plan, branding: Branding) -> dict[str, Any]:
    """The values of the child's document: each outcome as the child will read it."""
    outcomes = []
    for number, outcome in enumerate(plan.outcomes, start=1):
        criteria = outcome.success_criteria
        actions = plan.provision_for(outcome)
        # Who helps and who checks are names of people, not sentences.
        helpers: dict[str, str] = {}
        for item in actions:
            who = _label(item.who)
            if who and who not in helpers:
                helpers[who] = _label(item.how_often)
        outcomes.append({
            "number": number,
            "id": outcome.id,
            "sentences": _readable(outcome.text, drop_opening_time=True),
            "when": _when(plan, outcome),
            "success": [" ".join(_readable(c.what_success_looks_like))
                        for c in criteria if c.what_success_looks_like],
            "steps": [" ".join(_readable(step.text)) for step in outcome.steps],
            "helpers": [{"who": who, "how_often": how_often}
                        for who, how_often in helpers.items()],
            "checkers": list(dict.fromkeys(
                _label(c.who_measures) for c in criteria if c.who_measures)),
        })

    return {
        "child": {"id": plan.child.id, "name": clean_text(plan.child.name)},
        "status": plan.status,
        "reference": page_reference(plan),
        "branding": branding_context(branding, plan),
        "aspirations": [" ".join(_readable(text)) for text in plan.child.aspirations],
        "outcomes": outcomes,
    }


def _when(plan: Plan, outcome) -> str:
    """When the outcome falls due, as a child would say it: "By July 2028."."""
    try:
        due = plan.resolve_timescale(outcome).date
    except TimescaleError:
        return "My plan does not say when yet."
    return f"By {_MONTHS[due.month - 1]} {due.year}."


def render_my_outcomes_html(
    plan: Plan, *, branding: Branding | str | os.PathLike[str] | None = None
) -> str:
    """The child's "my outcomes" document as a whole HTML page (see the module docstring).

    Like the plan's page it loads nothing from elsewhere, and its print styles are what
    the PDF is laid out with: A4 portrait, one outcome a page.
    """
    from ._html import html_context, html_environment

    chosen = as_branding(branding)
    context = html_context(chosen, my_outcomes_context(plan, chosen))
    return html_environment().get_template(TEMPLATE_NAME).render(context)
