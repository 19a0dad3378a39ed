"""Measuring over HTTP with a plain client: time to first byte is the first
byte of the body as the client reads it, so a document that is built before
it is sent shows its whole building time there."""
from __future__ import annotations

import http.client
import json
import statistics
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHUNK = 65536


@dataclass
class Fetch:
    status: int
    ttfb: float
    total: float
    size: int
    headers: dict[str, str]
    body: bytes | None = None


def fetch(port: int, path: str, headers: dict[str, str] | None = None, keep: bool = False, timeout: float = 600) -> Fetch:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    started = time.perf_counter()
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    first = response.read(1)
    ttfb = time.perf_counter() - started
    parts = [first]
    size = len(first)
    while True:
        chunk = response.read(CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if keep:
            parts.append(chunk)
    total = time.perf_counter() - started
    connection.close()
    return Fetch(response.status, ttfb, total, size, {k.lower(): v for k, v in response.getheaders()},
                 b"".join(parts) if keep else None)


def post_action(port: int, action: str, data: dict[str, Any], token: str) -> tuple[float, dict[str, Any]]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    body = json.dumps(data).encode()
    started = time.perf_counter()
    connection.request("POST", f"/api/3/action/{action}", body=body,
                       headers={"Content-Type": "application/json", "Authorization": token})
    response = connection.getresponse()
    answer = json.loads(response.read())
    elapsed = time.perf_counter() - started
    connection.close()
    if not answer.get("success"):
        raise RuntimeError(f"{action} failed: {json.dumps(answer)[:2000]}")
    return elapsed, answer["result"]


def concurrent(port: int, path: str, clients: int, headers: dict[str, str] | None = None) -> list[Fetch]:
    barrier = threading.Barrier(clients)
    results: list[Fetch | BaseException] = [None] * clients  # type: ignore[list-item]

    def client(index: int) -> None:
        barrier.wait()
        try:
            results[index] = fetch(port, path, headers)
        except BaseException as error:  # reported, not swallowed
            results[index] = error

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results  # type: ignore[return-value]


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except FileNotFoundError:
        pass
    return 0


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(child) for child in text]
    return found


@dataclass
class MemorySampler:
    """Samples the RSS of the server's workers every `interval` seconds."""
    master: int
    interval: float = 0.05
    peak_worker_kb: int = 0
    peak_sum_kb: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def sample(self) -> tuple[int, int]:
        sizes = [rss_kb(pid) for pid in children(self.master)]
        return (max(sizes) if sizes else 0), sum(sizes)

    def _run(self) -> None:
        while not self._stop.is_set():
            worker, total = self.sample()
            self.peak_worker_kb = max(self.peak_worker_kb, worker)
            self.peak_sum_kb = max(self.peak_sum_kb, total)
            self._stop.wait(self.interval)

    def __enter__(self) -> "MemorySampler":
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()


def median(values: list[float]) -> float:
    return statistics.median(values)
