"""R6, R12, R13: which 2-3 exercises a session holds, by kind, level, stage, equipment, day."""

from __future__ import annotations

from dataclasses import replace

from planner.exercises import EXERCISES, LADDER, equipment_allows, staged_dose
from planner.models import NORDIC_KEYS, Dose, Reason, SessionKind
from planner.reasons import because
from planner.settings import Settings

CONTROL_TIER = 4
"""Rungs 1-4 of the guide are position and single-leg control; 5-6 strength; 7-8 Nordic (the
guide: "position control first, then strength, then Nordic progression")."""
ASSISTED_NORDIC_LEVEL = 7  # the guide's list: 7. assisted Nordic hamstring curl
FULL_NORDIC_LEVEL = 8  # the guide's list: 8. full Nordic hamstring curl
CONTROL_EXERCISES = 3
"""A control session holds up to three control exercises, each one set lighter (R5: "one
light control session"; the guide: "start with control and small volume")."""
HAMSTRING_KEYS = ("slider_curl", "single_leg_rdl", "hamstring_walkout", "glute_bridge")
"""Hamstring-dominant exercises, hardest first: every loading session keeps one (R6)."""
QUAD_KEYS = ("reverse_lunge", "step_down")
"""Quad braking work: added to a session, never a replacement (R6); kept from R4's days."""
HEAVIER_KEYS = frozenset({"slider_curl", "single_leg_rdl"})
"""The eccentric exercises a ``heavier`` session below the Nordic rungs is built around."""
HEAVIER_EXTRA_SETS = 1  # hamsync default: the short heavier session's main exercise, 4 sets
HEAVIER_REST_S = 30  # hamsync default: longer rest between its slower, harder sets


def nordic_for(level: int, settings: Settings) -> str | None:
    """The Nordic variant a runner at ``level`` may do, or None below rung 7 or without an
    anchor for the feet (R6, R13)."""
    if level >= FULL_NORDIC_LEVEL and equipment_allows("nordic", settings):
        return "nordic"
    if level >= ASSISTED_NORDIC_LEVEL and equipment_allows("assisted_nordic", settings):
        return "assisted_nordic"
    return None


def wants_nordic(kind: SessionKind, level: int, settings: Settings) -> bool:
    """``heavier`` and ``focused`` sessions hold a Nordic once the level allows one."""
    return (
        kind in (SessionKind.HEAVIER, SessionKind.FOCUSED)
        and nordic_for(level, settings) is not None
    )


def _allowed(key: str, level: int, settings: Settings, quad_ok: bool) -> bool:
    e = EXERCISES[key]
    cap = max(2, min(level, FULL_NORDIC_LEVEL))  # rung 1 also gets the walkout (control work)
    return (
        e.level <= cap
        and not e.heavy_eccentric
        and equipment_allows(key, settings)
        and (quad_ok or not e.quad_eccentric)
    )


def swap_exercise(level: int, settings: Settings, quad_ok: bool) -> str:
    """The eccentric exercise that replaces a Nordic (R10): slider curl, else single-leg RDL."""
    for key in ("slider_curl", "single_leg_rdl"):
        if _allowed(key, level, settings, quad_ok):
            return key
    return "hamstring_walkout"


def recovery_content(pain: bool = False) -> tuple[Dose, ...]:
    """Easy walking, easy bridges and gentle mobility (R7); in a pain pause walking and
    mobility only. Never a Nordic or quad braking."""
    walk, mobility = EXERCISES["easy_walk"].dose(), EXERCISES["gentle_mobility"].dose()
    if pain:
        return (walk, mobility)
    bridge = EXERCISES["glute_bridge"]
    return (walk, bridge.dose(bridge.sets - 1), mobility)


def session_content(
    kind: SessionKind,
    level: int,
    stage: int,
    settings: Settings,
    nordic: bool,
    quad_ok: bool,
) -> tuple[Dose, ...]:
    """The exercises of a session, control before strength before Nordic (R6).

    Every loading session keeps a hamstring-dominant exercise; step-downs and reverse lunges
    are added where the day allows them, never instead. The top rung's own exercise is
    dosed by its ``stage`` (R12); the others at their catalogue dose, one set lighter in
    control and maintenance sessions. ``nordic``: the day allows heavy work and the kind
    wants it; otherwise a ``heavier`` or ``focused`` session takes R10's swap exercise.
    """
    if kind is SessionKind.RECOVERY:
        return recovery_content()
    hams = [k for k in HAMSTRING_KEYS if _allowed(k, level, settings, quad_ok)]
    quads = [k for k in QUAD_KEYS if _allowed(k, level, settings, quad_ok)]
    variant = nordic_for(level, settings) if nordic else None
    picked: list[str]
    if kind is SessionKind.CONTROL:
        control = [k for k in hams + quads if EXERCISES[k].level <= CONTROL_TIER]
        picked = sorted(control, key=lambda k: -EXERCISES[k].level)[:CONTROL_EXERCISES]
    elif kind is SessionKind.MAINTENANCE:
        picked = [hams[0]] + (hams[1:2] if EXERCISES[hams[0]].level > CONTROL_TIER else [])
        if len(picked) < 2:
            picked += (quads or hams[1:])[:1]
    elif kind is SessionKind.HEAVIER:
        main = variant or swap_exercise(level, settings, quad_ok)
        picked = [next(k for k in hams if k != main), main]
    else:  # focused
        picked = [hams[0]]
        if variant is not None:
            picked.append(variant)
        picked += quads[:1]
        picked += [k for k in hams[1:] if k not in picked][: max(0, 3 - len(picked))]
    top = LADDER[min(level, FULL_NORDIC_LEVEL) - 1].key
    if (
        top not in picked
        and kind is SessionKind.FOCUSED
        and _allowed(top, level, settings, quad_ok)
    ):
        if EXERCISES[top].quad_eccentric and len(picked) >= 3:
            picked[-1] = top
        elif len(picked) < 3:
            picked.append(top)
    keys = sorted(dict.fromkeys(picked[:3]), key=lambda k: EXERCISES[k].level)
    lighter = kind in (SessionKind.MAINTENANCE, SessionKind.CONTROL)
    doses = []
    for key in keys:
        if key == top:
            dose = staged_dose(key, stage, settings.rules.reps_step)
            if lighter and dose.sets > 2:
                dose = replace(dose, sets=dose.sets - 1)
        else:
            e = EXERCISES[key]
            dose = e.dose(max(1, e.sets - 1) if lighter else None)
            if e.heavy_eccentric:
                dose = staged_dose(key, 0)
        doses.append(dose)
    out = tuple(doses)
    if kind is SessionKind.HEAVIER and variant is None:
        out = tuple(_heavier(d) if d.key == picked[1] else d for d in out)
    return out


def _heavier(dose: Dose) -> Dose:
    if dose.key not in HEAVIER_KEYS:
        return dose
    return replace(dose, sets=dose.sets + HEAVIER_EXTRA_SETS, rest_s=dose.rest_s + HEAVIER_REST_S)


def content_reason(kind: SessionKind, doses: tuple[Dose, ...]) -> Reason | None:
    """What makes a ``control`` session light and a ``heavier`` one without a Nordic heavier.

    R5 asks for "one light control session and one short heavier session" in a week of
    0-1 runs; below the Nordic rungs the two must still differ in load, not only in name.
    """
    keys = [d.key for d in doses]
    if kind is SessionKind.CONTROL:
        names = _listing([_lower(EXERCISES[k].name) for k in keys])
        return because("R5", f"light control session: {names}, at low volume and never a Nordic")
    if kind is not SessionKind.HEAVIER or NORDIC_KEYS & set(keys):
        return None
    main = max(
        (d for d in doses if d.key in HEAVIER_KEYS),
        key=lambda d: EXERCISES[d.key].level,
        default=None,
    )
    if main is None:
        return None
    return because(
        "R5",
        f"short heavier session: {_lower(EXERCISES[main.key].name)} for {main.sets} sets, "
        "lowering over a slow count of three, the hardest eccentric exercise your level and "
        f"the day allow; {len(doses)} exercises only",
    )


def _lower(name: str) -> str:
    return name[0].lower() + name[1:]


def _listing(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
