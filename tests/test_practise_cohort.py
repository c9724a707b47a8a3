"""The trainer's cohort view from played attempts: the numbers agree with what the trainee was shown at the end of
each drill, and "needs next" names the drills of the skills the trainee missed most often."""

from __future__ import annotations

import html
import re
from collections import Counter
from pathlib import Path

from practise_helpers import form_token, make_world

from securebase.rehearse import practice
from securebase.rehearse.repertoire import repertoire


def play_drill(client, skill: str, response: str) -> str:  # type: ignore[no-untyped-def]
    """A whole drill with one response throughout; the finished page's text."""
    index = client.get("/")
    started = client.post("/drills", data={"csrf": form_token(index.text, "/drills"), "skill": skill})
    assert started.status_code == 303, started.text[:300]
    attempt = started.headers["location"]
    for moment in range(practice.DRILL_MOMENTS):
        page = client.get(attempt)
        assert f"Moment {moment + 1} of" in page.text, page.text[:300]
        action = f"{attempt}/moments/{moment}"
        answer = client.post(action, data={"csrf": form_token(page.text, action), "response": response})
        assert answer.status_code == 303
    return html.unescape(client.get(attempt).text)


def test_the_cohort_view_follows_the_trainees_attempts(tmp_path: Path, database_url: str) -> None:
    world = make_world(tmp_path, database_url)
    try:
        _the_cohort_view(world)
    finally:
        world.close()


def _the_cohort_view(world) -> None:  # type: ignore[no-untyped-def]
    pat = world.client("pat")
    finished = [play_drill(pat, "repair", "ignore"), play_drill(pat, "repair", "repair")]
    shown = [int(re.search(r"(\d+) of \d+ responses were what the expert practice would do", f).group(1))
             for f in finished]  # fmt: skip
    page = html.unescape(world.client("tess").get("/cohort").text)
    pat_section = page.split(">pat</h2>")[1].split("</section>")[0]
    cells = re.findall(r'<td data-label="As the expert practice would">(\d+) of (\d+)</td>', pat_section)
    # oldest first, each attempt's expert agreement
    assert [int(right) for right, _ in cells] == shown
    assert [int(moments) for _, moments in cells] == [practice.DRILL_MOMENTS] * 2
    assert (
        f"from {shown[0]} of {practice.DRILL_MOMENTS} to {shown[1]} of {practice.DRILL_MOMENTS} responses"
        in pat_section
    )
    # needs next: the drill of the skill missed most often, from what the finished pages said the expert would do
    by_label = {r.label: r.key for r in repertoire()}
    missed = Counter(
        practice.DRILL_OF_EXPERT.get(by_label[label])
        for f in finished
        for label in re.findall(r"the expert practice would choose “([^”]+)”", f)
    )
    missed.pop(None, None)
    if missed:
        top = practice.DRILLS[missed.most_common(1)[0][0]].title
        assert f"Needs next:</strong> {top}" in pat_section
    else:
        assert "No drill skill missed" in pat_section
    # the other members of the team are listed, without rehearsals yet
    assert ">tess</h2>" in page
    assert "No rehearsal yet" in page.split(">tess</h2>")[1]
