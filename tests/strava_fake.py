"""Strava's side of the tests: recorded responses served through ``responses``.

The real stravalib client makes real ``requests`` calls; ``responses`` answers them in-process
with the recorded bodies of ``testdata/strava`` (and their real rate-limit headers). The list
endpoint filters and pages the recorded activities by ``after``/``page``/``per_page`` the way
Strava does, so incremental pulls can be checked; usage headers count up per request.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
import responses

API = "https://www.strava.com/api/v3"
TOKEN_URL = "https://www.strava.com/oauth/token"


def load(testdata: Path, name: str) -> Any:
    return json.loads((testdata / "strava" / name).read_text(encoding="utf-8"))


def recorded_headers(testdata: Path, name: str) -> dict[str, str]:
    """The X-* headers recorded with a response (first value of each)."""
    meta = load(testdata, name.replace(".json", ".meta.json"))
    return {k: v[0] for k, v in meta["headers"].items() if k.lower().startswith("x-")}


def shifted(payload: dict[str, Any], new_id: int, start: datetime) -> dict[str, Any]:
    """A recorded activity given another id and start (to build long histories)."""
    out = copy.deepcopy(payload)
    out["id"] = new_id
    out["start_date"] = start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return out


def keyed_streams(full: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    """What Strava answers for ``keys=...&key_by_type=true``: only the types it holds."""
    return {k: v for k, v in full.items() if k in keys}


@dataclass
class FakeStrava:
    """Serves activities, streams, details, token refreshes and description updates."""

    activities: list[dict[str, Any]]
    streams: dict[int, dict[str, Any] | None] = field(default_factory=dict)
    default_streams: dict[str, Any] | None = None
    details: dict[int, dict[str, Any]] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    read_used: int = 8
    read_limit: tuple[int, int] = (100, 1000)
    newest_first: bool = True
    """The recorded list without params is newest first: keep it so sorting is exercised."""
    list_calls: list[dict[str, str]] = field(default_factory=list)
    stream_calls: list[int] = field(default_factory=list)
    fail_list_with: tuple[int, Any] | None = None
    stream_status: dict[int, int] = field(default_factory=dict)
    """Activity id -> an error status its streams request gets (a 429 midway)."""

    def install(self, rsps: responses.RequestsMock) -> None:
        rsps.add_callback(responses.GET, f"{API}/athlete/activities", callback=self._list)
        rsps.add_callback(
            responses.GET, re.compile(rf"{API}/activities/\d+/streams"), callback=self._streams
        )
        rsps.add_callback(
            responses.GET, re.compile(rf"{API}/activities/\d+(\?.*)?$"), callback=self._detail
        )
        rsps.add_callback(
            responses.PUT, re.compile(rf"{API}/activities/\d+$"), callback=self._update
        )

    def _usage(self) -> dict[str, str]:
        self.read_used += 1
        short, day = self.read_limit
        return {
            **self.headers,
            "X-ReadRateLimit-Usage": f"{self.read_used},{self.read_used + 140}",
            "X-ReadRateLimit-Limit": f"{short},{day}",
            "X-RateLimit-Usage": f"{self.read_used},{self.read_used + 140}",
            "X-RateLimit-Limit": f"{2 * short},{2 * day}",
        }

    def _list(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        query = {k: v[0] for k, v in parse_qs(urlsplit(str(request.url)).query).items()}
        self.list_calls.append(query)
        if self.fail_list_with is not None:
            status, body = self.fail_list_with
            return status, self._usage(), json.dumps(body)
        after = int(query.get("after", 0))
        page, per_page = int(query.get("page", 1)), int(query.get("per_page", 30))
        chosen = [a for a in self.activities if _epoch(a["start_date"]) > after]
        chosen.sort(key=lambda a: a["start_date"], reverse=self.newest_first)
        body = chosen[(page - 1) * per_page : page * per_page]
        return 200, self._usage(), json.dumps(body)

    def _streams(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        activity_id = int(str(request.url).split("/activities/")[1].split("/")[0])
        self.stream_calls.append(activity_id)
        keys = parse_qs(urlsplit(str(request.url)).query)["keys"][0].split(",")
        if activity_id in self.stream_status:
            status = self.stream_status[activity_id]
            return status, self._usage(), json.dumps({"message": "Rate Limit Exceeded"})
        full = self.streams.get(activity_id, self.default_streams)
        if full is None:
            body = {
                "message": "Record Not Found",
                "errors": [{"resource": "Activity", "field": "id", "code": "invalid"}],
            }
            return 404, self._usage(), json.dumps(body)
        return 200, self._usage(), json.dumps(keyed_streams(full, keys))

    def _detail(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        activity_id = int(str(request.url).split("/activities/")[1].split("?")[0])
        if activity_id not in self.details:  # deleted, or never there: Strava's 404 body
            return 404, self._usage(), json.dumps(NOT_FOUND)
        return 200, self._usage(), json.dumps(self.details[activity_id])

    def _update(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        """PUT /activities/{id} (UpdatableActivity): the fields sent replace the stored ones."""
        activity_id = int(str(request.url).split("/activities/")[1].split("?")[0])
        if activity_id not in self.details:
            return 404, self._usage(), json.dumps(NOT_FOUND)
        self.details[activity_id].update(json.loads(request.body or b"{}"))
        return 200, self._usage(), json.dumps(self.details[activity_id])


NOT_FOUND = {
    "message": "Record Not Found",
    "errors": [{"resource": "Activity", "field": "id", "code": "invalid"}],
}


def _epoch(start: str) -> int:
    return int(datetime.fromisoformat(start.replace("Z", "+00:00")).timestamp())


def year_of_runs(base: dict[str, Any], count: int, last: datetime) -> list[dict[str, Any]]:
    """``count`` runs every ~day back from ``last``, built from one recorded activity."""
    step = timedelta(days=365) / count
    return [shifted(base, 9_000_000 + i, last - i * step) for i in range(count)]
