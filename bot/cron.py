"""Crontab lines read as cron reads them.

APScheduler's `CronTrigger.from_crontab` counts days of the week from Monday = 0, so an
operator's `0 7 * * 1` (Monday in cron) would fire on Tuesday. Here numbers in the day-of-week
field mean what they mean in crontab(5): 0 and 7 are Sunday, 1 is Monday.
"""

from __future__ import annotations

from apscheduler.triggers.cron import CronTrigger

_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")  # cron's numbering
_ORDER = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # APScheduler's


def _day(token: str) -> str:
    if token.isdigit():
        number = int(token)
        if number > 7:
            raise ValueError(f"day of week {number} is not between 0 and 7")
        return _NAMES[number]
    return token


def _part(part: str) -> str:
    span, slash, step = part.partition("/")
    first, dash, last = span.partition("-")
    if not dash:
        return _day(first) + slash + step
    start, end = _day(first), _day(last)
    if start in _ORDER and end in _ORDER and _ORDER.index(start) > _ORDER.index(end) and not slash:
        return f"{start}-sun,mon-{end}"  # e.g. 0-3: Sunday to Wednesday
    return f"{start}-{end}{slash}{step}"


def cron_trigger(line: str, zone: str) -> CronTrigger:
    fields = line.split()
    if len(fields) != 5:
        raise ValueError(f"wrong number of fields; got {len(fields)}, expected 5")
    minute, hour, day, month, weekdays = fields
    weekdays = ",".join(_part(p) for p in weekdays.lower().split(","))
    return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=weekdays, timezone=zone)
