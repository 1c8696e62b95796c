"""What a GPX ``<type>``, a TCX ``Activity Sport`` or a Strava ``activities.csv`` type means.

A label is matched after folding case, accents, blanks, ``-`` and ``_`` away ("Trail Run",
"trail_running" and "TRAILRUNNING" are one label). The tables hold the labels the common apps
write (Garmin Connect, Strava, Komoot, OpenTracks, Suunto, Coros, Polar, Apple Health exports)
and their usual German, French, Italian and Spanish translations, plus Strava's numeric GPX
codes. A label found nowhere is *unknown*: not a run (the file is reported, and
``[sources.files] sports`` maps it).

Sources of the codes: sports-lib ``src/activities/activity.types.ts`` (class ``StravaGPXTypes``:
1 Ride, 4 Hike, 9 Run, 10 Walk, 16 Swim, 17 VirtualRide, ...), Strava's API ``SportType``
list, Garmin's FIT profile sport names, OpenTracks' activity type list.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Literal

from planner.models import Sport

Verdict = Sport | Literal["not_on_foot", "unknown"]
"""A sport to store; ``not_on_foot`` (a ride, a swim: not stored); ``unknown`` (reported)."""

NOT_ON_FOOT: Literal["not_on_foot"] = "not_on_foot"
UNKNOWN: Literal["unknown"] = "unknown"

STRAVA_GPX_CODES: dict[str, Verdict] = {
    "1": NOT_ON_FOOT,  # Ride
    "2": NOT_ON_FOOT,  # Alpine ski
    "3": NOT_ON_FOOT,  # Backcountry ski
    "4": Sport.HIKE,  # Hike
    "5": NOT_ON_FOOT,  # Ice skate
    "6": NOT_ON_FOOT,  # Inline skate
    "7": NOT_ON_FOOT,  # Nordic ski
    "8": NOT_ON_FOOT,  # Roller ski
    "9": Sport.RUN,  # Run
    "10": Sport.OTHER,  # Walk
    "11": NOT_ON_FOOT,  # Workout
    "12": NOT_ON_FOOT,  # Snowboard
    "13": Sport.OTHER,  # Snowshoe
    "14": NOT_ON_FOOT,  # Kitesurf
    "15": NOT_ON_FOOT,  # Windsurf
    "16": NOT_ON_FOOT,  # Swim
    "17": NOT_ON_FOOT,  # Virtual ride
    "18": NOT_ON_FOOT,  # E-bike ride
    "19": NOT_ON_FOOT,  # Velomobile
    "21": NOT_ON_FOOT,  # Canoe
    "22": NOT_ON_FOOT,  # Kayak
    "23": NOT_ON_FOOT,  # Rowing
    "24": NOT_ON_FOOT,  # Stand-up paddling
    "25": NOT_ON_FOOT,  # Surfing
    "26": NOT_ON_FOOT,  # Crossfit
    "27": NOT_ON_FOOT,  # Elliptical
    "28": Sport.OTHER,  # Rock climbing
    "29": NOT_ON_FOOT,  # Stair stepper
    "30": NOT_ON_FOOT,  # Weight training
    "31": NOT_ON_FOOT,  # Yoga
    "32": NOT_ON_FOOT,  # Wheelchair
    "33": NOT_ON_FOOT,  # Handcycle
}

_RUN = (
    "run running laufen lauf joggen jogging course coursea pied courseapied footing corsa "
    "correre carrera correr corsaapiedi treadmillrunning treadmill laufband tapisroulant "
    "virtualrun indoorrunning streetrunning roadrunning trackrunning ultrarun ultrarunning "
    "cinta tapis hkworkoutactivitytyperunning jogging obstaclerun obstaclerace indoorrun "
    "treadmillrun trackrun"
)
_TRAIL = (
    "trailrun trailrunning traillauf traillaufen berglauf berglaufen courseentrail trail "
    "coursenature corsainmontagna corsaintrail carrerademontana carrerapormontana "
    "skyrunning mountainrunning fellrunning"
)
_HIKE = (
    "hike hiking wandern wanderung bergwandern randonnee randonneepedestre rando "
    "escursionismo escursione trekking senderismo excursionismo hkworkoutactivitytypehiking "
    "senderisme wandelen"
)
_OTHER_ON_FOOT = (
    "walk walking gehen spazieren spaziergang marche marcher camminata camminare caminar "
    "caminata nordicwalking snowshoe snowshoeing schneeschuh schneeschuhwandern raquettes "
    "raquette ciaspole ciaspolata raquetas mountaineering bergsteigen alpinisme alpinismo "
    "climbing klettern escalade arrampicata escalada other sonstige autre altro otro "
    "hkworkoutactivitytypewalking hkworkoutactivitytypeclimbing orienteering orientierungslauf "
    "casualwalking speedwalking rockclimbing bouldering snowshoews snowshoeing "
    "hkworkoutactivitytypesnowsports"
)
_NOT_ON_FOOT = (
    "ride biking bike cycling cycle bicycle radfahren radfahrt rennrad mountainbike mtb "
    "gravel ebike emountainbike velo cyclisme vtt ciclismo bici bicicleta roadbiking "
    "road_biking virtualride indoorcycling spinning swim swimming schwimmen natation nuoto "
    "natacion openwater openwaterswimming poolswimming lapswimming ski skiing alpineski "
    "alpineskiing backcountryski skitour skitouring skitour skilanglauf langlauf "
    "crosscountryskiing nordicski snowboard snowboarding ski alpin skialpinisme sciescursionismo "
    "esqui paddling paddeln kayak kayaking canoe canoeing kanu rowing rudern aviron canottaggio "
    "remo sup standuppaddling surfing surf windsurf kitesurf sailing segeln driving motorcycling "
    "transit iceskate inlineskate skating rollerski wheelchair handcycle velomobile "
    "strength strengthtraining training workout yoga elliptical stairs weighttraining "
    "hkworkoutactivitytypecycling hkworkoutactivitytypeswimming multisport triathlon "
    "ebikeride emountainbikeride gravelride mountainbikeride virtualrow sail skateboard "
    "stairstepper pilates hiit crossfit cardio indoorcardio golf tennis badminton pickleball "
    "racquetball squash tabletennis soccer football basketball volleyball "
    "gravelcycling mountainbiking roadcycling touringbicycle racebike etouringbicycle "
    "resortskiingsnowboardingws backcountryskiing crosscountryskiingws lapswimming "
    "openwaterswimming strengthtraining"
)


def _table() -> dict[str, Verdict]:
    out: dict[str, Verdict] = {}
    for words, verdict in (
        (_NOT_ON_FOOT, NOT_ON_FOOT),
        (_OTHER_ON_FOOT, Sport.OTHER),
        (_HIKE, Sport.HIKE),
        (_TRAIL, Sport.TRAIL_RUN),
        (_RUN, Sport.RUN),
    ):
        for word in words.split():
            out[fold(word)] = verdict
    out.update(STRAVA_GPX_CODES)
    return out


def fold(label: str) -> str:
    """``label`` lower-cased, without accents, blanks, ``-``, ``_`` or ``.``."""
    text = unicodedata.normalize("NFKD", label.strip().lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return "".join(c for c in text if c not in " \t-_.'/")


_LABELS: dict[str, Verdict] | None = None

CUSTOM_TARGETS: dict[str, Verdict] = {
    "run": Sport.RUN,
    "trail_run": Sport.TRAIL_RUN,
    "hike": Sport.HIKE,
    "other": Sport.OTHER,
    "skip": NOT_ON_FOOT,
}
"""What ``[sources.files] sports`` may map a label to."""


def classify(label: str | None, custom: Mapping[str, str] | None = None) -> Verdict:
    """The verdict on a sport label; a missing or empty label is a run (a runner's folder).

    ``custom`` maps labels (folded like the built-in ones) to ``run``, ``trail_run``,
    ``hike``, ``other`` or ``skip``; it wins over the built-in tables.
    """
    global _LABELS
    if label is None or not label.strip():
        return Sport.RUN
    key = fold(label)
    for name, target in (custom or {}).items():
        if fold(name) == key and target in CUSTOM_TARGETS:
            return CUSTOM_TARGETS[target]
    if _LABELS is None:
        _LABELS = _table()
    return _LABELS.get(key, UNKNOWN)
