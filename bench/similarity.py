"""Similar tickets (storage.similar): precision and recall of each method tried on the labelled
pairs (tests/data/similar_pairs.py), then the suggestion latency at 1,000,000 tickets.

Precision/recall: for each method, the threshold with the best recall at precision >= 0.9 (and
its figures), over the 240 pairs (120 same problem, 120 different problems sharing words):
  * pg_trgm similarity() of the titles, and of the folded title + description;
  * pg_trgm word_similarity() of the folded title + description;
  * PostgreSQL ts_rank of the engine's prefix query alone (the SQL step, no Python scoring);
  * SQLite FTS5 bm25 of the same prefix query among the 120 tickets;
  * Python: folded words, stop words, stems (no concepts), weighted Dice;
  * Python: the engine (concepts in en+es, topics light, other-topic penalty, category bonus).
Latency: `similar_tickets()` (SQL + scoring) for 200 probes over a seeded database of its own
(PostgreSQL `ticketbot_bench_similar`, dropped at the end; `--sqlite` a temporary file): 3 % of
tickets not closed, the rest closed over two years, the labelled tellings as their texts (which
one a hash of the ticket's number), each with a site and an asset tag of its own.

    python bench/similarity.py                       # PostgreSQL, 1,000,000 tickets
    python bench/similarity.py --sqlite              # the same on SQLite
    python bench/similarity.py --tickets 100000 --no-pairs
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from bench.support import percentile, postgres_database, print_machine  # noqa: E402
from storage import similar, similar_text  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from tests.data.similar_pairs import Telling, pairs, precision_recall, tellings  # noqa: E402

DB_NAME = "ticketbot_bench_similar"
PROBES = 200


# -- precision and recall -------------------------------------------------------------------------


def best(scores: list[tuple[float, bool]]) -> tuple[float, float, float]:
    """(threshold, precision, recall): the best recall at precision >= 0.9, else the best F1."""
    options = []
    for threshold in sorted({s for s, _ in scores}):
        p, r = precision_recall([(s >= threshold, same) for s, same in scores])
        options.append((threshold, p, r))
    good = [o for o in options if o[1] >= 0.9]
    if good:
        return max(good, key=lambda o: (o[2], o[1]))
    return max(options, key=lambda o: 2 * o[1] * o[2] / (o[1] + o[2] or 1))


def both(t: Telling) -> str:
    return similar_text.fold(f"{t.title} {t.description}")


def python_stems(a: Telling, b: Telling) -> float:
    def bag(t: Telling) -> similar_text.Words:
        weights: dict[str, float] = {}
        for part, factor in ((t.title, similar_text.TITLE_WEIGHT), (t.description, 1.0)):
            for word in similar_text._WORD.findall(similar_text.fold(part)):
                if word not in similar_text.STOP_WORDS and len(word) > 1:
                    key = word[: similar_text.STEM]
                    weights[key] = max(weights.get(key, 0.0), factor)
        return similar_text.Words(weights)

    return similar_text.overlap(bag(a), bag(b))


def engine_score(a: Telling, b: Telling) -> float:
    words = similar_text.words
    return similar.score(words(a.title, a.description), a.category, words(b.title, b.description), b.category)


def prefix_query(t: Telling) -> list[str]:
    return similar_text.search_prefixes(similar_text.words(t.title, t.description))


def fts5_scores(labelled) -> list[tuple[float, bool]]:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(body, tokenize='unicode61 remove_diacritics 2')")
    everyone = tellings()
    rowid = {t: i + 1 for i, t in enumerate(everyone)}
    db.executemany("INSERT INTO docs(rowid, body) VALUES (?, ?)", [(rowid[t], both(t)) for t in everyone])
    out = []
    for a, b, same in labelled:
        query = " OR ".join(f'"{p}"*' for p in prefix_query(a))
        row = db.execute("SELECT -bm25(docs) FROM docs WHERE docs MATCH ? AND rowid = ?", (query, rowid[b]))
        found = row.fetchone()
        out.append((found[0] if found else 0.0, same))
    return out


def pg_scores(url: str, labelled, sql: str, prepare: Callable[[Telling, Telling], dict]) -> list:
    engine = create_engine(url)
    with engine.connect() as conn:
        out = [(float(conn.execute(text(sql), prepare(a, b)).scalar() or 0), same) for a, b, same in labelled]
    engine.dispose()
    return out


def print_methods(url: str | None) -> None:
    labelled = pairs()
    print(f"\nprecision/recall over {len(labelled)} labelled pairs ({sum(s for *_, s in labelled)} same):")
    methods: dict[str, list[tuple[float, bool]]] = {}
    if url:
        titles = lambda a, b: {"a": a.title.lower(), "b": b.title.lower()}  # noqa: E731
        folded = lambda a, b: {"a": both(a), "b": both(b)}  # noqa: E731
        methods["pg_trgm similarity(title)"] = pg_scores(url, labelled, "SELECT similarity(:a, :b)", titles)
        methods["pg_trgm similarity(title+desc)"] = pg_scores(
            url, labelled, "SELECT similarity(:a, :b)", folded
        )
        methods["pg_trgm word_similarity(title+desc)"] = pg_scores(
            url, labelled, "SELECT word_similarity(:a, :b)", folded
        )
        methods["pg ts_rank(prefix query)"] = pg_scores(
            url,
            labelled,
            "SELECT ts_rank(to_tsvector('simple', :b), to_tsquery('simple', :q))",
            lambda a, b: {"b": both(b), "q": " | ".join(f"{p}:*" for p in prefix_query(a)) or "x"},
        )
    methods["sqlite fts5 bm25(prefix query)"] = fts5_scores(labelled)
    methods["python stems, weighted Dice"] = [(python_stems(a, b), same) for a, b, same in labelled]
    methods["python engine (chosen)"] = [(engine_score(a, b), same) for a, b, same in labelled]
    for name, scores in methods.items():
        threshold, p, r = best(scores)
        print(f"  {name:40s} threshold {threshold:7.3f}  precision {p:.3f}  recall {r:.3f}")
    p, r = precision_recall([(s >= similar.THRESHOLD, same) for s, same in methods["python engine (chosen)"]])
    print(f"  engine at its THRESHOLD {similar.THRESHOLD}: precision {p:.3f}  recall {r:.3f}")


# -- latency --------------------------------------------------------------------------------------


def seed(db: Database, count: int) -> None:
    """`count` tickets, 3 % not closed. Which labelled telling a ticket tells is a hash of its
    number, independent of its status (an earlier seed took both from `g` mod 600: only 18 of
    the 120 texts were ever open), and each description ends with a site and an asset tag, so
    no two tickets have the same words and the index holds ~100,000 words, not 120 texts'."""
    told = tellings()
    values = ", ".join(
        f"({i}, :t{i}, :d{i}, :c{i})" for i in range(len(told))
    )  # the tellings as a lookup table; each ticket takes one by id
    params: dict[str, object] = {"count": count}
    for i, t in enumerate(told):
        params |= {f"t{i}": t.title, f"d{i}": t.description, f"c{i}": t.category}
    dialect = db.engine.dialect.name
    now = "now()" if dialect == "postgresql" else "strftime('%Y-%m-%d %H:%M:%f', 'now')"
    ago = (
        "now() - (({count} - g) * interval '63 seconds')"
        if dialect == "postgresql"
        else "strftime('%Y-%m-%d %H:%M:%f', 'now', '-' || (({count} - g) * 63) || ' seconds')"
    ).format(count=count)
    series = (
        f"generate_series(1, {count}) AS g"
        if dialect == "postgresql"
        else "(WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < :count) "
        "SELECT g FROM s)"
    )
    # Knuth's multiplicative hash, its high bits: the same in both databases' integers.
    mixed = "((g * 2654435761) % 4294967296 / 65536)"
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO users (slack_id, name, real_name) VALUES ('U0BENCH', 'b', 'Bench')"))
        conn.execute(
            text(f"""
            WITH told(k, title, description, category) AS (VALUES {values})
            INSERT INTO tickets (reporter_id, title, description, category, priority, status, version,
                                 created_at, updated_at, closed_at)
            SELECT 'U0BENCH', told.title,
                   told.description || ' Site ' || (g % 997) || 'b, asset ' || (g % 99991) || 'x #' || g,
                   told.category, 'medium',
                   CASE WHEN (g * 7) % 100 < 3 THEN 'open' ELSE 'closed' END, 1, {ago}, {now},
                   CASE WHEN (g * 7) % 100 < 3 THEN NULL ELSE {ago} END
              FROM {series} JOIN told ON told.k = {mixed} % {len(told)}
            """),  # noqa: S608
            params,
        )
        conn.execute(text("ANALYZE tickets") if dialect == "postgresql" else text("ANALYZE"))


def print_latency(db: Database, count: int) -> None:
    told = tellings()
    timings, found = [], []
    for i in range(PROBES):
        t = told[(i * 53) % len(told)]
        start = time.perf_counter()
        result = similar.similar_tickets(db, count + 1, t.title, t.description, t.category)
        timings.append(time.perf_counter() - start)
        found.append(len(result))
    timings.sort()
    print(
        f"\nsimilar_tickets() over {count:,} tickets ({db.engine.dialect.name}), {PROBES} probes: "
        f"p50 {percentile(timings, 0.5) * 1000:.1f} ms  p95 {percentile(timings, 0.95) * 1000:.1f} ms  "
        f"p99 {percentile(timings, 0.99) * 1000:.1f} ms  "
        f"(suggestions per probe: {statistics.mean(found):.1f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--no-pairs", action="store_true", help="skip precision/recall")
    args = parser.parse_args()
    print_machine()
    if args.sqlite:
        if not args.no_pairs:
            print_methods(None)
        with tempfile.TemporaryDirectory() as folder:
            db = Database.from_url(f"sqlite:///{folder}/bench.db")
            run(db, args.tickets)
        return
    with postgres_database(DB_NAME) as url:
        db = Database.from_url(url)
        if not args.no_pairs:
            with db.engine.begin() as conn:
                conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
            print_methods(url)
        run(db, args.tickets)


def run(db: Database, count: int) -> None:
    upgrade(db.engine, "0002")
    started = time.perf_counter()
    seed(db, count)
    seeded = time.perf_counter()
    upgrade(db.engine)  # the indexes of 0003-0008 built over the rows, as on a live upgrade
    print(
        f"\nseeded {count:,} tickets in {seeded - started:.0f} s, "
        f"migrated in {time.perf_counter() - seeded:.0f} s"
    )
    print_latency(db, count)
    db.dispose()


if __name__ == "__main__":
    main()
