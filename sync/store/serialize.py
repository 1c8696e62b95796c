"""JSON shapes of the planner's records, for the state database and ``--json`` output.

The shapes are a public contract (DESIGN.md, "Command line contract"): keep keys stable.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any

from planner.models import Dose, Reason, Run, RunFlags, Session, SessionKind, Sport, Terrain


def run_to_json(run: Run) -> dict[str, Any]:
    terrain = run.terrain
    return {
        "id": run.id,
        "sources": list(run.sources),
        "start": run.start.isoformat(),
        "sport": run.sport.value,
        "name": run.name,
        "distance_m": round(run.distance_m, 1),
        "moving_s": round(run.moving_s, 1),
        "elapsed_s": round(run.elapsed_s, 1),
        "ascent_m": None if run.ascent_m is None else round(run.ascent_m, 1),
        "descent_m": None if run.descent_m is None else round(run.descent_m, 1),
        "descent_from": run.descent_from,
        "platform_trail": run.platform_trail,
        "terrain": None
        if terrain is None
        else {
            "ascent_m": round(terrain.ascent_m, 1),
            "descent_m": round(terrain.descent_m, 1),
            "longest_descent_m": round(terrain.longest_descent_m, 1),
            "steep_descent_m": round(terrain.steep_descent_m, 1),
            "descent_per_km": round(terrain.descent_per_km, 2),
            "points": terrain.points,
        },
    }


def run_from_json(data: dict[str, Any]) -> Run:
    terrain = data.get("terrain")
    return Run(
        id=data["id"],
        sources=tuple(data["sources"]),
        start=datetime.fromisoformat(data["start"]),
        sport=Sport(data["sport"]),
        name=data.get("name", ""),
        distance_m=float(data["distance_m"]),
        moving_s=float(data["moving_s"]),
        elapsed_s=float(data["elapsed_s"]),
        ascent_m=data["ascent_m"],
        descent_m=data["descent_m"],
        descent_from=data["descent_from"],
        platform_trail=bool(data.get("platform_trail", False)),
        terrain=None if terrain is None else Terrain(**terrain),
    )


def run_summary_json(run: Run, flags: RunFlags) -> dict[str, Any]:
    """The ``runs --json`` shape: figures plus what the rules make of them."""
    body = run_to_json(run)
    body.update(
        trail=flags.trail,
        long=flags.long,
        heavy_descent=flags.heavy_descent,
        very_heavy_descent=flags.very_heavy_descent,
        hill=flags.hill,
    )
    return body


def dose_to_json(dose: Dose) -> dict[str, Any]:
    body: dict[str, Any] = {"key": dose.key, "sets": dose.sets}
    if dose.reps is not None:
        body["reps"] = dose.reps
    if dose.hold_s is not None:
        body["hold_s"] = dose.hold_s
    body["per_side"] = dose.per_side
    body["rest_s"] = dose.rest_s
    return body


_RULE_TAIL = re.compile(r"\s*\((R\d+)[^)]*\)\s*$")
_OLD_KINDS = {"heavy": SessionKind.HEAVIER}
"""Kind names of plans stored by earlier versions."""


def reason_to_json(reason: Reason) -> dict[str, Any]:
    """``{"rule": "R4", "day": "2026-10-10" | null, "text": "..."}``."""
    return {
        "rule": reason.rule,
        "day": reason.day.isoformat() if reason.day is not None else None,
        "text": reason.text,
    }


def reason_from_json(data: Any) -> Reason:
    """A reason as stored now (an object), or as earlier versions stored it: a sentence
    ending in its rule id (``"... (R4)"``), whose rule is split off."""
    if isinstance(data, str):
        found = _RULE_TAIL.search(data)
        if found is None:
            return Reason("", data)
        return Reason(found.group(1), data[: found.start()])
    day = data.get("day")
    return Reason(
        str(data.get("rule", "")),
        str(data["text"]),
        date.fromisoformat(day) if day else None,
    )


def session_kind(value: str) -> SessionKind:
    """The kind stored as ``value``, reading the names of earlier versions too."""
    return _OLD_KINDS.get(value) or SessionKind(value)


def session_to_json(session: Session) -> dict[str, Any]:
    return {
        "id": session.id,
        "date": session.day.isoformat(),
        "kind": session.kind.value,
        "heavy": session.heavy,
        "exercises": [dose_to_json(d) for d in session.exercises],
        "reasons": [reason_to_json(r) for r in session.reasons],
    }


def session_from_json(data: dict[str, Any]) -> Session:
    return Session(
        id=data["id"],
        day=date.fromisoformat(data["date"]),
        kind=session_kind(data["kind"]),
        exercises=tuple(
            Dose(
                key=e["key"],
                sets=int(e["sets"]),
                reps=e.get("reps"),
                hold_s=e.get("hold_s"),
                per_side=bool(e.get("per_side", False)),
                rest_s=int(e.get("rest_s", 60)),
            )
            for e in data["exercises"]
        ),
        reasons=tuple(reason_from_json(r) for r in data.get("reasons", ())),
    )


def session_body(session: Session) -> str:
    """A session as stored (plan, sink records): canonical JSON, so equal sessions are equal
    text."""
    return json.dumps(session_to_json(session), sort_keys=True)


def session_from_body(body: str) -> Session:
    """The session stored by :func:`session_body`."""
    return session_from_json(json.loads(body))
