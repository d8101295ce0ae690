"""Rules for words that should not be in an outcome or provision at all.

A named school belongs in Section I, not in the outcomes or provision, which must
survive a change of placement. Identifiers (a pupil number, an NHS number, an email
address, a phone number) have their own fields in the plan; typed into prose they
travel into every document and export made from it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ._model import Hit, rule
from ._statement import Statement

# The last word of a setting's name, and the words that alone make a setting generic.
_SETTING_NOUNS = (
    r"Academy|School|Primary|Secondary|Infants?|Juniors?|High|College|Nursery|"
    r"Pre-?[Ss]chool|Preschool|Sixth\s+Form|Grammar|Federation|UTC|Kindergarten"
)
_NAMED_SETTING = re.compile(
    r"((?:(?:St\.?|Saint|[A-Z][\w'’.-]*)\s+(?:(?:of|and|&|the|de|on|upon|in|le)\s+)?)+)"
    rf"(?:{_SETTING_NOUNS})\b"
)
_GENERIC_WORDS = frozenset(
    """a an the his her their my our its your this that each every any another by at in to
    from when if after before during for with and of on as is will new next local nearest
    primary secondary special infant infants junior juniors mainstream specialist independent
    residential further higher education sixth form high free community catholic church
    state maintained grammar faith village year key stage reception nursery school college
    academy forest beach sunday summer holiday saturday evening night day boarding
    preschool pre-school upper lower middle first senior mixed girls boys
    """.split()
)


def _setting_names(text: str, extra: tuple[re.Pattern[str], ...]) -> Iterator[tuple[int, int]]:
    for match in _NAMED_SETTING.finditer(text):
        words = re.findall(r"[\w'’.-]+", match.group(1))
        proper = [word for word in words if word.lower().rstrip(".") not in _GENERIC_WORDS]
        if proper and not (len(words) == 1 and match.start() == 0 and _is_sentence_word(words)):
            yield _trim_leading_generic(text, match)
    for pattern in extra:
        for match in pattern.finditer(text):
            yield match.span()


def _is_sentence_word(words: list[str]) -> bool:
    """A single capitalised word at the start is just the sentence starting."""
    return words[0].lower() in _GENERIC_WORDS


def _trim_leading_generic(text: str, match: re.Match[str]) -> tuple[int, int]:
    """Drop generic leading words ("At Brookfield Academy" -> "Brookfield Academy")."""
    start = match.start()
    for word in re.finditer(r"[\w'’.-]+", match.group(1)):
        if word.group(0).lower() not in _GENERIC_WORDS or word.group(0) in ("St", "St."):
            break
        start = match.start(1) + word.end()
        while start < len(text) and text[start].isspace():
            start += 1
    return start, match.end()


@rule(
    "E401", "names-setting", "warning", "text",
    summary="An outcome or provision names a particular school or setting.",
    explanation=(
        "Outcomes and provision describe what the child needs wherever they are taught; "
        "the school or setting is named in Section I. A named school in Section E or F "
        "ties the plan to one placement and has to be rewritten when the child moves."
    ),
    source="SEND Code of Practice 0-25 (2015), paragraph 9.69 (Section I names the "
           "placement); local-authority outcome templates",
    poor="By the end of Year 7, Lily will settle in at Brookfield Academy and make friends.",
    improved="By the end of Year 7, Lily will name two friends in her tutor group and spend "
             "lunchtime with them on 3 days a week.",
)
def names_setting(statement: Statement) -> Iterator[Hit]:
    seen: set[tuple[int, int]] = set()
    for span in _setting_names(statement.text, statement.config.setting_patterns):
        if any(start <= span[0] < end for start, end in seen):
            continue
        seen.add(span)
        name = statement.text[span[0]:span[1]]
        yield Hit(f"{name!r} names a setting: describe the kind of support instead, and "
                  "leave the placement to Section I", span)


_UPN = re.compile(r"\b[A-Z]\d{12}\b|\b[A-Z]\d{11}[A-Z]\b")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_PHONE = re.compile(
    r"(?:\+44\s?(?:\(0\)\s?)?\d{2,4}|\(0\d{2,4}\)|\b0\d{2,4})[\s-]?\d{3,4}[\s-]?\d{3,4}\b"
)
_NHS = re.compile(r"\b\d{3}[\s-]?\d{3}[\s-]?\d{4}\b")


def nhs_check_digit_valid(number: str) -> bool:
    """Whether ten digits pass the NHS number's modulus 11 check.

    The first nine digits are weighted 10 down to 2; 11 minus the remainder of the sum
    divided by 11 is the check digit (11 counts as 0, and 10 means no valid number).
    """
    digits = [int(char) for char in number if char.isdigit()]
    if len(digits) != 10:
        return False
    total = sum(digit * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == digits[9]


def _phone_like(text: str) -> bool:
    digits = re.sub(r"\D", "", text)
    if digits.startswith("44"):
        digits = "0" + digits[2:].lstrip("0")
    return digits.startswith("0") and len(digits) in (10, 11)


def find_identifiers(text: str) -> Iterator[tuple[str, tuple[int, int]]]:
    """Each identifier in ``text``: ("pupil number", span), ("email address", span)..."""
    taken: list[tuple[int, int]] = []
    for kind, pattern, valid in (
        ("email address", _EMAIL, None),
        ("pupil number (UPN)", _UPN, None),
        ("phone number", _PHONE, _phone_like),
        ("NHS number", _NHS, nhs_check_digit_valid),
    ):
        for match in pattern.finditer(text):
            span = match.span()
            if any(start < span[1] and span[0] < end for start, end in taken):
                continue
            if valid is not None and not valid(match.group(0)):
                continue
            taken.append(span)
            yield kind, span


@rule(
    "E402", "personal-identifier", "error", "text",
    summary="Free text carries a pupil number, NHS number, email address or phone number.",
    explanation=(
        "Identifiers have their own fields in the plan, where access to them can be "
        "controlled. Typed into an outcome or a note they are copied into every document, "
        "export and dashboard made from the plan, which breaks data minimisation."
    ),
    source="UK GDPR Article 5(1)(c) (data minimisation); the plan's identifier fields",
    poor="Sam (UPN A123456789012) will read 20 words by the end of Year 2.",
    improved="By the end of Year 2, Sam will read 20 common words on sight.",
)
def personal_identifier(statement: Statement) -> Iterator[Hit]:
    for kind, span in find_identifiers(statement.text):
        yield Hit(f"this looks like a {kind}: keep identifiers in their own fields, not in "
                  "the text", span)


@rule(
    "E403", "banned-phrase", "warning", "text",
    summary="The text uses a phrase your authority has chosen not to use.",
    explanation=(
        "Authorities keep their own lists of wording to avoid, set in the configuration "
        "(``banned-phrases``). This rule finds them; it does nothing until a list is set. "
        "The examples assume the list holds \"in line with the school's offer\"."
    ),
    source="Your authority's configuration",
    poor="Literacy teaching in line with the school's offer.",
    improved="A teaching assistant will teach Sam phonics 1:1 for 20 minutes daily.",
)
def banned_phrase(statement: Statement) -> Iterator[Hit]:
    for pattern in statement.config.banned_patterns:
        for match in pattern.finditer(statement.text):
            yield Hit(f"{match.group(0)!r} is on your authority's list of phrases to avoid",
                      match.span())
