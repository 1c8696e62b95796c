"""A Garmin Connect stand-in served with ``responses``: the real garminconnect client talks
to it over its own ``requests`` session, exactly as it talks to connectapi.garmin.com.

Reads answer with the recorded bodies of ``testdata/garmin/extracted``; the workout and
schedule endpoints keep state like the real service (ids, schedules, deletes), with shapes
from the library's source and ``testdata/garmin/garminconnect/sample_workout.json``.
"""

from __future__ import annotations

import base64
import copy
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import responses
from requests import PreparedRequest

from connectors.garmin.session import GarminSession, Pacer

API = "https://connectapi.garmin.com"
DIAUTH = "https://diauth.garmin.com/di-oauth2-service/oauth/token"
Reply = tuple[int, dict[str, str], str]


def mint_jwt(exp: float) -> str:
    """A token shaped like Garmin's: the library reads ``exp``; the signature is never checked."""

    def part(data: dict[str, Any]) -> str:
        raw = json.dumps(data).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    header = part({"alg": "RS256", "typ": "JWT"})
    body = part({"exp": int(exp), "client_id": "GARMIN_CONNECT_MOBILE_ANDROID_DI"})
    return f"{header}.{body}.c2lnbmF0dXJl"


def write_tokens(folder: Path, valid_for_s: float = 86400) -> Path:
    """The file ``hamsync login garmin`` leaves behind, with tokens valid for ``valid_for_s``."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / "garmin_tokens.json"
    tokens = {
        "di_token": mint_jwt(time.time() + valid_for_s),
        "di_refresh_token": mint_jwt(time.time() + 30 * 86400),
        "di_client_id": "GARMIN_CONNECT_MOBILE_ANDROID_DI",
    }
    path.write_text(json.dumps(tokens), encoding="utf-8")
    path.chmod(0o600)
    return path


def recorded(testdata: Path, name: str) -> Any:
    """The response body of one recorded interaction."""
    data = json.loads((testdata / "garmin" / "extracted" / f"{name}.json").read_text())
    return data["response"]


def add_login(rsps: responses.RequestsMock) -> None:
    """The two profile reads ``Garmin.login`` makes after loading stored tokens."""
    rsps.get(
        f"{API}/userprofile-service/socialProfile", json={"displayName": "runner", "profileId": 7}
    )
    rsps.get(
        f"{API}/userprofile-service/userprofile/user-settings",
        json={"userData": {"measurementSystem": "metric"}},
    )


@dataclass
class Clock:
    """A fake monotonic clock that the injected pause advances: tests never sleep."""

    now: float = 1000.0
    pauses: list[float] = field(default_factory=list)

    def pause(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds

    def __call__(self) -> float:
        return self.now


def session_for(folder: Path, clock: Clock) -> GarminSession:
    return GarminSession(folder, Pacer(pause=clock.pause, clock=clock))


def api_calls(rsps: responses.RequestsMock, method: str | None = None) -> list[Any]:
    """The calls that reached connectapi (not the sign-in), optionally of one method."""
    skip = ("/userprofile-service/",)
    return [
        c
        for c in rsps.calls
        if c.request.url.startswith(API)
        and not any(s in c.request.url for s in skip)
        and (method is None or c.request.method == method)
    ]


@dataclass
class WorkoutService:
    """The workout and schedule endpoints with state, so a create/move/delete cycle is real."""

    workouts: dict[int, dict[str, Any]] = field(default_factory=dict)
    schedules: dict[int, dict[str, Any]] = field(default_factory=dict)
    uploads: list[dict[str, Any]] = field(default_factory=list)
    next_id: int = 880000001
    fail_next: dict[str, int] = field(default_factory=dict)
    """``{"POST schedule": 429}``: the next such request answers with that status."""
    fail_headers: dict[str, str] = field(default_factory=dict)
    """Headers sent with those failures (``Retry-After``)."""
    keep_in: Path | None = None
    """A JSON file the service saves itself to after every request (:meth:`load` reads it):
    Garmin's side outlives a hamsync process killed in the middle of a sync."""

    @classmethod
    def load(cls, path: Path) -> WorkoutService:
        """The service as last saved in ``path`` (a fresh one when there is none), kept there."""
        if not path.exists():
            return cls(keep_in=path)
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            workouts={int(k): v for k, v in data["workouts"].items()},
            schedules={int(k): v for k, v in data["schedules"].items()},
            uploads=data["uploads"], next_id=data["next_id"], keep_in=path,
        )  # fmt: skip

    def _save(self) -> None:
        if self.keep_in is not None:
            data = {"workouts": self.workouts, "schedules": self.schedules,
                    "uploads": self.uploads, "next_id": self.next_id}  # fmt: skip
            self.keep_in.write_text(json.dumps(data), encoding="utf-8")

    def install(self, rsps: responses.RequestsMock) -> None:
        base = re.compile(rf"{re.escape(API)}/(workout-service|calendar-service)/.*")
        for method in ("GET", "POST", "PUT", "DELETE"):
            rsps.add_callback(method, base, callback=self.handle)

    def handle(self, request: PreparedRequest) -> Reply:
        reply = self._answer(request)
        self._save()
        return reply

    def _answer(self, request: PreparedRequest) -> Reply:
        path = (request.path_url or "").split("?")[0]
        method = request.method or ""
        for key, status in list(self.fail_next.items()):
            want_method, want_part = key.split(" ", 1)
            if method == want_method and want_part in path:
                del self.fail_next[key]
                return status, dict(self.fail_headers), json.dumps({"message": "Too Many Requests"})
        body = json.loads(request.body) if request.body else None
        if method == "POST" and path == "/workout-service/workout":
            return self._create(body)
        if m := re.fullmatch(r"/workout-service/workout/(\d+)", path):
            return self._workout(method, int(m.group(1)), body)
        if m := re.fullmatch(r"/workout-service/schedule/(\d+)", path):
            return self._schedule(method, int(m.group(1)), body)
        if path == "/workout-service/workouts":
            listing = [
                {"workoutId": i, "workoutName": w["workoutName"]} for i, w in self.workouts.items()
            ]
            return 200, {}, json.dumps(listing)
        if m := re.fullmatch(r"/calendar-service/year/(\d+)/month/(\d+)", path):
            return self._month(int(m.group(1)), int(m.group(2)) + 1)
        return 404, {}, json.dumps({"message": "not found"})

    def _create(self, body: Any) -> Reply:
        self.uploads.append(copy.deepcopy(body))
        workout_id = self._new_id()
        stored = copy.deepcopy(body) | {"workoutId": workout_id, "ownerId": 10788552}
        for segment in stored["workoutSegments"]:
            self._number_steps(segment["workoutSteps"])
        self.workouts[workout_id] = stored
        return 200, {}, json.dumps(stored)

    def _workout(self, method: str, workout_id: int, body: Any) -> Reply:
        if workout_id not in self.workouts:
            return 404, {}, json.dumps({"message": "Workout not found"})
        if method == "GET":
            return 200, {}, json.dumps(self.workouts[workout_id])
        if method == "PUT":
            self.uploads.append(copy.deepcopy(body))
            self.workouts[workout_id] = copy.deepcopy(body) | {"workoutId": workout_id}
            return 204, {}, ""
        if method == "DELETE":
            if any(s["workout"]["workoutId"] == workout_id for s in self.schedules.values()):
                return 409, {}, json.dumps({"message": "workout is scheduled"})
            del self.workouts[workout_id]
            return 204, {}, ""
        return 405, {}, ""

    def _schedule(self, method: str, some_id: int, body: Any) -> Reply:
        if method == "POST":  # some_id is the workout id
            if some_id not in self.workouts:
                return 404, {}, json.dumps({"message": "Workout not found"})
            schedule_id = self._new_id()
            workout = self.workouts[some_id]
            self.schedules[schedule_id] = {
                "workoutScheduleId": schedule_id,
                "workout": {"workoutId": some_id, "workoutName": workout["workoutName"]},
                "calendarDate": body["date"],
            }
            return 200, {}, json.dumps(self.schedules[schedule_id])
        if some_id not in self.schedules:
            return 404, {}, json.dumps({"message": "Schedule not found"})
        if method == "GET":
            return 200, {}, json.dumps(self.schedules[some_id])
        if method == "PUT":
            self.schedules[some_id]["calendarDate"] = body["calendarDate"]
            return 204, {}, ""
        if method == "DELETE":
            del self.schedules[some_id]
            return 204, {}, ""
        return 405, {}, ""

    def _month(self, year: int, month: int) -> Reply:
        prefix = f"{year:04d}-{month:02d}-"
        items = [
            {
                "id": s["workoutScheduleId"],
                "itemType": "workout",
                "workoutId": s["workout"]["workoutId"],
                "title": s["workout"]["workoutName"],
                "sportTypeKey": "strength_training",
                "date": s["calendarDate"],
            }
            for s in self.schedules.values()
            if s["calendarDate"].startswith(prefix)
        ]
        return 200, {}, json.dumps({"calendarItems": items})

    def calendar(self) -> dict[str, tuple[int, str]]:
        """What the runner sees: day -> (workout id, workout name) of every schedule."""
        return {
            s["calendarDate"]: (
                s["workout"]["workoutId"],
                self.workouts[s["workout"]["workoutId"]]["workoutName"],
            )
            for s in self.schedules.values()
        }

    def _number_steps(self, steps: list[dict[str, Any]]) -> None:
        for step in steps:
            step["stepId"] = self._new_id()
            if step.get("type") == "RepeatGroupDTO":
                self._number_steps(step["workoutSteps"])

    def _new_id(self) -> int:
        self.next_id += 1
        return self.next_id
