"""``hamsync report``: the plan and the last weeks' load as one self-contained HTML page.

Inline CSS and an inline SVG chart, no script, font, image or link to anything outside
the file: it opens offline, can be mailed, and shows nothing to a third party. Every
text from runs, calendars and notes is escaped. Pure: the page is a function of its
arguments, so the same plan gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from planner.exercises import LADDER
from planner.models import Move, Reason, Session, SessionKind
from sync.sinks.event_text import DISCLAIMER, details_line
from sync.views.plan_days import DayRow, RunItem, WeekLoad, exercise_lines, session_title

KIND_COLOURS = {
    SessionKind.CONTROL: "#4c8bf5",
    SessionKind.HEAVIER: "#d9480f",
    SessionKind.FOCUSED: "#c2255c",
    SessionKind.MAINTENANCE: "#2f9e44",
    SessionKind.RECOVERY: "#868e96",
}

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;
background:#f4f1ea;color:#222}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:1.6rem;margin:0 0 4px}h2{font-size:1.15rem;margin:28px 0 10px}
.sub{color:#666;margin:0 0 16px}
.note{background:#fff;border-left:5px solid #f08c00;padding:8px 12px;margin:6px 0;
border-radius:4px}.note.alert{border-color:#e03131;font-weight:600}
.ladder{display:flex;gap:4px;flex-wrap:wrap}
.rung{padding:4px 8px;border-radius:12px;background:#e9e4d8;font-size:.8rem}
.rung.on{background:#2b8a3e;color:#fff;font-weight:600}
.grid{display:grid;grid-template-columns:repeat(7,minmax(0,1fr));gap:8px}
@media (max-width:720px){.grid{grid-template-columns:1fr}}
.day{background:#fff;border-radius:8px;padding:8px;min-height:120px;
box-shadow:0 1px 2px rgba(0,0,0,.08)}
.day.past{opacity:.7}.day.today{outline:3px solid #1c7ed6}
.date{font-weight:700;font-size:.9rem;margin-bottom:4px}
.run{font-size:.8rem;background:#f1f3f5;border-radius:4px;padding:3px 5px;margin:3px 0}
.run.planned{border:1px dashed #adb5bd;background:#fff}
.drop{font-weight:700;color:#5f3dc4}
.session{border-radius:6px;padding:5px 6px;margin-top:6px;color:#fff;font-size:.8rem}
.session ul{margin:4px 0 0;padding-left:16px}
.badge{display:inline-block;background:rgba(255,255,255,.25);border-radius:8px;
padding:0 5px;margin-left:4px;font-size:.7rem}
details{font-size:.75rem;margin-top:4px}summary{cursor:pointer;color:#495057}
details li{margin:2px 0}
.chart{background:#fff;border-radius:8px;padding:12px}.chart svg{max-width:760px;display:block}
footer{color:#666;font-size:.8rem;margin-top:28px}
"""


def _run_html(item: RunItem) -> str:
    parts = [escape(item.title)]
    if item.distance_m:
        parts.append(f"{item.distance_m / 1000:.0f} km")
    text = " &middot; ".join(parts)
    drop = f' <span class="drop">&darr;{item.descent_m:,.0f} m</span>' if item.descent_m else ""
    cls = "run" if item.done else "run planned"
    label = "" if item.done else "planned: "
    return (
        f'<div class="{cls}" title="{escape(item.what)}">{label}{text}{drop}'
        f"<br><small>{escape(item.what)}</small></div>"
    )


def _session_html(session: Session, status: str) -> str:
    colour = KIND_COLOURS[session.kind]
    badge = {"done": "done", "missed": "not done", "today": "today"}.get(status, "")
    items = "".join(f"<li>{escape(line)}</li>" for line in exercise_lines(session))
    why = "".join(f"<li>{escape(r.text)}</li>" for r in session.reasons)
    if (details := details_line(session.reasons)) is not None:
        why += f'<li class="details">{escape(details)}</li>'
    return (
        f'<div class="session" data-session="{escape(session.id)}" '
        f'style="background:{colour}"><strong>{escape(session_title(session))}</strong>'
        + (f'<span class="badge">{badge}</span>' if badge else "")
        + f"<ul>{items}</ul></div><details><summary>why this day</summary><ul>{why}</ul></details>"
    )


def _day_html(row: DayRow, today: date) -> str:
    cls = "day today" if row.day == today else "day past" if row.day < today else "day"
    runs = "".join(_run_html(r) for r in row.runs)
    session = _session_html(row.session, row.status) if row.session else ""
    return f'<div class="{cls}"><div class="date">{row.day:%a %d %b}</div>{runs}{session}</div>'


def _nice_top(value: float) -> float:
    for top in (500, 1000, 1500, 2000, 3000, 4000, 5000, 7500, 10000, 15000, 20000):
        if value <= top:
            return float(top)
    return value


def chart_svg(weeks: Sequence[WeekLoad]) -> str:
    """Bars of weekly descent, and one dot per hamstring session (filled when done)."""
    width, height, left, bottom, top_pad = 640, 260, 56, 40, 20
    plot_h = height - bottom - top_pad
    top = _nice_top(max((w.descent_m for w in weeks), default=0.0))
    step = (width - left - 10) / max(1, len(weeks))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="Weekly descent and hamstring sessions">'
    ]
    for frac in (0, 0.5, 1):
        y = top_pad + plot_h * (1 - frac)
        out.append(
            f'<line x1="{left}" y1="{y:.0f}" x2="{width - 10}" y2="{y:.0f}" stroke="#dee2e6"/>'
            f'<text x="{left - 6}" y="{y + 4:.0f}" text-anchor="end" font-size="11" '
            f'fill="#666">{top * frac:,.0f} m</text>'
        )
    for i, week in enumerate(weeks):
        x = left + i * step + step * 0.2
        bar_h = plot_h * (week.descent_m / top) if top else 0
        y = top_pad + plot_h - bar_h
        label = f"W{week.monday.isocalendar()[1]:02d}"
        out.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{step * 0.6:.1f}" '
            f'height="{bar_h:.1f}" rx="3" fill="#7048e8"><title>{label}: '
            f"{week.descent_m:,.0f} m descent, {week.runs} runs</title></rect>"
            f'<text x="{x + step * 0.3:.1f}" y="{height - 22}" text-anchor="middle" '
            f'font-size="11" fill="#333">{label}</text>'
        )
        dots = [True] * week.sessions_done + [False] * week.sessions_planned
        for k, filled in enumerate(dots):
            cx = x + step * 0.3 + (k - (len(dots) - 1) / 2) * 14
            fill = "#c2255c" if filled else "#fff"
            out.append(
                f'<circle class="dot" cx="{cx:.1f}" cy="{height - 8}" r="5" fill="{fill}" '
                f'stroke="#c2255c" stroke-width="2"/>'
            )
    out.append("</svg>")
    return "".join(out)


def render_report(
    today: date,
    rows: Sequence[DayRow],
    sessions: Sequence[Session],
    moved: Sequence[Move],
    notes: Sequence[Reason],
    weeks: Sequence[WeekLoad],
    level: int,
) -> str:
    """The whole page as a string."""
    alerts = "".join(
        f'<div class="note{" alert" if "medical advice" in n.text else ""}">{escape(n.text)}</div>'
        for n in notes
    )
    moves = "".join(f'<div class="note">{escape(m.reason.text)}</div>' for m in moved)
    ladder = "".join(
        f'<span class="rung{" on" if e.level == level else ""}">{e.level}. {escape(e.name)}</span>'
        for e in LADDER
    )
    days = "".join(_day_html(r, today) for r in rows)
    count = len(sessions)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>hamsync plan {today.isoformat()}</title><style>{CSS}</style></head><body><main>"
        f'<h1>Hamstring plan</h1><p class="sub">{today:%A %d %B %Y}: {count} session'
        f"{'' if count == 1 else 's'} in the days ahead</p>{alerts}{moves}"
        f'<h2>Your rung on the ladder</h2><div class="ladder">{ladder}</div>'
        f'<h2>Runs and sessions</h2><div class="grid">{days}</div>'
        '<h2>Last eight weeks: descent and sessions</h2><div class="chart">'
        f"{chart_svg(weeks)}<small>Bars: metres of descent per week. Dots: hamstring sessions "
        "(filled: done; hollow: planned or not marked done).</small></div>"
        f"<footer>{escape(DISCLAIMER)}</footer></main></body></html>\n"
    )
