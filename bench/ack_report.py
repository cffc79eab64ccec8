"""The cells `bench/ack_latency.py` measures, and its report: the figures, the ratios and the targets."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bench import support
from bench.loadgen import Result

SUBMISSION = "view submission"
# The targets: help and the modals within 1.5x the bare app at p99, the filing within 1.5x
# the durable floor at p99 (and under 25 ms at 8 clients), everything under 100 ms at 32 clients.
TARGET_RATIO, TARGET_FLOOR_RATIO, TARGET_SUBMIT_8, TARGET_32 = 1.5, 1.5, 0.025, 0.100
QUANTILES = (0.5, 0.95, 0.99)


@dataclass
class Cell:
    kind: str
    app: str
    clients: int
    result: Result
    seconds: float
    cpu: str
    drain: float | None = None
    cpu_per_request: str = ""  # "app+postgres" CPU ms per request, deferred work included

    @property
    def sorted(self) -> list[float]:
        return sorted(self.result.latencies)

    def p(self, q: float) -> float:
        return support.percentile(self.sorted, q)

    @property
    def rps(self) -> float:
        return len(self.result.latencies) / self.seconds


def report(
    cells: list[Cell], concurrency: list[int], logs: dict[str, str], violations: list[str], workdir: Path
) -> None:
    by = {(c.kind, c.app, c.clients): c for c in cells}
    labels = list(dict.fromkeys(c.kind for c in cells))
    print("\n## Results (latency in ms; ratio = ticketbot / bare Bolt, ratio to floor = ticketbot / floor)\n")
    rows = []

    def ratio_row(n: int, label: str, name: str, real: Cell, base: Cell) -> list[str]:
        ratios = [f"{real.p(q) / base.p(q):.2f}x" for q in (0.5, 0.95, 0.99)]
        return [str(n), label, name, "", *ratios, f"{real.rps / base.rps:.2f}x", "", ""]

    for n in concurrency:
        for label in labels:
            real, bare = by[(label, "ticketbot", n)], by[(label, "bare-bolt", n)]
            floor = by.get((label, "floor", n))
            for cell in (real, bare) if floor is None else (real, bare, floor):
                rows.append(
                    [
                        str(n),
                        label,
                        cell.app,
                        str(len(cell.result.latencies)),
                        support.ms(cell.p(0.5)),
                        support.ms(cell.p(0.95)),
                        support.ms(cell.p(0.99)),
                        f"{cell.rps:.0f}",
                        cell.cpu_per_request,
                        str(cell.result.errors),
                    ]
                )
            rows.append(ratio_row(n, label, "ratio", real, bare))
            if floor is not None:
                rows.append(ratio_row(n, label, "ratio to floor", real, floor))
    headers = ["clients", "request", "app", "n", "p50", "p95", "p99", "req/s", "CPU ms/req", "errors"]
    print(support.table(headers, rows))
    print("\nCPU ms/req: CPU of the app workers + PostgreSQL backends per request sent, work deferred")
    print("to lazy listeners and the outbox included (measured over the cell and its drain).")

    if SUBMISSION in labels:
        print(submission_table(by, concurrency))
    print("\n## Targets\n")
    checks = []
    for n in concurrency:
        for label in ("/ticket help", "/ticket (modal)", "button home_new_ticket"):
            if label not in labels:
                continue
            real, bare = by[(label, "ticketbot", n)], by[(label, "bare-bolt", n)]
            ratio = real.p(0.99) / bare.p(0.99)
            check = f"{label} at {n} clients: p99 {ratio:.2f}x bare (<= {TARGET_RATIO}x)"
            if (floor := by.get((label, "floor", n))) is not None:
                check += f"; {real.p(0.99) / floor.p(0.99):.2f}x the floor"
            checks.append((check, ratio <= TARGET_RATIO))
    if SUBMISSION in labels:
        for n in concurrency:
            real, floor = by[(SUBMISSION, "ticketbot", n)], by.get((SUBMISSION, "floor", n))
            if floor is not None:
                ratio = real.p(0.99) / floor.p(0.99)
                check = (
                    f"{SUBMISSION} at {n} clients: p99 {support.ms(real.p(0.99))} ms, {ratio:.2f}x the "
                    f"durable floor's {support.ms(floor.p(0.99))} ms (<= {TARGET_FLOOR_RATIO}x)"
                )
                checks.append((check, ratio <= TARGET_FLOOR_RATIO))
    if 8 in concurrency and SUBMISSION in labels:
        p99 = by[(SUBMISSION, "ticketbot", 8)].p(0.99)
        checks.append(
            (f"view submission at 8 clients: p99 {support.ms(p99)} ms (< 25 ms)", p99 < TARGET_SUBMIT_8)
        )
    if 32 in concurrency:
        for label in labels:
            p99 = by[(label, "ticketbot", 32)].p(0.99)
            checks.append((f"{label} at 32 clients: p99 {support.ms(p99)} ms (< 100 ms)", p99 < TARGET_32))
    for text_, ok in checks:
        print(f"- {'PASS' if ok else 'MISS'} {text_}")
    errors = sum(c.result.errors for c in cells)
    tracebacks = {name: support.traceback_count(log) for name, log in logs.items()}
    print(
        f"\nrequest errors: {errors}; tracebacks in server logs: {tracebacks}; "
        f"fake Slack Block Kit violations: {len(violations)}; logs in {workdir}"
    )


def submission_table(by: dict, concurrency: list[int]) -> str:
    """The filing side by side: ticketbot, the bare app (acks only) and the durable floor (files
    the ticket, committed, then acks), and ticketbot over the floor, per concurrency."""
    rows = []
    for n in concurrency:
        apps = [by.get((SUBMISSION, app, n)) for app in ("ticketbot", "bare-bolt", "floor")]
        figures = [support.ms(c.p(q)) if c else "n/a" for c in apps for q in QUANTILES]
        real, floor = apps[0], apps[2]
        ratios = [f"{real.p(q) / floor.p(q):.2f}x" if real and floor else "n/a" for q in QUANTILES]
        rows.append([str(n), *figures, *ratios])
    headers = ["clients"] + [
        f"{app} {q}"
        for app in ("ticketbot", "bare", "floor", "ticketbot/floor")
        for q in ("p50", "p95", "p99")
    ]
    return f"\n## {SUBMISSION}: ticketbot vs the bare app and the durable floor (ms)\n\n" + support.table(
        headers, rows
    )
