"""A load generator that stays out of the way: several client processes, threads, keep-alive sockets.

Why not urllib or http.client: on a 2-core machine the client shares the CPU with the server, so
every microsecond it spends parsing headers is taken from the thing measured. Each client thread
holds one keep-alive connection, writes pre-built request bytes (signed as Slack signs them) and
reads back just the status line, the Content-Length and the body.

Requests whose body must be unique (a view submission files a ticket per view id) are built from a
template: UNIQUE in the body is replaced by a fresh id, then signed, before the clock starts.
"""

from __future__ import annotations

import hashlib
import hmac
import multiprocessing
import socket
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

UNIQUE = b"UNIQUEIDXX"  # survives urlencoding unchanged


@dataclass(frozen=True)
class Kind:
    """One kind of Slack request: bodies to cycle through, or one template made unique each time."""

    name: str
    content_type: str
    bodies: tuple[bytes, ...]
    unique: bool = False  # each body holds UNIQUE, replaced by a fresh id per request
    bad_answer: bytes | None = None  # a 200 whose body holds this still counts as an error


@dataclass
class Job:
    host: str
    port: int
    path: str
    secret: str
    kind: Kind
    threads: int
    start_at: float  # time.monotonic(), shared by every process on the machine
    tag: str  # makes unique ids unique across jobs and processes
    warmup: float = 0.0
    duration: float | None = None  # closed loop for this long after the warm-up...
    count: int | None = None  # ...or exactly this many requests from this process
    rate: float | None = None  # requests/s from this process, paced (open loop); None: closed loop
    record_acks: bool = False  # keep (unique id, ack time) of each request


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)  # seconds, requests started in the window
    sent: int = 0  # all requests sent, warm-up included
    errors: int = 0
    first_error: str | None = None
    acks: list[tuple[str, float]] = field(default_factory=list)  # (unique id, monotonic ack time)
    first_send: float | None = None
    last_ack: float | None = None
    cpu: float = 0.0  # CPU seconds this client process used

    def merge(self, other: Result) -> None:
        self.latencies += other.latencies
        self.sent += other.sent
        self.errors += other.errors
        self.first_error = self.first_error or other.first_error
        self.acks += other.acks
        self.cpu += other.cpu
        if other.first_send is not None:
            self.first_send = min(self.first_send or other.first_send, other.first_send)
        if other.last_ack is not None:
            self.last_ack = max(self.last_ack or other.last_ack, other.last_ack)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def http_request(job: Job, body: bytes, timestamp: str) -> bytes:
    head = (
        f"POST {job.path} HTTP/1.1\r\nHost: {job.host}:{job.port}\r\n"
        f"Content-Type: {job.kind.content_type}\r\nContent-Length: {len(body)}\r\n"
        f"X-Slack-Request-Timestamp: {timestamp}\r\n"
        f"X-Slack-Signature: {sign(job.secret, timestamp, body)}\r\n\r\n"
    )
    return head.encode() + body


class KeepAlive:
    """One keep-alive HTTP/1.1 connection that reads just enough of each answer."""

    def __init__(self, host: str, port: int) -> None:
        self.address = (host, port)
        self.sock: socket.socket | None = None
        self.buffer = b""

    def _connect(self) -> socket.socket:
        sock = socket.create_connection(self.address, timeout=30)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""
        return sock

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock = None

    def exchange(self, request: bytes) -> tuple[int, bytes]:
        if self.sock is None:
            self.sock = self._connect()
        try:
            self.sock.sendall(request)
            return self._read()
        except OSError:
            self.close()  # the server closed an idle keep-alive connection: once more, on a new one
            self.sock = self._connect()
            self.sock.sendall(request)
            return self._read()

    def _recv(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("server closed the connection")
        self.buffer += chunk

    def _read(self) -> tuple[int, bytes]:
        while b"\r\n\r\n" not in self.buffer:
            self._recv()
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        status = int(head[9:12])
        lower = head.lower()
        if b"transfer-encoding: chunked" in lower:
            while b"\r\n0\r\n\r\n" not in b"\r\n" + self.buffer:
                self._recv()
            raw, _, self.buffer = (b"\r\n" + self.buffer).partition(b"\r\n0\r\n\r\n")
            body = _dechunk(raw[2:])
        else:
            length, start = 0, lower.find(b"content-length:")
            if start >= 0:
                end = lower.find(b"\r\n", start)
                length = int(lower[start + 15 : end if end >= 0 else len(lower)])
            while len(self.buffer) < length:
                self._recv()
            body, self.buffer = self.buffer[:length], self.buffer[length:]
        if b"connection: close" in lower:
            self.close()
        return status, body


def _dechunk(raw: bytes) -> bytes:
    body, rest = b"", raw
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        body, rest = body + rest[:size], rest[size + 2 :]
    return body


def _thread(job: Job, index: int, process_tag: str, result: Result, lock: threading.Lock) -> None:
    timestamp = str(int(time.time()))
    prebuilt = [http_request(job, body, timestamp) for body in job.kind.bodies] if not job.kind.unique else []
    conn = KeepAlive(job.host, job.port)
    mine = Result()
    window_start = job.start_at + job.warmup
    window_end = window_start + job.duration if job.duration is not None else None
    quota = None
    if job.count is not None:
        quota = job.count // job.threads + (1 if index < job.count % job.threads else 0)
    interval = job.threads / job.rate if job.rate else None
    n = 0
    while time.monotonic() < job.start_at:
        time.sleep(min(0.005, max(0.0, job.start_at - time.monotonic())))
    try:
        while True:
            if quota is not None and n >= quota:
                break
            unique_id = ""
            if job.kind.unique:
                unique_id = f"{process_tag}t{index:02d}n{n:07d}"
                template = job.kind.bodies[(index + n) % len(job.kind.bodies)]
                request = http_request(job, template.replace(UNIQUE, unique_id.encode()), timestamp)
            else:
                request = prebuilt[(index + n) % len(prebuilt)]
            if interval is not None:  # paced: request n of this thread leaves at its scheduled time
                due = job.start_at + (index / job.threads + n) * interval
                while (wait := due - time.monotonic()) > 0:
                    time.sleep(wait)
            started = time.monotonic()
            if window_end is not None and started >= window_end:
                break
            try:
                status, body = conn.exchange(request)
                ok = status == 200 and not (job.kind.bad_answer and job.kind.bad_answer in body)
                problem = None if ok else f"HTTP {status}: {body[:200]!r}"
            except OSError as error:
                problem = f"{type(error).__name__}: {error}"
            done = time.monotonic()
            n += 1
            mine.sent += 1
            mine.first_send = started if mine.first_send is None else mine.first_send
            mine.last_ack = done
            if problem is not None:
                mine.errors += 1
                mine.first_error = mine.first_error or problem
                continue
            if started >= window_start:
                mine.latencies.append(done - started)
            if job.record_acks:
                mine.acks.append((unique_id, done))
    finally:
        conn.close()
        with lock:
            result.merge(mine)


def run_job(job: Job, process_tag: str) -> Result:
    cpu = time.process_time()
    result, lock = Result(), threading.Lock()
    threads = [
        threading.Thread(target=_thread, args=(job, i, process_tag, result, lock), daemon=True)
        for i in range(job.threads)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.cpu = time.process_time() - cpu
    return result


def split(total: int, weights: list[int]) -> list[int]:
    """`total` in whole parts proportional to `weights`, summing exactly to `total`."""
    parts = [total * w // sum(weights) for w in weights]
    for i in range(total - sum(parts)):
        parts[i % len(parts)] += 1
    return parts


def _client_main(conn: Connection, number: int) -> None:
    while (job := conn.recv()) is not None:
        conn.send(run_job(job, f"{job.tag}p{number:02d}"))


class Clients:
    """Persistent client processes (spawned, so they inherit none of the parent's threads)."""

    def __init__(self, processes: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.pipes: list[Connection] = []
        self.procs = []
        for number in range(processes):
            parent, child = context.Pipe()
            proc = context.Process(target=_client_main, args=(child, number), daemon=True)
            proc.start()
            self.pipes.append(parent)
            self.procs.append(proc)

    def run(self, job: Job, clients: int, lead: float = 0.15) -> Result:
        """Spread `clients` threads (and `job.count` / `job.rate`) over as few processes as sensible:
        up to 8 threads each. Returns the merged result."""
        processes = min(len(self.pipes), max(1, -(-clients // 8)))
        job.start_at = time.monotonic() + lead
        shares = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
        counts = split(job.count, shares) if job.count is not None else [None] * processes
        for i, threads in enumerate(shares):
            part = Job(**{**job.__dict__, "threads": threads, "count": counts[i]})
            if job.rate is not None:
                part.rate = job.rate * threads / clients
            self.pipes[i].send(part)
        merged = Result()
        for i in range(processes):
            merged.merge(self.pipes[i].recv())
        return merged

    def close(self) -> None:
        for pipe in self.pipes:
            pipe.send(None)
        for proc in self.procs:
            proc.join(timeout=5)
