"""Generate the synthetic authority export in ``examples/``.

Writes ``examples/authority_export.xlsx`` and the same records as CSV files in
``examples/authority_export/``: an invented authority's export of 44 children and young
people aged 2 to 24, with their needs, outcomes, steps, success criteria and provision,
in the sheets the loader reads (see ``ehcp_kit.loaders``). The plans are written the
way real plans are, good and poor: specific, measurable outcomes beside vague ones,
outcomes that are really provision, missing timescales, and provision such as "access
to" or "small group" with no number in it. Every child, name and number is invented.

The output is deterministic (``random.Random(2026)``, fixed workbook timestamps), so
running the script again changes nothing unless the script changed::

    .venv/bin/python scripts/make_examples.py
"""

from __future__ import annotations

import csv
import io
import random
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta
from openpyxl import Workbook

from ehcp_kit.loaders import SHEETS
from ehcp_kit.timescales import age_on, resolve, year_group

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
AUTHORITY = "Northbrook Borough Council"
FIXED_TIME = datetime(2026, 1, 5, 9, 0, 0)

# Area labels as the export writes them: the canonical names and the variants in use.
AREA_LABELS = {
    "ci": ["Communication and interaction", "Communication & Interaction", "C&I", "SLCN"],
    "cl": ["Cognition and learning", "Cognition & Learning", "SpLD", "MLD"],
    "semh": ["Social, emotional and mental health", "SEMH",
             "Social, Emotional and Mental Health difficulties"],
    "sp": ["Sensory and/or physical needs", "Physical and/or sensory", "HI", "VI", "PD"],
    "health": ["Health", "Health needs"],
    "care": ["Social care", "Social care needs"],
}

# Needs as an assessment describes them. Some run over several lines, and some carry
# the characters that documents must escape (&, <, quotes, backslashes).
NEED_DESCRIPTIONS = {
    "ci": [
        "{name} has a diagnosis of autism (2024). {Name_they} finds it hard to start "
        "conversations and to follow instructions given to the whole class.",
        "Speech & language assessment (CELF-5, 2025): expressive language below the "
        "1st centile; receptive language at the 5th centile.",
        "{name} uses a \"PECS\" book and a Grid 3 page set saved as Home\\Snack to ask for "
        "things; {their} spoken words are few and hard for unfamiliar adults to understand.",
        "{name} understands more than {they} can say. In groups of more than 3 {they} "
        "withdraws and relies on an adult to speak for {them}.",
    ],
    "cl": [
        "Educational psychology assessment (March 2025):\n"
        "- working memory below the 2nd centile\n"
        "- reading age 6y 4m; spelling age 6y 1m",
        "{name} has moderate learning difficulties and is working well below age-related "
        "expectations in reading, writing and maths.",
        "Dyslexia (specialist teacher assessment, 2025): slow, effortful decoding and "
        "difficulty copying from the board.",
        "{name} needs information broken into small steps & repeated; {they} loses track of "
        "tasks with more than 2 parts.",
    ],
    "semh": [
        "{name} experiences high anxiety, particularly at transitions and in unstructured "
        "times such as lunch. Attendance has fallen to 71%.",
        "When overwhelmed {name} runs out of the classroom or hides; there were 14 recorded "
        "incidents last term.",
        "{name} has experienced significant trauma and finds it hard to trust new adults.",
        "Low mood and school-based anxiety; {name} describes feeling \"like everyone is "
        "looking at me\".",
    ],
    "sp": [
        "Bilateral sensorineural hearing loss (moderate to severe, > 60dB); wears hearing "
        "aids and uses a radio aid in class.",
        "Cerebral palsy (spastic diplegia): walks short distances with a frame, uses a "
        "wheelchair for longer distances; fine motor skills affect handwriting.",
        "Visual impairment: acuity 6/36 in the better eye; needs print at N24 or larger "
        "and struggles with glare.",
        "Sensory processing differences: seeks movement and finds noise < 10 metres away "
        "from the dinner hall overwhelming.",
    ],
    "health": [
        "Type 1 diabetes, managed with an insulin pump; blood glucose is checked before "
        "lunch and before PE.",
        "Epilepsy (focal seizures, roughly monthly); has a care plan & rescue medication.",
        "Severe asthma; uses a spacer and needs supervision with {their} inhaler.",
        "Constipation and delayed toilet training; wears pads during the day.",
    ],
    "care": [
        "{name}'s parents care for {them} and two siblings; the family has a child in need "
        "plan and receives short breaks.",
        "{name} lives with {their} grandparents under a special guardianship order.",
        "The family asks for help with {name}'s evenings and weekends: {they} needs an adult "
        "with {them} at all times outside school.",
    ],
}


@dataclass
class OutcomeIdea:
    """A good outcome: the action, how success is seen and measured, and its steps."""

    action: str
    looks_like: str
    measured: str
    who: str
    steps: list[tuple[str, str]] = field(default_factory=list)
    pfa: str = ""
    fits: str = ""  # a pattern the need's description must match, if any


# Good outcomes by area and phase. "{name} will" goes before the action.
GOOD_OUTCOMES: dict[tuple[str, str], list[OutcomeIdea]] = {
    ("ci", "early"): [
        OutcomeIdea(
            "use 30 single words or signs to ask adults for what {they} want{s} at snack "
            "time and in play",
            "{name} asks for a drink, a snack or a toy using a word or sign, without "
            "being shown first.",
            "Keyworker keeps a tally of words and signs used across a week each half term.",
            "Keyworker and speech and language therapist",
            [("use 10 words or signs at snack time", "10 words or signs"),
             ("use 20 words or signs across the day", "20 words or signs")],
        ),
        OutcomeIdea(
            "take 3 turns in a simple game with an adult and one other child",
            "{name} waits for a turn and takes it, with a visual 'my turn' card.",
            "Observation in 4 play sessions: number of turns taken.",
            "Keyworker",
        ),
    ],
    ("ci", "primary"): [
        OutcomeIdea(
            "start and keep up a conversation of at least 4 turns with a classmate about a "
            "shared interest, without an adult prompting {them}",
            "{name} chats with a friend at break and the talk goes back and forth.",
            "Teaching assistant records 3 observed conversations a week; target 4 turns in "
            "3 of them.",
            "Class teacher and speech and language therapist",
            [("answer a classmate's question in a structured game", "2 turns"),
             ("ask a classmate a question at break with a prompt card", "3 turns")],
        ),
        OutcomeIdea(
            "follow a 3-part spoken instruction given to the whole class on 4 out of 5 "
            "occasions",
            "{name} gets out the right things and starts the task at the same time as the "
            "class.",
            "Weekly log of instructions followed, kept by the class teacher.",
            "Class teacher",
        ),
    ],
    ("ci", "secondary"): [
        OutcomeIdea(
            "ask a teacher for help in lessons, using {their} help card or words, in 4 out "
            "of 5 lessons where {they} need{s} it",
            "{name} puts up {their} card or asks, rather than sitting without working.",
            "Subject teachers complete a tick sheet each lesson for 2 weeks each half term.",
            "SENCO",
        ),
        OutcomeIdea(
            "explain what {they} find{s} hard about busy places and what helps, in a 2-minute "
            "talk to {their} tutor group",
            "{name} gives the talk, or a recorded version of it, and answers one question.",
            "Speech and language therapist rates the talk against an agreed checklist.",
            "Speech and language therapist",
        ),
    ],
    ("ci", "post16"): [
        OutcomeIdea(
            "explain {their} communication needs to a new tutor or employer in {their} own "
            "words, using a one-page profile {they} wrote",
            "{name} introduces {their} profile at the start of each placement.",
            "Placement tutor confirms the profile was shared at each of 3 placements.",
            "Placement tutor",
        ),
    ],
    ("cl", "early"): [
        OutcomeIdea(
            "count objects to 5 and match 4 colours during play",
            "{name} counts the cars into the garage and says how many.",
            "Early years practitioner checks counting and colour matching monthly.",
            "Early years practitioner",
        ),
    ],
    ("cl", "primary"): [
        OutcomeIdea(
            "read a 200-word book at {their} level aloud with no more than 5 errors",
            "{name} reads a new book to {their} parent at home and to a teacher at school.",
            "Running record each half term; number of errors in 200 words.",
            "Class teacher",
            [("blend and read 30 CVC words", "30 words"),
             ("read a 100-word book with no more than 5 errors", "100 words")],
        ),
        OutcomeIdea(
            "add and subtract numbers to 20 using a number line, getting 8 out of 10 right",
            "{name} solves 10 sums in a lesson, using the number line without help.",
            "Termly check of 10 mixed questions.",
            "Class teacher and specialist teacher",
        ),
    ],
    ("cl", "secondary"): [
        OutcomeIdea(
            "use a writing frame to plan and write a 300-word piece in English and "
            "humanities",
            "{name} completes the piece in the lesson time and it can be read by others.",
            "Word count and a check against the writing frame, on 3 pieces each term.",
            "English teacher",
            [("plan a piece using the frame with adult help", "1 plan a week")],
        ),
        OutcomeIdea(
            "use text-to-speech software to read {their} own work back and correct 3 errors "
            "in each piece",
            "{name} finds and fixes mistakes in {their} writing before handing it in.",
            "Specialist teacher compares drafts and final copies each half term.",
            "Specialist teacher",
        ),
    ],
    ("cl", "post16"): [
        OutcomeIdea(
            "pass Entry Level 3 Functional Skills in English and in maths",
            "{name} has both certificates.",
            "Exam results.",
            "College course leader",
        ),
        OutcomeIdea(
            "use a bank card to pay for items up to £20 and check {their} change",
            "{name} pays for {their} lunch at college every day.",
            "Tutor observes 5 purchases each term; target 4 correct.",
            "Tutor and parent",
            pfa="Independent living",
        ),
    ],
    ("semh", "early"): [
        OutcomeIdea(
            "separate from {their} parent at the door and settle to an activity within 5 "
            "minutes on 4 mornings out of 5",
            "{name} waves goodbye and goes to play.",
            "Keyworker notes settling time every morning for 2 weeks each half term.",
            "Keyworker",
        ),
    ],
    ("semh", "primary"): [
        OutcomeIdea(
            "use {their} calm-down plan (breathing, the 'five senses' card, a quiet space) to "
            "return to learning within 10 minutes on 4 out of 5 occasions",
            "{name} goes to {their} quiet space and comes back ready to work.",
            "Incident and return-to-learning log, reviewed weekly by the SENCO.",
            "SENCO",
            [("name the feeling using the 'feelings thermometer'", "3 out of 5 times"),
             ("choose a strategy from the plan with one prompt", "3 out of 5 times")],
        ),
        OutcomeIdea(
            "play a structured game at lunchtime with 2 other children for 15 minutes "
            "without leaving the game",
            "{name} stays in the game to the end, 3 lunchtimes a week.",
            "Lunchtime supervisor tally, 3 days a week.",
            "Lunchtime supervisor and class teacher",
        ),
    ],
    ("semh", "secondary"): [
        OutcomeIdea(
            "attend school for at least 90% of sessions each half term",
            "{name} comes in each morning, including on days with PE.",
            "School attendance register.",
            "Attendance officer",
            [("attend 80% of sessions with a meet-and-greet at the gate", "80%")],
        ),
        OutcomeIdea(
            "name 2 trusted adults and go to one of them when {they} feel{s} overwhelmed, "
            "instead of leaving the building",
            "{name} finds {their} trusted adult; no incidents of leaving site.",
            "Behaviour log: incidents of leaving site each half term (baseline 14).",
            "Head of year",
        ),
    ],
    ("semh", "post16"): [
        OutcomeIdea(
            "use a weekly check-in with {their} mentor to plan for the week and say how {they} "
            "{are} feeling on a 1-10 scale",
            "{name} attends the check-in and uses the scale without prompts.",
            "Mentor's record of attendance and scores.",
            "College mentor",
            pfa="Good health",
        ),
    ],
    ("sp", "early"): [
        OutcomeIdea(
            "walk with {their} frame from the classroom to the outdoor area, about 20 metres",
            "{name} joins the others outside without being carried.",
            "Physiotherapist measures distance and time each term.",
            "Physiotherapist",
            fits="walk|cerebral",
        ),
    ],
    ("sp", "primary"): [
        OutcomeIdea(
            "use a laptop with touch-typing software to record {their} work at 15 words per "
            "minute",
            "{name} types {their} own answers in English and topic lessons.",
            "Typing speed test each half term.",
            "Occupational therapist and teaching assistant",
            fits="motor|cerebral",
        ),
        OutcomeIdea(
            "check that {their} hearing aids and radio aid are working each morning and tell "
            "an adult if not",
            "{name} does the check at registration on 5 days out of 5.",
            "Teacher of the deaf reviews the daily checklist monthly.",
            "Teacher of the deaf",
            fits="hearing",
        ),
        OutcomeIdea(
            "stay in the dinner hall for 15 minutes to eat {their} lunch, using ear "
            "defenders and a movement-break card",
            "{name} eats lunch with the class on 4 days out of 5.",
            "Lunchtime supervisor's daily tally, reviewed fortnightly.",
            "Lunchtime supervisor and SENCO",
            fits="sensory|noise",
        ),
        OutcomeIdea(
            "find and use {their} own enlarged (N24) copies of class resources, and ask for "
            "them when they are missing",
            "{name} has the right copy at the start of each lesson.",
            "Qualified teacher of vision impairment checks 5 lessons each term.",
            "Qualified teacher of vision impairment",
            fits="visual",
        ),
    ],
    ("sp", "secondary"): [
        OutcomeIdea(
            "move around the school site using {their} cane, including at lesson changes",
            "{name} reaches every lesson on time without an adult guide.",
            "Habilitation specialist assesses routes each term.",
            "Habilitation specialist",
            fits="visual",
        ),
    ],
    ("sp", "post16"): [
        OutcomeIdea(
            "manage {their} hearing aids and radio aid, including charging and fitting, every "
            "day without reminders",
            "{name} arrives with working aids every day.",
            "Tutor checks at the start of each day for 2 weeks each term.",
            "Tutor",
            pfa="Good health",
            fits="hearing",
        ),
    ],
    ("health", "any"): [
        OutcomeIdea(
            "check {their} blood glucose before lunch and tell a named adult the reading, "
            "every day",
            "{name} does the check without being reminded.",
            "Diabetes nurse reviews the school log monthly.",
            "Diabetes specialist nurse",
            fits="diabetes",
        ),
        OutcomeIdea(
            "use {their} inhaler and spacer correctly with one spoken prompt",
            "{name} takes {their} inhaler before PE and when {they} feel{s} tight-chested.",
            "School nurse observes technique each term.",
            "School nurse",
            fits="asthma",
        ),
        OutcomeIdea(
            "tell an adult when {they} feel{s} a seizure coming, using words or {their} "
            "'help' symbol, every time",
            "Staff are told before each seizure and follow the care plan.",
            "Seizure log, reviewed each term by the epilepsy nurse.",
            "Epilepsy specialist nurse",
            fits="epilepsy",
        ),
        OutcomeIdea(
            "use the toilet at school with one adult nearby, and say or sign when {they} "
            "need{s} to go, on 4 days out of 5",
            "{name} is dry during the school day.",
            "Daily toileting record kept by the teaching assistant.",
            "Continence nurse",
            fits="toilet",
        ),
    ],
    ("care", "any"): [
        OutcomeIdea(
            "stay overnight at a short-break home twice a month and tell {their} family one "
            "thing {they} enjoyed",
            "{name} goes to short breaks happily and talks about them.",
            "Social worker reviews short-break records at each visit.",
            "Social worker",
        ),
    ],
}

# Preparing for Adulthood outcomes, from Year 9.
PFA_OUTCOMES = [
    OutcomeIdea(
        "complete a one-week work experience placement in a shop or café, arriving on time "
        "each day",
        "{name} finishes the week and the employer's report says {they} arrived on time.",
        "Employer's placement report.",
        "Careers adviser",
        pfa="Employment and higher education",
    ),
    OutcomeIdea(
        "travel on the bus to college on {their} own on 4 days out of 5",
        "{name} gets to college without a taxi or an adult.",
        "Travel trainer's record, then a weekly check with {their} parent.",
        "Independent travel trainer",
        [("travel the route with a trainer following at a distance", "2 weeks")],
        pfa="Independent living",
    ),
    OutcomeIdea(
        "plan, shop for and cook a simple meal for {their} family once a week",
        "{name} cooks pasta or a stir fry with no more than 2 prompts.",
        "Parent and tutor keep a weekly cooking log.",
        "Parent and tutor",
        pfa="Independent living",
    ),
    OutcomeIdea(
        "join a club or group outside school of {their} choosing and go at least twice a "
        "month",
        "{name} goes to the club and can name someone {they} talk{s} to there.",
        "Youth worker and family confirm attendance each term.",
        "Youth worker",
        pfa="Friends, relationships and community",
    ),
    OutcomeIdea(
        "book and attend {their} own GP and dental appointments with no more than one "
        "prompt from a parent",
        "{name} makes the phone call or books online without help.",
        "Parent and transition nurse check at each review.",
        "Transition nurse",
        pfa="Good health",
    ),
]

# Outcomes as too many plans still write them. {When} is used by some; most have none.
POOR_OUTCOMES = [
    "{name} will improve {their} reading.",
    "{name} will develop {their} social skills.",
    "{name} will engage more in lessons.",
    "{name} will make progress in maths.",
    "{name} will achieve {their} full potential.",
    "{name} will receive speech and language therapy.",
    "{name} will have access to a quiet space when needed.",
    "{name} will be supported by a teaching assistant in all lessons.",
    "Staff will help {name} to manage {their} feelings.",
    "{name} will become a vet.",
    "{name} will continue to attend {their} local school and enjoy being with friends.",
    "{When}, {name} will improve {their} handwriting.",
    "{When}, {name} will develop an understanding of money.",
    "{When}, {name} will settle well at Ashgrove Academy & make friends.",
]

GOOD_PROVISION = {
    "ci": [
        dict(what="Direct speech and language therapy on attention, vocabulary and sentence "
                  "building, using the Colourful Semantics approach",
             who="Speech & language therapist (HCPC registered)", how_often="once a week",
             how_long="30 minutes", group_size="1:1", period="term time, 39 weeks a year",
             resources_what="Speech and language therapy, 20 hours a year",
             resources_source="Top-up funding band C (<£12,000 a year) & NHS community "
                              "therapy service"),
        dict(what="A programme of language activities set by the speech and language "
                  "therapist, delivered by a teaching assistant trained by the therapist",
             who="Teaching assistant (Level 3), trained and supervised by the speech and "
                 "language therapist each half term",
             how_often="3 times a week", how_long="20 minutes", group_size="1:1",
             period="term time",
             resources_what="Teaching assistant time, 1 hour a week",
             resources_source="School's notional SEN budget"),
    ],
    "cl": [
        dict(what="Structured synthetic phonics catch-up programme",
             who="Teaching assistant trained in the programme", how_often="daily",
             how_long="20 minutes", group_size="1:3", period="term time",
             resources_what="Teaching assistant, 1 hour 40 minutes a week",
             resources_source="School's notional SEN budget"),
        dict(what="Specialist teaching for dyslexia: multisensory reading and spelling "
                  "programme",
             who="Specialist teacher (holding an approved dyslexia qualification)",
             how_often="twice a week", how_long="45 minutes", group_size="1:1",
             period="term time, 36 weeks",
             resources_what="Specialist teacher, 54 hours a year",
             resources_source="Top-up funding band B"),
    ],
    "semh": [
        dict(what="Check-in with a named key adult at the start of the day to go through the "
                  "visual timetable and rate mood",
             who="Named key adult (teaching assistant)", how_often="daily",
             how_long="10 minutes", group_size="1:1", period="term time",
             resources_what="Key adult, 50 minutes a week",
             resources_source="School's notional SEN budget"),
        dict(what="Therapeutic sessions using the \"Zones of Regulation\" programme",
             who="Emotional literacy support assistant (ELSA trained), supervised by an "
                 "educational psychologist",
             how_often="once a week", how_long="45 minutes", group_size="1:1",
             period="for 2 terms, then reviewed at the annual review",
             resources_what="ELSA, 30 hours a year; EP supervision 3 hours a term",
             resources_source="Top-up funding band C"),
    ],
    "sp": [
        dict(what="Physiotherapy programme to build walking distance and balance",
             who="Paediatric physiotherapist", how_often="once every 2 weeks",
             how_long="45 minutes", group_size="1:1", period="all year",
             resources_what="Physiotherapy, 26 sessions a year",
             resources_source="Integrated care board (NHS) commissioned service", section="G"),
        dict(what="Teacher of the deaf visits to check equipment, advise staff and teach "
                  "listening skills",
             who="Qualified teacher of the deaf", how_often="once a fortnight",
             how_long="1 hour", group_size="1:1", period="term time",
             resources_what="Sensory support service, 19 visits a year",
             resources_source="High-needs block: sensory support service"),
    ],
    "health": [
        dict(what="Training for all staff who support {name} at lunch and in PE on "
                  "{their} health care plan",
             who="Specialist nurse", how_often="once a year and when staff change",
             how_long="1 hour", group_size="staff group of up to 8",
             period="each September", section="G",
             resources_what="Specialist nurse time",
             resources_source="NHS children's community nursing"),
    ],
    "care": [
        dict(what="Overnight short breaks at a local short-break home",
             who="Short-break residential staff", how_often="2 nights a month",
             how_long="overnight (5pm to 10am)", group_size="1:2",
             period="all year", section="H1",
             resources_what="24 nights a year",
             resources_source="Children's social care (Chronically Sick and Disabled Persons "
                              "Act 1970, s2)"),
        dict(what="Direct payment for a personal assistant to support {name} at a community "
                  "youth club",
             who="Personal assistant employed by the family", how_often="once a week",
             how_long="3 hours", group_size="1:1", period="all year", section="H2",
             resources_what="Direct payment, 156 hours a year",
             resources_source="Social care personal budget"),
    ],
}

POOR_PROVISION = [
    dict(what="Access to speech and language therapy as needed"),
    dict(what="Regular support from an adult", who="suitably trained staff"),
    dict(what="Small group work on social skills", how_often="regularly"),
    dict(what="Opportunities for movement breaks throughout the day"),
    dict(what="Up to 10 hours a week of teaching assistant support",
         who="Teaching assistant"),
    dict(what="Support as required, to be determined by the school"),
    dict(what="Daily 1:1 reading, initially 20 minutes then reducing as {name} grows in "
              "confidence", who="Teaching assistant"),
    dict(what="{name} would benefit from a quiet space and should be encouraged to use it"),
    dict(what="Input from the educational psychologist", who="Educational psychologist",
         how_often="as appropriate"),
]

FIRST_NAMES = {
    "he": ["Oliver", "Kwame", "Aarav", "Dafydd", "Tomás", "Harvey", "Ibrahim", "Mateo",
           "Jayden", "Rhys", "Kofi", "Stanisław"],
    "she": ["Amara", "Priya", "Niamh", "Maja", "Ffion", "Chloé", "Isla", "Ayşe", "Grace",
            "Hana", "Renée", "Mei"],
    "they": ["Rowan", "Sam", "Alex"],
}
SURNAMES = ["Mensah", "Okafor", "Raman", "Shah", "Gallagher", "Kowalska", "Pritchard",
            "Dubois", "Byrne", "Demir", "Hughes", "Ahmed", "Novak", "Campbell", "Evans",
            "Osei", "Lindqvist", "Fernández", "Murphy", "Kaur"]

# The children whose details the tests rely on: names in several scripts, and birthdays
# on the edges of a school year and on 29 February.
SPECIAL_CHILDREN = [
    # name, called, pronouns, date of birth, plan date, year-group override
    ("Zoë Hartley", "Zoë", "she", date(2017, 8, 31), date(2026, 3, 12), None),
    ("Łukasz Nowak", "Łukasz", "he", date(2017, 9, 1), date(2026, 3, 12), None),
    ("Siobhán Walsh", "Siobhán", "she", date(2012, 2, 29), date(2026, 5, 20), None),
    ("Ciarán O'Neill", "Ciarán", "he", date(2008, 2, 29), date(2026, 2, 9), None),
    ("يوسف حداد", "يوسف", "he", date(2014, 11, 3), date(2026, 6, 2), None),
    ("李思远", "思远", "he", date(2011, 4, 17), date(2026, 9, 28), None),
    ("ليلى منصور", "ليلى", "she", date(2004, 2, 29), date(2026, 7, 7), None),
    ("陈美玲", "美玲", "she", date(2019, 7, 20), date(2026, 4, 15), 1),
    ("Nguyễn Thị Mai", "Mai", "she", date(2023, 11, 5), date(2026, 1, 21), None),
    ("Björn Lindqvist", "Björn", "he", date(2001, 10, 2), date(2026, 5, 6), None),
    ("Rowan Ellis", "Rowan", "they", date(2013, 6, 10), date(2026, 10, 14), 8),
    ("Oísín Byrne", "Oísín", "he", date(2010, 8, 31), date(2026, 11, 4), None),
    ("Émilie Laurent", "Émilie", "she", date(2010, 9, 1), date(2026, 11, 4), None),
]
FIRST_PERSON = {"Ciarán O'Neill", "Björn Lindqvist"}

ASPIRATIONS = {
    "early": ["To play with other children.", "To enjoy books and songs with my family."],
    "primary": ["To have a best friend.", "To be a footballer.",
                "To read the Harry Potter books by myself.", "To be a vet."],
    "secondary": ["To work with animals, maybe at \"Paws & Claws\" <rescue centre>.",
                  "To go to college and study mechanics.", "To be a chef.",
                  "To have friends I can go into town with."],
    "post16": ["To get a paid job in a garden centre.", "To live in my own flat with "
               "support.", "To travel to college by myself.",
               "To be a games designer \\ programmer."],
}


@dataclass
class Voice:
    """How the text names a child: by name with pronouns, or in the first person."""

    name: str
    they: str
    them: str
    their: str
    are: str
    s: str  # the ending of a verb after "they": "wants" or "want"

    def fill(self, text: str, when: str = "") -> str:
        return text.format(
            name=self.name, Name_they=self.they.capitalize(), they=self.they,
            them=self.them, their=self.their, are=self.are, s=self.s, When=when,
        )


def voice_for(called: str, pronouns: str, first_person: bool) -> Voice:
    """The words the plan uses for the child."""
    if first_person:
        return Voice("I", "I", "me", "my", "am", "")
    forms = {"he": ("he", "him", "his", "is", "s"), "she": ("she", "her", "her", "is", "s"),
             "they": ("they", "them", "their", "are", "")}
    return Voice(called, *forms[pronouns])


def sentence_case(text: str) -> str:
    """``text`` with its first letter made a capital and the rest left alone."""
    return text[:1].upper() + text[1:]


def phase_of(year: int) -> str:
    if year <= 0:
        return "early"
    if year <= 6:
        return "primary"
    if year <= 11:
        return "secondary"
    return "post16"


def timescales_for(year: int, age: int, plan_date: date, voice: Voice) -> list[str]:
    """Timescale phrases that fall after the plan date for a child in ``year``."""
    phrases = [f"by July {plan_date.year + 2}", "within 12 months",
               f"by the end of the summer term {plan_date.year + 1}"]
    if year <= -1:
        phrases += ["by the end of Reception", f"by the time {voice.they} start{voice.s} "
                    "Reception", "within 6 months"]
    elif year == 0:
        phrases += ["by the end of Reception", "by the end of Key Stage 1"]
    elif year <= 6:
        phrases += [f"by the end of Year {min(year + 1, 6)}", "by the end of Key Stage 2",
                    f"by the time {voice.they} move{voice.s} to secondary school"]
        if year <= 2:
            phrases.append("by the end of Key Stage 1")
    elif year <= 11:
        phrases += ["by the end of Key Stage 4", "by the end of Year 11",
                    f"by the time {voice.they} move{voice.s} to college"]
        if year <= 9:
            phrases.append("by the end of Key Stage 3")
        if age < 15:
            phrases.append(f"by the time {voice.they} {voice.are} 16")
    elif year <= 13:
        phrases += ["by the end of 16-19 study", f"by the time {voice.they} {voice.are} 19"]
    else:
        phrases.append(f"by the time {voice.they} {voice.are} {min(age + 2, 25)}")
    return phrases


@dataclass
class Records:
    """Rows for every sheet, as lists of dicts keyed by column."""

    sheets: dict[str, list[dict]] = field(default_factory=lambda: {name: [] for name in SHEETS})


@dataclass
class Writer:
    """What writing one child's rows needs to know about that child."""

    rng: random.Random
    records: Records
    child_id: str
    voice: Voice  # the voice of the outcomes: first person in some plans
    staff_voice: Voice  # professionals write needs and criteria about the child
    date_of_birth: date
    plan_date: date
    override: int | None


def make_child(rng: random.Random, records: Records, number: int, details: tuple) -> None:
    """Add one child's rows to every sheet."""
    name, called, pronouns, dob, plan_date, override = details
    child_id = f"NB-{number:04d}"
    writer = Writer(rng, records, child_id, voice_for(called, pronouns, name in FIRST_PERSON),
                    voice_for(called, pronouns, False), dob, plan_date, override)
    year = year_group(dob, plan_date, override=override)
    age = age_on(dob, plan_date)
    phase = phase_of(year)
    quality = rng.choices(["good", "mixed", "poor"], weights=[4, 4, 2])[0]
    poor_share = {"good": 0.0, "mixed": 0.35, "poor": 0.75}[quality]

    # Section A and the plan's dates.
    review = plan_date + relativedelta(months=6 if age < 5 else 12) - timedelta(days=1)
    status = rng.choices(["final", "draft"], weights=[3, 1])[0]
    records.sheets["children"].append({
        "child_id": child_id, "name": name, "date_of_birth": dob,
        "year_group_override": override,
        "pronouns": {"he": "he/him", "she": "she/her", "they": "they/them"}[pronouns],
        "aspirations": "\n".join(rng.sample(ASPIRATIONS[phase], 2)),
        "upn": f"{rng.choice('ABHKNRT')}{rng.randrange(10**11, 10**12):012d}"
        if 4 <= age <= 18 and rng.random() < 0.3 else None,
        "nhs_number": f"999{rng.randrange(10**6, 10**7)}" if rng.random() < 0.2 else None,
        "authority": AUTHORITY, "plan_date": plan_date,
        "review_date": review if status == "final" or rng.random() < 0.5 else None,
        "status": status,
    })

    # Needs: one main area, one or two more, and sometimes health or social care.
    main = ["ci", "cl", "semh", "sp"][number % 4]
    others = rng.sample([area for area in ("ci", "cl", "semh", "sp") if area != main],
                        rng.choice([1, 1, 2]))
    areas = [main, *others]
    if rng.random() < 0.4:
        areas.append("health")
    if rng.random() < 0.3:
        areas.append("care")
    needs: dict[str, tuple[str, str]] = {}
    for index, area in enumerate(areas, start=1):
        need_id = f"N{index}"
        description = writer.staff_voice.fill(rng.choice(NEED_DESCRIPTIONS[area]))
        needs[need_id] = (area, description)
        records.sheets["needs"].append({
            "child_id": child_id, "need_id": need_id,
            "area": rng.choice(AREA_LABELS[area]), "description": description,
        })

    # Outcomes: one per need (good or poor), and Preparing for Adulthood from Year 9.
    timescales = timescales_for(year, age, plan_date, writer.voice)
    plan_outcomes: list[tuple[str, list[str], bool]] = []
    for need_id, (area, description) in needs.items():
        good = rng.random() >= poor_share
        idea = rng.choice(ideas_for(area, phase, description)) if good else None
        outcome_id = add_outcome(writer, len(plan_outcomes) + 1, idea, [need_id], timescales)
        plan_outcomes.append((outcome_id, [need_id], good))
    if year >= 9:
        for idea in rng.sample(PFA_OUTCOMES, 2 if age >= 16 else 1):
            need_ids = [rng.choice(list(needs))]
            outcome_id = add_outcome(writer, len(plan_outcomes) + 1, idea, need_ids,
                                     timescales)
            plan_outcomes.append((outcome_id, need_ids, True))

    # Provision: an item for most outcomes; poor plans get vague items.
    provision_number = 0
    for outcome_id, need_ids, good in plan_outcomes:
        if rng.random() < 0.1:
            continue  # an outcome left without provision, as happens
        area = needs[need_ids[0]][0]
        if good and rng.random() >= poor_share:
            item = dict(rng.choice(GOOD_PROVISION[area]))
        else:
            item = dict(rng.choice(POOR_PROVISION))
            item["section"] = {"health": "G", "care": "H2"}.get(area, "F")
        provision_number += 1
        outcome_ids = [outcome_id]
        if rng.random() < 0.15 and len(plan_outcomes) > 1:
            outcome_ids.append(rng.choice([o for o, _, _ in plan_outcomes if o != outcome_id]))
        records.sheets["provision"].append({
            "child_id": child_id, "provision_id": f"P{provision_number}",
            **{key: writer.staff_voice.fill(value) for key, value in item.items()},
            "need_ids": ", ".join(need_ids), "outcome_ids": ", ".join(outcome_ids),
        })
    if rng.random() < 0.15:
        records.sheets["provision"].append({
            "child_id": child_id, "provision_id": f"P{provision_number + 1}", "section": "F",
            "what": "Use of a laptop in lessons",
        })


def ideas_for(area: str, phase: str, description: str) -> list[OutcomeIdea]:
    """Good outcomes for a need: for the child's phase if one fits the need, else any."""
    own = GOOD_OUTCOMES.get((area, phase)) or GOOD_OUTCOMES.get((area, "any")) or []
    every = [idea for (other, _), ideas in GOOD_OUTCOMES.items() if other == area
             for idea in ideas]
    for pool in (own, every):
        fitting = [idea for idea in pool
                   if not idea.fits or re.search(idea.fits, description, re.IGNORECASE)]
        if fitting:
            return fitting
    return own or every


def add_outcome(writer: Writer, number: int, idea: OutcomeIdea | None, need_ids: list[str],
                timescales: list[str]) -> str:
    """Add one outcome, with its steps and success criteria; return its id."""
    rng, sheets, voice, staff = writer.rng, writer.records.sheets, writer.voice, writer.staff_voice
    outcome_id = f"O{number}"
    when = rng.choice(timescales)
    row = {"child_id": writer.child_id, "outcome_id": outcome_id,
           "need_ids": ", ".join(need_ids)}

    if idea is None:
        row["text"] = voice.fill(rng.choice(POOR_OUTCOMES), when=sentence_case(when))
        if rng.random() < 0.4:
            row["what_success_looks_like"] = staff.fill("{name} is happier and more confident.")
        sheets["outcomes"].append(row)
        return outcome_id

    # A good outcome states its timescale in the text, the timescale column, or both;
    # a few also carry the date it works out to, as some case systems store it.
    style = rng.choice(["both", "text", "column"])
    action = voice.fill(idea.action)
    if style == "column":
        row["text"] = f"{voice.name} will {action}."
    else:
        row["text"] = f"{sentence_case(when)}, {voice.name} will {action}."
    if style != "text":
        row["timescale"] = sentence_case(when)
    if rng.random() < 0.1:
        row["target_date"] = resolve(when, date_of_birth=writer.date_of_birth,
                                     plan_date=writer.plan_date,
                                     year_group_override=writer.override).date
    row["long_term"] = True if "19" in when or "July" in when else None
    row["preparing_for_adulthood"] = idea.pfa or None
    row.update({
        "what_success_looks_like": staff.fill(idea.looks_like),
        "how_measured": staff.fill(idea.measured),
        "when_measured": f"At each review and {when}",
        "who_measures": idea.who,
    })
    if rng.random() < 0.15:
        del row[rng.choice(["how_measured", "who_measures"])]  # criteria left incomplete
    sheets["outcomes"].append(row)

    for text, target in idea.steps:
        sheets["steps"].append({
            "child_id": writer.child_id, "outcome_id": outcome_id, "text": voice.fill(text),
            "target": target,
        })
    if rng.random() < 0.12:
        sheets["success_criteria"].append({
            "child_id": writer.child_id, "outcome_id": outcome_id,
            "what_success_looks_like": staff.fill("{name} says \"I did it!\" and shows "
                                                  "{their} family."),
            "how_measured": "Photos and notes in the home-school book\n(reviewed weekly)",
            "when_measured": "Each half term", "who_measures": "Parent",
        })
    return outcome_id


def random_children(rng: random.Random, count: int) -> list[tuple]:
    """Invented children with ages spread from 2 to 24, school ages most common."""
    ages = list(range(2, 25)) + rng.choices(range(4, 17), k=count - 23)
    children = []
    for age in ages[:count]:
        pronouns = rng.choices(["he", "she", "they"], weights=[10, 9, 1])[0]
        called = rng.choice(FIRST_NAMES[pronouns])
        plan_date = date(2026, 1, 1) + timedelta(days=rng.randrange(330))
        dob = plan_date - relativedelta(years=age) - timedelta(days=rng.randrange(1, 365))
        children.append((f"{called} {rng.choice(SURNAMES)}", called, pronouns, dob,
                         plan_date, None))
    return children


def build() -> Records:
    """Every child's records, in a fixed order from a fixed seed."""
    rng = random.Random(2026)
    records = Records()
    children = SPECIAL_CHILDREN + random_children(rng, 44 - len(SPECIAL_CHILDREN))
    for number, details in enumerate(children, start=1):
        make_child(rng, records, number, details)
    return records


def columns_of(sheet: str) -> list[str]:
    required, optional = SHEETS[sheet]
    return [*required, *optional]


def write_workbook(records: Records, path: Path) -> None:
    """The export as an .xlsx workbook with real dates, written byte-for-byte the same."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet, rows in records.sheets.items():
        worksheet = workbook.create_sheet(sheet)
        columns = columns_of(sheet)
        worksheet.append([column.replace("_", " ").capitalize() for column in columns])
        for number, row in enumerate(rows):
            values = [row.get(column) for column in columns]
            # Some exports hold a date as UK text; keep a few to show it is read.
            if sheet == "children" and number % 7 == 3 and row.get("review_date"):
                values[columns.index("review_date")] = row["review_date"].strftime("%d/%m/%Y")
            worksheet.append(values)
    workbook.properties.creator = AUTHORITY
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME

    # openpyxl stamps the zip entries and the "modified" property with the time of
    # writing; put the fixed time in both, so that the file only changes with its data.
    buffer = io.BytesIO()
    workbook.save(buffer)
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, content)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, content)


def csv_value(column: str, value: object) -> str:
    """A cell as CSV text: dates of birth as the UK writes them, other dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y") if column == "date_of_birth" else value.isoformat()
    return str(value)


def write_csv_folder(records: Records, folder: Path) -> None:
    """The same export as one CSV file per sheet."""
    folder.mkdir(parents=True, exist_ok=True)
    for sheet, rows in records.sheets.items():
        columns = columns_of(sheet)
        with (folder / f"{sheet}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(columns)
            for row in rows:
                writer.writerow([csv_value(column, row.get(column)) for column in columns])


def main() -> None:
    records = build()
    write_workbook(records, EXAMPLES / "authority_export.xlsx")
    write_csv_folder(records, EXAMPLES / "authority_export")
    count = len(records.sheets["children"])
    print(f"wrote {count} children to {EXAMPLES / 'authority_export.xlsx'} and "
          f"{EXAMPLES / 'authority_export'}/")


if __name__ == "__main__":
    main()
