"""Benchmark of the charts (not a test): time to draw each chart, and the delivery process's
memory while drawing.

Seeds a SQLite file with a month and a bit of tickets (bench/chart_seed.py, `--per-day` a
business day), reads each chart's figures (timed apart), then draws each chart `--repeat` times
with the real renderer (bot.charts.render, the cache bypassed). Memory: the process's peak RSS
before the first import of matplotlib, after the first drawing, and at the end (ru_maxrss), and
tracemalloc's peak of one drawing of each chart.

    python bench/chart_bench.py
    python bench/chart_bench.py --per-day 400 --repeat 20
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.chart_seed import ENGINEERS, NOW, seed_month  # noqa: E402
from handlers.i18n import Translator  # noqa: E402
from storage import charts  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402

ZONE = "Europe/Madrid"


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def timed(fn, repeat: int) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    runs.sort()
    return statistics.median(runs), runs[min(len(runs) - 1, int(len(runs) * 0.95))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--per-day", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Database.from_url(f"sqlite:///{folder}/bench.db")
        upgrade(db.engine)
        made = seed_month(db, per_day=args.per_day)
        print(f"{made} tickets seeded; peak RSS before matplotlib: {rss_mib():.0f} MiB")
        figures = {
            "weekly trend (8 weeks)": lambda: charts.trend(db, NOW, ZONE, charts.WEEK, 8, current=False),
            "admin Home (14 days)": lambda: charts.trend(db, NOW, ZONE, charts.DAY, 14),
            "engineer Home": lambda: charts.trend(db, NOW, ZONE, charts.DAY, 14, engineer_id=ENGINEERS[0]),
            "weekly mix": lambda: charts.breakdown(db, NOW, ZONE),
        }
        for name, read in figures.items():
            p50, p95 = timed(read, args.repeat)
            print(f"query  {name:24} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms")

        from bot.charts import render  # the import itself is part of the first drawing's cost

        tr = Translator("en")
        labels = {"software": "Software"}
        start = time.perf_counter()
        trend = figures["admin Home (14 days)"]()
        render.trend_png(tr, trend)
        print(
            f"first drawing (imports, font cache): {(time.perf_counter() - start) * 1000:.0f} ms; "
            f"peak RSS {rss_mib():.0f} MiB"
        )
        drawings = {
            "weekly trend (8 weeks)": lambda d: render.trend_png(tr, d),
            "admin Home (14 days)": lambda d: render.trend_png(tr, d),
            "engineer Home": lambda d: render.trend_png(tr, d),
            "weekly mix": lambda d: render.breakdown_png(tr, d, labels),
            "no data yet": lambda d: render.no_data(tr, "Tickets — last 14 days"),
        }
        for name, draw in drawings.items():
            data = figures.get(name, figures["admin Home (14 days)"])()
            p50, p95 = timed(lambda draw=draw, data=data: draw(data), args.repeat)
            tracemalloc.start()
            size = len(draw(data))
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            print(
                f"render {name:24} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  "
                f"{size / 1024:5.0f} KiB PNG  traced peak {peak:5.1f} MiB"
            )
        print(f"peak RSS of the process after all drawings: {rss_mib():.0f} MiB")
        db.dispose()


if __name__ == "__main__":
    main()
