"""The journal's safeguarding boundary: a note that reads like a safeguarding concern is not kept as a practice note.

The journal is for the adult's own side of everyday moments (the child's need, the adult's response, how it went).
A concern about a child's safety belongs with the designated safeguarding lead, through the school's or service's
own system (CPOMS, MyConcern, paper), at once; a practice journal that held it would hide it from the people who
must act and keep it where they cannot see it. So before a note is stored, :func:`concern` reads it: ``None`` for an
ordinary practice note, otherwise a short plain reason ("mentions a disclosure (“told me a secret”)"), and the
page shows :data:`PROMPT` instead of saving the note.

The categories follow the statutory guidance for schools in England, *Keeping children safe in education*
(Department for Education; Part one "Abuse and neglect" and "Indicators of abuse and neglect", and Annex B's
specific safeguarding issues: physical, emotional and sexual abuse, neglect, child-on-child abuse, domestic abuse,
exploitation, self-harm, female genital mutilation, radicalisation, children absent or missing), with the
indicators SCIE's briefing for schools lists (bruises, burns, fractures, hunger, a child afraid to go home).
docs/practise-operations.md names the sources and the choices made here.

This is a prompt, not a classifier of abuse: it matches words (whole words, any case), so it misses a concern
written in other words and prompts on some notes that are not one. It ignores negation on purpose ("no bruises
seen" prompts): a note that needs to say so is already about a child's safety, and a prompt too many costs a
moment while a concern kept in the wrong place costs far more. Everyday bumps that a child brings to a secure
base ("he hit his head on the slide", "she fell and grazed her knee") are practice notes; the injuries that
guidance names as signs (a bruise, a burn, a fracture, a bite mark) prompt.
"""

from __future__ import annotations

import re

#: what the page says instead of saving a note that reads like a concern (the reason is shown above it)
PROMPT = (
    "This note has not been saved. It reads like it may be a safeguarding concern. If it is, report it now to your "
    "designated safeguarding lead through your school's or service's own system, as your training says; the journal "
    "is not the place for it and no one acts on what is written here. You can save the entry without the note, or "
    "with a note about your own response."
)

# the pronouns a hurting verb takes when someone is hurt; "her" is also possessive, so "hit her head" (her own
# head, an everyday bump) is told apart by the body part that follows
_SOMEONE = r"(?:me|him|them|us|her(?!\s+(?:own\s+)?(?:head|knee|knees|elbow|arm|leg|hand|foot|toe|finger|nose|chin|" \
    r"lip|mouth|tooth|teeth|back|shin|ankle|wrist|face|forehead|bottom|feelings)\b))"  # fmt: skip
_FAMILY = r"(?:dad|daddy|father|mum|mummy|mom|mother|step-?dad|step-?mum|step-?father|step-?mother|parents?|carers?|" \
    r"uncle|auntie|aunt|brother|sister|grandad|grandpa|grandma|nan|nanny|boyfriend|girlfriend|partner)"  # fmt: skip

#: (plain reason, patterns), most urgent first; each pattern matches whole words, case-insensitively
CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("a disclosure", (
        r"disclos\w*",
        r"told me (?:a|her|his|their) secret",
        r"(?:keep|keeping|kept)(?: it| this| that)? (?:a )?secrets?",
        r"our (?:little )?secret",
        r"(?:don'?t|do not|not to|never) tell (?:anyone|anybody|mum|dad|mummy|daddy|the teacher|you)",
        r"promised? (?:him |her |them )?not to tell",
    )),
    ("sexual harm", (
        r"sexual\w*", r"sexually", r"rape[ds]?", r"raping", r"groom(?:ed|ing)", r"private parts", r"privates",
        r"inappropriate(?:ly)? touch\w*", (r"touch(?:ed|es|ing)? (?:me|him|her|them) (?:there|down there|"
        r"inappropriately|under)"), r"nudes?", r"naked (?:photos?|pictures?|images?)", r"sexting", r"porn\w*",
        r"indecent\w*", r"explicit (?:photos?|pictures?|images?|videos?)",
    )),
    ("self-harm or suicide", (
        r"self[- ]?harm\w*", r"cut(?:s|ting)? (?:herself|himself|themselves|myself)",
        r"hurt(?:s|ing)? (?:herself|himself|themselves|myself)", r"suicid\w*",
        r"kill (?:herself|himself|themselves|myself)", r"wants? to die", r"wanted to die",
        r"end (?:her|his|their|my) life", r"overdos\w*", r"ligature",
    )),
    ("someone hurting a child", (
        (rf"(?:hit|hits|hitting|beat|beats|beaten|beating|kick|kicks|kicked|kicking|punch|punches|punched|punching|"
        rf"slap|slaps|slapped|slapping|smack|smacks|smacked|smacking|shake|shakes|shook|shaken|shaking|strangle\w*|"
        rf"choke|chokes|choked|choking|throttle\w*|burnt|burned|scalded|bit|bites|bitten|pinch|pinched|pinches|"
        rf"hurt|hurts|hurting|harms?|harmed|threw|throws|thrown) {_SOMEONE}"),
        r"physical punishment", r"(?:with|by) (?:a|the|his|her|their) (?:belt|strap|stick|slipper|shoe)",
    )),
    ("an injury", (
        r"bruis\w*", r"burns?", r"scald\w*", r"fractur\w*", (r"broken (?:arm|leg|bone|bones|wrist|finger|fingers|rib|"
        r"ribs|nose|collarbone)"), r"black eye", r"bite marks?", r"welts?", r"injur\w*", r"swollen (?:eye|face|lip)",
        r"(?:unexplained|suspicious) marks?", r"marks on (?:her|his|their) (?:arms?|legs?|neck|face|back|body)",
    )),
    ("neglect", (
        r"neglect\w*", r"(?:always|constantly|often) hungry", r"nothing to eat", r"no food",
        r"(?:not|never|hasn'?t|wasn'?t|isn'?t) (?:been )?fed", r"steal(?:s|ing)? food", r"food from (?:the )?bins?",
        r"dirty clothes", r"unwashed", r"smell(?:s|ed|y)? of (?:urine|wee)", r"home alone",
        r"left (?:alone|on (?:her|his|their) own) (?:at home|overnight|all night)",
        r"no one (?:at home|picked (?:her|him|them) up)", r"nobody (?:at home|picked (?:her|him|them) up)",
        r"head lice", r"no (?:coat|shoes)",
    )),
    ("domestic abuse or fear of home", (
        r"domestic (?:abuse|violence)", (r"(?:scared|frightened|afraid|terrified) (?:of|to go) (?:home|"
        rf"(?:her|his|their|my) {_FAMILY})"),
        (r"(?:doesn'?t|does not|don'?t|do not|didn'?t|did not|won'?t|will not|refuses? to|refused to|not wanting to) "
        r"(?:want to )?go home"),
        rf"(?:her|his|their|my) {_FAMILY} (?:hits|hit|hurts|hurt|beats|shouts at|screams at|locks)",
        r"locked (?:me|him|her|them) (?:in|out)", r"locks (?:me|him|her|them) (?:in|out)", r"worthless",
        r"police (?:came|were called|at (?:her|his|their) (?:house|home))",
    )),
    ("exploitation, radicalisation or FGM", (
        r"exploit\w*", r"county lines", r"traffick\w*", r"radicali[sz]\w*", r"extremis\w*", r"FGM",
        r"female genital mutilation", r"forced marriage", r"(?:gifts?|money) from (?:an )?older",
        r"older (?:boyfriend|girlfriend|man|men)",
    )),
    ("drugs or alcohol", (r"drugs?", r"drunk", r"alcohol\w*(?!\s+(?:gel|wipes?|rub))", r"cannabis", r"vap(?:e|es|ing)")),
    ("a child missing", (
        r"(?:went|gone|goes|go) missing", r"missing from (?:home|care|school)",
        r"(?:ran|run|runs|running) away from (?:home|care|(?:her|his|their) (?:home|foster home|placement))",
        r"abscond\w*",
    )),
    ("abuse", (r"abus\w*", r"maltreat\w*", r"mistreat\w*", r"safeguarding", r"child protection")),
)  # fmt: skip


def _compile(patterns: tuple[str, ...]) -> re.Pattern[str]:
    # \b on both sides: "bruise" in "bruised", not "burn" in "Auburn"; spaces in a pattern match any run of spaces
    joined = "|".join(f"(?:{p})" for p in patterns).replace(" ", r"\s+")
    return re.compile(rf"\b(?:{joined})\b", re.IGNORECASE)


_COMPILED = tuple((reason, _compile(patterns)) for reason, patterns in CATEGORIES)
# phones and word processors type curly apostrophes and other hyphens: read them as the plain ones
_PLAIN = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2010": "-", "\u2011": "-", "\u2013": "-"})


def concerns(text: str) -> list[str]:
    """Every reason ``text`` reads like a safeguarding concern, most urgent first, each with the words that made it
    (``'mentions an injury (“bruises”)'``); empty for an ordinary practice note."""
    plain = text.translate(_PLAIN)
    found = []
    for reason, pattern in _COMPILED:
        match = pattern.search(plain)
        if match is not None:
            words = " ".join(match.group(0).split())
            found.append(f"mentions {reason} (\u201c{words[:40]}\u201d)")
    return found


def concern(text: str) -> str | None:
    """``None`` when ``text`` reads like an ordinary practice note; otherwise the first (most urgent) plain reason
    it reads like a safeguarding concern. Not a judgement that abuse happened: a reason to prompt (see the module)."""
    found = concerns(text)
    return found[0] if found else None
