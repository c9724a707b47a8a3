"""The safeguarding boundary of the journal: a note that reads like a safeguarding concern is not a practice note.

A simple keyword reading (kept deliberately broad: a false alarm only asks the adult to use the proper route).
"""

from __future__ import annotations

import re

#: words and phrases that belong in a safeguarding report to the designated lead, not in a practice journal
_CONCERNS = (
    (
        (
            r"\b(hit|hits|hitting|beat|beats|beaten|slapped|punched|kicked)\b.*\b(at home|by (his|her|their) "
            r"(mum|mom|dad|father|mother|parent|carer|step\w*|uncle|brother|sister))\b"
        ),
        "harm by someone at home",
    ),
    (r"\b(bruis\w*|burn marks?|injur\w*|marks on)\b", "an injury"),
    (r"\b(abus\w*|neglect\w*|molest\w*|groom\w*)\b", "abuse or neglect"),
    (r"\b(sexual\w*|touched (him|her|them) inappropriately|inappropriate touch\w*)\b", "sexual harm"),
    (
        (
            r"\b(self[- ]harm\w*|cut(s|ting)? (himself|herself|themself|themselves)|suicid\w*|kill (himself|herself|"
            r"themself|themselves)|wants? to die)\b"
        ),
        "self-harm or suicide",
    ),
    (r"\b(no food at home|not fed|starving|hungry every day|left alone at home|locked in)\b", "neglect"),
    (r"\b(disclos\w*|told me (that )?(someone|a grown-up|an adult))\b", "a disclosure"),
    (r"\b(scared to go home|afraid to go home|does(n't| not) want to go home)\b", "fear of going home"),
)
_COMPILED = tuple((re.compile(pattern, re.IGNORECASE), reason) for pattern, reason in _CONCERNS)


def concern(text: str) -> str | None:
    """None when ``text`` reads like an ordinary practice note; otherwise a short reason (what it seems to be about)."""
    for pattern, reason in _COMPILED:
        if pattern.search(text):
            return f"it mentions {reason}"
    return None
