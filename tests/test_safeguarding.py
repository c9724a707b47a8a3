"""The journal's safeguarding boundary: notes that read like a concern prompt, ordinary practice notes do not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from securebase.web.safeguarding import CATEGORIES, PROMPT, concern, concerns

#: one note or more per category (the reason's words), as a practitioner might type them
PROMPTS = {
    "a disclosure": ["Sam told me a secret at lunch", "she asked me not to tell anyone", "He disclosed something"],
    "sexual harm": ["she said he touched her down there", "showed sexualised play", "older boy asked for nudes"],
    "self-harm or suicide": ["noticed she has been self-harming", "he said he wants to die", "cut herself"],
    "someone hurting a child": ["she said her dad hits her", "Mum smacked him at pick-up", "he kicked me"],
    "an injury": ["bruises on her arm", "a burn on his hand", "No bruising seen today", "black eye again"],
    "neglect": ["always hungry on Mondays", "nothing to eat at home", "was home alone at the weekend"],
    "domestic abuse or fear of home": ["scared of his stepdad", "She doesn\u2019t want to go home", "police came"],
    "exploitation, radicalisation or FGM": ["gets money from an older boy", "worried about county lines"],
    "drugs or alcohol": ["mum was drunk at pick-up", "found a vape in his bag"],
    "a child missing": ["she went missing after school", "ran away from his foster home"],
    "abuse": ["I worry this is abuse", "is this a safeguarding matter?"],
}

#: ordinary practice notes: the child's bids, the adult's responses, everyday bumps a secure base handles
PRACTICE_NOTES = [
    "he hit his head on the slide and came straight to me; I sat with him until he was ready to go back",
    "She fell and grazed her knee, came to me for a cuddle, then went back to the sand tray",
    "shaking her head at first, then took my hand at the door",
    "wanted to be left alone after lunch; I stayed nearby and she came over after ten minutes",
    "came in hungry so we had toast together before phonics",
    "I missed his cue at drop-off and repaired it at break: named it and we did the puzzle",
    "tried the climbing frame for the first time and looked back at me from the top",
    "hurt her feelings when I rushed her; I came back and said sorry",
    "put on her seat belt on the trip and told her where we were going",
    "Auburn Class assembly: she sat with a friend instead of me",
    "she was so hungry after PE that she could not settle until snack",
    "used the alcohol gel before snack and he held my hand to the hall",
    "",
]


@pytest.mark.parametrize(("reason", "note"), [(r, n) for r, notes in PROMPTS.items() for n in notes])
def test_a_note_that_reads_like_a_concern_prompts_with_its_reason(reason: str, note: str) -> None:
    assert f"mentions {reason} (" in " ".join(concerns(note)), concerns(note)
    assert concern(note) is not None


@pytest.mark.parametrize("note", PRACTICE_NOTES)
def test_an_ordinary_practice_note_is_a_practice_note(note: str) -> None:
    assert concern(note) is None, concerns(note)


def test_every_category_has_an_example_and_the_most_urgent_reason_comes_first() -> None:
    assert set(PROMPTS) == {reason for reason, _ in CATEGORIES}
    both = concerns("she said her dad hits her")
    assert both[0].startswith("mentions someone hurting a child")
    assert any(found.startswith("mentions domestic abuse") for found in both)
    assert concern("she told me a secret: her uncle hits her") == "mentions a disclosure (\u201ctold me a secret\u201d)"


def test_negation_is_ignored_on_purpose_and_words_match_whole() -> None:
    assert concern("no bruises, no marks, nothing to worry about") is not None
    assert concern("not hungry and had no worries") is None  # "hungry" alone is a bid, not a sign
    assert concern("Drugstore trip for the class") is None  # "drug" only as a whole word
    assert concern("BRUISE on his SHIN") is not None  # any case
    assert concern("she said her dad\n  hits her") is not None  # any spaces between the words


def test_the_prompt_sends_the_user_to_their_designated_lead() -> None:
    assert "designated safeguarding lead" in PROMPT
    assert "not been saved" in PROMPT


@given(before=st.text(max_size=200), after=st.text(max_size=200))
def test_a_concern_prompts_wherever_it_stands_in_a_note(before: str, after: str) -> None:
    """Any text around the words (on their own, between spaces) leaves the prompt; any text at all is read without
    an error."""
    assert concern(f"{before} she said her dad hits her {after}") is not None
    anything = f"{before}\n{after}"
    assert (concern(anything) is None) == (concerns(anything) == [])
