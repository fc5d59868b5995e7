"""What the whole-system benchmarks share: the real daemon (the integration tests' `Daemon`: free
loopback ports, fresh data directory, PARLEY_* environment), CPU of a process and its threads from
/proc, the load average, every session of the store through the API, and a keep-alive asyncio HTTP
client for driving the API at a fixed rate."""
import asyncio
import json
import os
import signal
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
sys.path.insert(0, os.path.join(ROOT, "tests/integration"))

import conftest  # noqa: E402
from conftest import Daemon  # noqa: E402,F401  (the tests' own launcher: ports, env, readiness)
from sip.sipkit import csv_stats, free_udp_port  # noqa: E402,F401

TICKS = os.sysconf("SC_CLK_TCK")


def start_daemon(build, data_dir, env, timeout=30, log_dir=None):
    """`BUILD/parley serve` on free loopback ports with `data_dir`, `env` on top of the tests' settings;
    its stdout and stderr go to `log_dir` (default: the data directory)."""
    conftest.PARLEY_BIN = os.path.join(build, "parley")
    d = Daemon(data_dir, env)
    if log_dir:
        d.stdout_path = os.path.join(log_dir, os.path.basename(d.stdout_path))
        d.stderr_path = os.path.join(log_dir, os.path.basename(d.stderr_path))
    return d.start(timeout=timeout)


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def _stat_fields(path):
    with open(path) as f:
        text = f.read()
    name = text[text.index("(") + 1:text.rindex(")")]
    return name, text[text.rindex(")") + 2:].split()


def cpu_seconds(pid):
    """utime + stime of a whole process (proc(5): fields 14 and 15); 0 once it is gone."""
    try:
        _, f = _stat_fields(f"/proc/{pid}/stat")
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(f[11]) + int(f[12])) / TICKS


def stop_process(proc, timeout=5):
    """SIGTERM, then SIGKILL after `timeout` seconds."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def thread_cpu_seconds(pid):
    """{tid: utime + stime} for every thread of `pid`."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            _, f = _stat_fields(f"/proc/{pid}/task/{tid}/stat")
        except (FileNotFoundError, ProcessLookupError):
            continue
        out[int(tid)] = (int(f[11]) + int(f[12])) / TICKS
    return out


def thread_runqueue_wait_seconds(pid):
    """{tid: seconds spent runnable but waiting for a CPU} (/proc/<pid>/task/<tid>/schedstat, field 2)."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                out[int(tid)] = int(f.read().split()[1]) / 1e9
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
    return out


class CpuWindow:
    """CPU of a process (and of its busiest thread) between start() and stop(), as % of one core, and
    how long that thread waited for a CPU while runnable (other processes on the cores)."""

    def __init__(self, pid):
        self.pid = pid

    def start(self):
        self.t0, self.cpu0 = time.monotonic(), cpu_seconds(self.pid)
        self.threads0, self.waits0 = thread_cpu_seconds(self.pid), thread_runqueue_wait_seconds(self.pid)
        return self

    def stop(self):
        wall = time.monotonic() - self.t0
        cpu = cpu_seconds(self.pid) - self.cpu0
        threads, waits = thread_cpu_seconds(self.pid), thread_runqueue_wait_seconds(self.pid)
        busiest = max(threads, key=lambda t: threads[t] - self.threads0.get(t, 0.0), default=None)
        used = threads[busiest] - self.threads0.get(busiest, 0.0) if busiest else 0.0
        waited = waits.get(busiest, 0.0) - self.waits0.get(busiest, 0.0) if busiest else 0.0
        return {"seconds": wall, "cpu_pct": 100.0 * cpu / wall, "busiest_thread_pct": 100.0 * used / wall,
                "busiest_thread_wait_pct": 100.0 * waited / wall}


def median(values):
    v = sorted(values)
    if not v:
        return None
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def percentile(values, p):
    v = sorted(values)
    if not v:
        return None
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


def all_sessions(daemon, status=None):
    """Every session in the store, paged through GET /voice/sessions (100 per page)."""
    sessions, offset = [], 0
    query = f"&status={status}" if status else ""
    while True:
        page = daemon.get(f"/voice/sessions?limit=100&offset={offset}{query}").json()
        sessions += page["sessions"]
        offset += len(page["sessions"])
        if not page["sessions"] or offset >= page["total"]:
            return sessions


class AsyncApi:
    """A few keep-alive HTTP/1.1 connections to the daemon's API, for requests issued at a fixed
    rate from one asyncio loop. request() waits for a free connection, so `connections` bounds the
    requests in flight."""

    def __init__(self, port, key, connections=16):
        self.port, self.key, self.size = port, key, connections
        self.idle = asyncio.Queue()

    async def open(self):
        for _ in range(self.size):
            self.idle.put_nowait(await asyncio.open_connection("127.0.0.1", self.port))
        return self

    async def close(self):
        while not self.idle.empty():
            _, writer = self.idle.get_nowait()
            writer.close()

    async def request(self, method, path, body=None):
        reader, writer = await self.idle.get()
        try:
            data = json.dumps(body).encode() if body is not None else b""
            writer.write(f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {self.key}\r\n"
                         f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n".encode() + data)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            payload = await reader.readexactly(length) if length else b""
            self.idle.put_nowait((reader, writer))
            return status, payload
        except (OSError, asyncio.IncompleteReadError, ValueError):
            writer.close()  # a broken connection is replaced, the request counts as failed
            self.idle.put_nowait(await asyncio.open_connection("127.0.0.1", self.port))
            return None, b""
