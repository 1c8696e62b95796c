"""hamsync's marked block inside an activity description, and the words that go in it.

The runner's own text is never touched: the block sits between two marker lines, a
re-sync replaces only what is between them, and removing it restores the text as it was.
Used by the Strava and Garmin note sinks alike.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from planner.models import Run, RunFlags, Session

BEGIN = "--- hamsync ---"
END = "--- /hamsync ---"
_BLOCK = re.compile(rf"\n*{re.escape(BEGIN)}\n.*?\n{re.escape(END)}(?P<gap>\n*)", re.DOTALL)


def existing_block(description: str | None) -> str | None:
    """The text inside our markers, if the description holds a block of ours."""
    match = _BLOCK.search(description or "")
    if match is None:
        return None
    inner = match.group(0).strip("\n")
    return inner[len(BEGIN) + 1 : -len(END) - 1]


def upsert_block(description: str | None, text: str) -> str:
    """The description with our block set to ``text``; the runner's text is kept as is."""
    own = remove_block(description)
    block = f"{BEGIN}\n{text}\n{END}"
    return f"{own}\n\n{block}" if own else block


def remove_block(description: str | None) -> str:
    """The description without our block (what it was before hamsync wrote to it).

    Text the runner wrote below the block keeps its blank line from the text above.
    """

    def cut(match: re.Match[str]) -> str:
        between = match.string[: match.start()].strip() and match.string[match.end() :].strip()
        return match.group("gap") if between else ""

    return _BLOCK.sub(cut, description or "").rstrip("\n")


def note_for_run(
    run: Run, flags: RunFlags, sessions: Sequence[Session], tz: ZoneInfo
) -> str | None:
    """What this run changed in the plan, in one or two lines; None for an ordinary run.

    Only long trails, heavy descents and hill sessions get a note: those are the runs the
    rules react to. The sessions named are the ones whose reasons cite this run's day.
    """
    if not (flags.long or flags.heavy_descent or flags.hill):
        return None
    facts = []
    if flags.long:
        facts.append("long trail (R1)")
    if flags.very_heavy_descent:
        facts.append("very heavy descent (R2)")
    elif flags.heavy_descent:
        facts.append("heavy descent (R2)")
    if flags.hill:
        facts.append("hill session (R5)")
    descent = f"{run.descent_m:,.0f} m descent -> " if run.descent_m is not None else ""
    lines = [f"hamsync: {descent}{', '.join(facts)}."]
    day = run.start.astimezone(tz).date()
    cited = [s for s in sessions if any(reason.day == day for reason in s.reasons)]
    for session in cited[:2]:
        lines.append(f"Plan: {session.kind.value} session on {session.day:%a %d %b}.")
    if not cited and sessions:
        nxt = sessions[0]
        lines.append(f"Next hamstring session: {nxt.kind.value} on {nxt.day:%a %d %b}.")
    return "\n".join(lines)
