"""R6 (basic): which 2-3 exercises a session holds, by kind, level, equipment and terrain."""

from __future__ import annotations

from dataclasses import replace

from planner.exercises import EXERCISES, LADDER, Exercise, equipment_allows
from planner.models import NORDIC_KEYS, Dose, SessionKind
from planner.settings import Settings

CONTROL_TIER = 4
"""Rungs 1-4 of the guide are position and single-leg control; 5-6 strength; 7-8 Nordic (the
guide: "position control first, then strength, then Nordic progression")."""
ASSISTED_NORDIC_LEVEL = 7  # the guide's list: 7. assisted Nordic hamstring curl
FULL_NORDIC_LEVEL = 8  # the guide's list: 8. full Nordic hamstring curl
CONTROL_EXERCISES = 3
"""A control session holds the top three rungs of control work the level and day allow
(bridge, walkout, single-leg RDL; the step-down from rung 4 unless R4 forbids it), each one
set lighter (R5: "one light control session"; the guide: "start with control and small
volume")."""
HEAVIER_KEYS = frozenset({"slider_curl", "single_leg_rdl"})
"""The eccentric exercises a ``heavy`` session below the Nordic rungs is built around (R5, R10)."""
HEAVIER_EXTRA_SETS = 1  # hamsync default: the short heavier session's main exercise, 4 sets
HEAVIER_REST_S = 30  # hamsync default: longer rest between its slower, harder sets


def nordic_for(level: int, settings: Settings) -> str | None:
    """The Nordic variant a runner at ``level`` may do, or None below rung 7 (R6)."""
    if level >= FULL_NORDIC_LEVEL and equipment_allows("nordic", settings):
        return "nordic"
    if level >= ASSISTED_NORDIC_LEVEL:
        return "assisted_nordic"
    return None


def wants_nordic(kind: SessionKind, level: int, settings: Settings) -> bool:
    """``heavy`` and ``focused`` sessions hold a Nordic once the level allows one."""
    return (
        kind in (SessionKind.HEAVY, SessionKind.FOCUSED) and nordic_for(level, settings) is not None
    )


def _usable(level: int, settings: Settings, quad_ok: bool) -> list[Exercise]:
    # At level 1 the walkout (rung 2, also control work) keeps the session at two exercises.
    cap = max(2, min(level, FULL_NORDIC_LEVEL))
    return [
        e
        for e in LADDER
        if e.level <= cap
        and not e.heavy_eccentric
        and equipment_allows(e.key, settings)
        and (quad_ok or not e.quad_eccentric)
    ]


def swap_exercise(level: int, settings: Settings, quad_ok: bool) -> str:
    """The eccentric exercise that replaces a Nordic (R10): slider curl, else single-leg RDL."""
    keys = {e.key for e in _usable(level, settings, quad_ok)}
    for key in ("slider_curl", "single_leg_rdl"):
        if key in keys:
            return key
    return "hamstring_walkout"


def _dose(key: str, lighter: bool = False) -> Dose:
    e = EXERCISES[key]
    return e.dose(max(1, e.sets - 1) if lighter else None)


def recovery_content() -> tuple[Dose, ...]:
    """Easy walking, easy bridges and gentle mobility (R7); never a Nordic or quad braking."""
    return (_dose("easy_walk"), _dose("glute_bridge", lighter=True), _dose("gentle_mobility"))


def session_content(
    kind: SessionKind, level: int, settings: Settings, nordic: bool, quad_ok: bool
) -> tuple[Dose, ...]:
    """The exercises of a session, control before strength before Nordic.

    ``nordic``: the day allows heavy work and the kind wants it; when a ``heavy`` or
    ``focused`` session may not hold its Nordic, the swap exercise of R10 takes its place.
    """
    if kind is SessionKind.RECOVERY:
        return recovery_content()
    usable = _usable(level, settings, quad_ok)
    control = sorted((e for e in usable if e.level <= CONTROL_TIER), key=lambda e: -e.level)
    strength = sorted((e for e in usable if e.level > CONTROL_TIER), key=lambda e: -e.level)
    variant = nordic_for(level, settings) if nordic else None
    picked: list[str] = []
    main: str | None = None
    if kind is SessionKind.CONTROL:
        picked = [e.key for e in control[:CONTROL_EXERCISES]]
    elif kind is SessionKind.MAINTENANCE:
        picked = [control[0].key, (strength or control[1:])[0].key]
    elif kind is SessionKind.HEAVY:
        main = variant or swap_exercise(level, settings, quad_ok)
        picked = [next(e.key for e in control if e.key != main), main]
    else:  # focused
        rest = [e.key for e in strength + control[1:]]
        picked = [control[0].key, rest[0]]
        third = variant or next((k for k in rest[1:] if k not in picked), None)
        if third is not None:
            picked.append(third)
    unique = sorted(dict.fromkeys(picked), key=lambda k: EXERCISES[k].level)
    lighter = kind in (SessionKind.MAINTENANCE, SessionKind.CONTROL)
    doses = tuple(_dose(k, lighter=lighter) for k in unique)
    if kind is SessionKind.HEAVY and variant is None:
        doses = tuple(_heavier(d) if d.key == main else d for d in doses)
    return doses


def _heavier(dose: Dose) -> Dose:
    if dose.key not in HEAVIER_KEYS:
        return dose
    return replace(dose, sets=dose.sets + HEAVIER_EXTRA_SETS, rest_s=dose.rest_s + HEAVIER_REST_S)


def content_reason(kind: SessionKind, doses: tuple[Dose, ...]) -> str | None:
    """What makes a ``control`` session light and a ``heavy`` one without a Nordic heavier.

    R5 asks for "one light control session and one short heavier session" in a week of
    0-1 runs; below the Nordic rungs the two must still differ in load, not only in name.
    Called on the final doses (after the first-week lightening of R6), so the figures hold.
    """
    keys = [d.key for d in doses]
    if kind is SessionKind.CONTROL:
        names = _listing([_lower(EXERCISES[k].name) for k in keys])
        return f"light control session: {names}, at low volume and never a Nordic (R5, R6)"
    if kind is not SessionKind.HEAVY or NORDIC_KEYS & set(keys):
        return None
    main = max(
        (d for d in doses if d.key in HEAVIER_KEYS),
        key=lambda d: EXERCISES[d.key].level,
        default=None,
    )
    if main is None:
        return None
    return (
        f"short heavier session: {_lower(EXERCISES[main.key].name)} for {main.sets} sets, "
        "lowering over a slow count of three, the hardest eccentric exercise your rung and "
        f"today allow; {len(doses)} exercises only (R5, R6)"
    )


def _lower(name: str) -> str:
    return name[0].lower() + name[1:]


def _listing(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
