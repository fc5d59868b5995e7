#!/usr/bin/python3
"""Outbound calls through the real daemon (issue #6, bench/outbound): the dial rate and the number of
concurrent outbound calls Parley sustains against a SIPp UAS with 0 lost sessions and 0 lost webhook
events, and the webhook delivery throughput. Loopback only.

Set-up: `parley serve` on free loopback ports with a fresh data directory, the API's rate limits and
the per-key outbound cap lifted, webhooks to loopback allowed; an agent, a trunk with `outbound: {}`
pointing at SIPp's built-in `uas` scenario (answers 180 + 200 at once, then holds the call until our
BYE, so a call lasts its `max_duration`), a number with `supports_outbound` on that trunk. Dials go
to POST /voice/outbound/dial from one asyncio loop at a fixed rate (open loop, 32 keep-alive
connections) with `webhook_url` pointing at bench/outbound/webhook_receiver.py.

Lost, per step: a dial the API accepted (201) whose session is not `completed` (with end_reason
max_duration) once the step's deadline has passed, and any of the four events of every accepted call
(call.initiating, call.ringing, call.in_progress, call.completed) that the receiver did not get, in
that order, by the drain deadline. A step passes with 0 refused dials, 0 lost sessions, 0 lost events.

Phases (each stops at its first failing step or when the time budget is spent):
  receiver ceiling  wrk POSTs (Connection: close, like Parley's client) at the receiver for 4 s
  dial rate         RATE cps for --rate-seconds, calls of 2 s: the highest passing rate
  concurrency       N calls at --concurrency-rate cps, each held until all N are up: the highest N
  webhook backlog   events written while delivery is paused (poll every 60 s), then a restart with
                    the given poll interval: deliveries per second draining the backlog
Prints one `key=value` line per step and RESULT lines at the end. OUTBOUND_WORKER_THREADS sets
runtime.worker_threads (default: the daemon's, one per core) to see what the worker pool bounds.
"""
import argparse
import asyncio
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../common"))
from harness import (AsyncApi, CpuWindow, all_sessions, csv_stats, free_udp_port, loadavg, median, stop_process,  # noqa: E402
                     percentile, start_daemon)

FROM = "+18005551234"
EVENTS = ["call.initiating", "call.ringing", "call.in_progress", "call.completed"]
FINAL = {"completed", "failed", "no_answer", "canceled"}


class Budget:
    def __init__(self, seconds):
        self.end = time.monotonic() + seconds

    def left(self):
        return self.end - time.monotonic()


class Receiver:
    """bench/outbound/webhook_receiver.py in a process of its own (its CPU is not the daemon's)."""

    def __init__(self, workdir):
        script = os.path.join(os.path.dirname(__file__), "webhook_receiver.py")
        self.proc = subprocess.Popen([sys.executable, script], stdout=subprocess.PIPE, text=True,
                                     stderr=open(os.path.join(workdir, "receiver.err"), "w"))
        self.port = int(self.proc.stdout.readline().split()[1])
        self.url = f"http://127.0.0.1:{self.port}/call-events"

    def _call(self, method, path):
        import http.client
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            c.request(method, path)
            return c.getresponse().read()
        finally:
            c.close()

    def stats(self):
        return json.loads(self._call("GET", "/stats"))

    def reset(self):
        self._call("POST", "/reset")

    def ceiling(self, seconds=4):
        """Requests/s the receiver takes from wrk, one connection per request."""
        lua = os.path.join(os.path.dirname(__file__), "post_event.lua")
        out = subprocess.run(["wrk", "-t1", "-c16", f"-d{seconds}s", "-s", lua, self.url], capture_output=True,
                             text=True, timeout=seconds + 30).stdout
        self.reset()
        for line in out.splitlines():
            if line.startswith("Requests/sec:"):
                return float(line.split()[1])
        return 0.0

    def stop(self):
        stop_process(self.proc)


class SippUas:
    """SIPp's built-in uas on a free port. Its SDP names a media port SIPp binds but does not read
    (no -rtp_echo): the callee is silent, Parley's RTP to it is dropped by the kernel."""

    def __init__(self, workdir):
        self.port = free_udp_port()
        self.csv = os.path.join(workdir, "uas.csv")
        self.proc = subprocess.Popen(
            ["sipp", "-sn", "uas", "-i", "127.0.0.1", "-p", str(self.port), "-mi", "127.0.0.1", "-mp",
             str(free_udp_port(4)), "-nostdin", "-trace_stat", "-stf", self.csv, "-fd", "1",
             "-max_socket", "65000"], cwd=workdir, stdin=subprocess.DEVNULL,
            stdout=open(os.path.join(workdir, "uas.out"), "w"), stderr=subprocess.STDOUT)
        time.sleep(0.5)

    def stats(self):
        try:
            return csv_stats(self.csv)
        except (OSError, IndexError):
            return {}

    def stop(self):
        stop_process(self.proc)


def daemon_env(poll_ms):
    extra = {"PARLEY_WORKER_THREADS": os.environ["OUTBOUND_WORKER_THREADS"]} if "OUTBOUND_WORKER_THREADS" in os.environ else {}
    return extra | {
        "PARLEY_LOG_LEVEL": "warn",  # info writes several lines per call and one per request
        # Below the tests' RTP ranges (20000-57999, conftest.py) and the ephemeral ports.
        "PARLEY_RTP_PORT_MIN": "12000", "PARLEY_RTP_PORT_MAX": "15999",
        "PARLEY_RATE_DIAL_PER_MIN": "1000000000", "PARLEY_RATE_STATUS_PER_MIN": "1000000000",
        "PARLEY_RATE_LIST_SESSIONS_PER_MIN": "1000000000", "PARLEY_RATE_DEFAULT_PER_MIN": "1000000000",
        "PARLEY_OUTBOUND_MAX_CONCURRENT_PER_KEY": "100000",
        "PARLEY_WEBHOOK_ALLOW_PRIVATE_TARGETS": "true", "PARLEY_WEBHOOK_POLL_MS": str(poll_ms),
        "PARLEY_MEDIA_TIMEOUT_S": "0",  # the SIPp callee sends no RTP
    }


def provision(d, uas_port):
    """Agent, trunk to the UAS, outbound number; a webhook secret so deliveries are signed as in production."""
    assert d.post("/voice/webhooks/secret").status in (200, 201)
    agent = d.post("/voice/agents", {"name": "bench outbound", "voice": {"max_duration": 2}}).json()
    trunk = d.post("/voice/sip/providers", {"name": "sipp uas", "kind": "generic", "host": "127.0.0.1",
                                            "port": uas_port, "priority": 10, "outbound": {}}).json()
    r = d.post("/voice/phone-numbers", {"phone_number": FROM, "provider": "sip", "sip_provider_id": trunk["id"],
                                        "supports_outbound": True})
    assert r.status == 201, r
    return agent["id"]


async def dial_at_rate(d, agent_id, webhook, count, rate, max_duration):
    """`count` dials at `rate` per second (open loop). Returns call ids, refusals, latencies, duration."""
    api = await AsyncApi(d.port, d.key, connections=32).open()
    ids, refused, latencies = [], [], []
    t0 = time.monotonic()

    async def one(i):
        due = t0 + i / rate
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        body = {"agent_id": agent_id, "to_number": f"+1415555{i % 10000:04d}", "from_number": FROM,
                "max_duration": max_duration, "webhook_url": webhook}
        status, payload = await api.request("POST", "/voice/outbound/dial", body)
        latencies.append(time.monotonic() - due)  # from when it was due: waiting for a connection counts
        if status == 201:
            ids.append(json.loads(payload)["call_id"])
        else:
            refused.append(status)

    await asyncio.gather(*(one(i) for i in range(count)))
    took = time.monotonic() - t0
    await api.close()
    return ids, refused, latencies, took


def sessions_in(d, status):
    """Sessions in `status`, or None when the API did not answer in time (it is saturated)."""
    try:
        return d.get(f"/voice/sessions?limit=1&status={status}").json()["total"]
    except (OSError, ValueError, KeyError):
        return None


def in_flight(d):
    counts = [sessions_in(d, s) for s in ("initiating", "ringing", "in_progress")]
    return None if None in counts else sum(counts)


def run_step(d, receiver, uas, agent_id, count, rate, max_duration, deadline_s, drain_s):
    """Dials `count` calls at `rate`, waits for every session and event; returns the step's figures."""
    receiver.reset()
    before = uas.stats()
    cpu = CpuWindow(d.proc.pid).start()
    load = loadavg()
    peak = {"in_progress": 0}
    stop = {"flag": False}

    async def sample_peak():
        while not stop["flag"]:
            n = await asyncio.to_thread(sessions_in, d, "in_progress")
            peak["in_progress"] = max(peak["in_progress"], n or 0)
            await asyncio.sleep(0.5)

    async def drive():
        sampler = asyncio.create_task(sample_peak())
        result = await dial_at_rate(d, agent_id, receiver.url, count, rate, max_duration)
        # The calls are up for max_duration after their answer: keep sampling until they end.
        end = time.monotonic() + deadline_s
        while time.monotonic() < end and await asyncio.to_thread(in_flight, d) != 0:
            await asyncio.sleep(0.5)
        stop["flag"] = True
        await sampler
        return result

    ids, refused, latencies, took = asyncio.run(drive())
    ended = time.monotonic()
    figures = cpu.stop()
    # Webhooks: wait for the four events of every call, up to the drain deadline.
    drain_end = time.monotonic() + drain_s
    while True:
        stats = receiver.stats()
        got = sum(min(4, len(stats["calls"].get(i, []))) for i in ids)
        if got >= 4 * len(ids) or time.monotonic() > drain_end:
            break
        time.sleep(0.2)
    drained_after = time.monotonic() - ended
    sessions = {s["session_id"]: s for s in all_sessions(d)}
    mine = [sessions.get(i) for i in ids]
    completed = sum(1 for s in mine if s and s["status"] == "completed" and s["end_reason"] == "max_duration")
    not_final = sum(1 for s in mine if not s or s["status"] not in FINAL)
    other = {}
    for s in mine:
        if s and s["status"] in FINAL and not (s["status"] == "completed" and s["end_reason"] == "max_duration"):
            key = f"{s['status']}/{s['end_reason']}"
            other[key] = other.get(key, 0) + 1
    events_missing = sum(max(0, 4 - len(set(stats["calls"].get(i, [])) & set(EVENTS))) for i in ids)
    out_of_order = sum(1 for i in ids if _dedup(stats["calls"].get(i, [])) != [e for e in EVENTS
                                                                              if e in stats["calls"].get(i, [])])
    duplicates = sum(len(stats["calls"].get(i, [])) - len(_dedup(stats["calls"].get(i, []))) for i in ids)
    times = sorted(stats["times"])
    delivery_rate = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 and times[-1] > times[0] else 0.0
    time.sleep(1.2)  # SIPp writes its statistics once a second
    after = uas.stats()
    uas_ok = int(after.get("SuccessfulCall(C)", 0)) - int(before.get("SuccessfulCall(C)", 0))
    uas_failed = int(after.get("FailedCall(C)", 0)) - int(before.get("FailedCall(C)", 0))
    lost_sessions = len(ids) - completed
    step = {
        "calls": count, "rate": rate, "max_duration_s": max_duration, "accepted": len(ids), "refused": len(refused),
        "dial_s": round(took, 2), "achieved_cps": round(len(ids) / took, 1) if took else 0,
        "dial_p50_ms": round(1000 * (median(latencies) or 0), 1),
        "dial_p99_ms": round(1000 * (percentile(latencies, 99) or 0), 1),
        "completed": completed, "not_final": not_final, "other_final": ",".join(f"{k}:{v}" for k, v in sorted(other.items())) or "none",
        "peak_in_progress": peak["in_progress"], "uas_ok": uas_ok, "uas_failed": uas_failed,
        "events_expected": 4 * len(ids), "events_missing": events_missing, "out_of_order": out_of_order,
        "duplicates": duplicates, "deliveries_per_s": round(delivery_rate, 1),
        "webhooks_drained_after_s": round(drained_after, 1),
        "daemon_cpu_pct": round(figures["cpu_pct"], 1), "busiest_thread_pct": round(figures["busiest_thread_pct"], 1),
        "busiest_thread_cpu_wait_pct": round(figures["busiest_thread_wait_pct"], 1),
        "load": load.replace(" ", "/"),
    }
    step["lost"] = int(bool(refused or lost_sessions or events_missing or out_of_order))
    # Sustained: the API took the dials at the offered rate, none waited a second, and the webhooks
    # were all out within 5 s of the last call's end (no backlog building up).
    step["kept_up"] = int(len(ids) / took >= 0.95 * rate and (percentile(latencies, 99) or 0) < 1.0
                          and drained_after <= 5.0)
    return step


def _dedup(events):
    out = []
    for e in events:
        if e not in out:
            out.append(e)
    return out


def show(phase, step):
    print(f"{phase} " + " ".join(f"{k}={v}" for k, v in step.items()), flush=True)


def backlog_throughput(build, workdir, receiver, uas, calls, poll_ms, budget):
    """Deliveries/s draining `4 x calls` pending events after a restart with `poll_ms`."""
    data = os.path.join(workdir, f"backlog-{poll_ms}")
    os.makedirs(data)
    d = start_daemon(build, data, daemon_env(60000))  # delivery paused: the dispatcher's next poll is a minute away
    try:
        agent_id = provision(d, uas.port)
        ids, refused, _, _ = asyncio.run(dial_at_rate(d, agent_id, receiver.url, calls, 100, 1))
        end = time.monotonic() + min(60, budget.left())
        while time.monotonic() < end and in_flight(d) != 0:
            time.sleep(0.3)
        pending = d.get("/voice/sessions?limit=1&status=completed").json()["total"]
    finally:
        d.stop()
    receiver.reset()
    # The same data directory (same secret key and database), delivery on.
    load = loadavg()
    t0 = time.monotonic()
    d = start_daemon(build, data, daemon_env(poll_ms))
    cpu = CpuWindow(d.proc.pid).start()
    try:
        expected = 4 * len(ids)
        end = time.monotonic() + min(120, max(5, budget.left() - 5))
        while time.monotonic() < end:
            n = receiver.stats()["total"]
            if n >= expected:
                break
            time.sleep(0.2)
        figures = cpu.stop()
        stats = receiver.stats()
        times = sorted(stats["times"])
        rate = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0
        return {"poll_ms": poll_ms, "calls": len(ids), "completed_sessions": pending, "events_pending": expected,
                "delivered": stats["total"], "drain_s": round(times[-1] - times[0], 2) if len(times) > 1 else 0,
                "deliveries_per_s": round(rate, 1), "daemon_cpu_pct": round(figures["cpu_pct"], 1),
                "load": load.replace(" ", "/"), "restart_to_first_s": round(times[0] - t0, 2) if times else None}
    finally:
        d.stop()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("build")
    p.add_argument("--budget", type=float, default=200, help="seconds for the whole run")
    p.add_argument("--rates", default="25,50,75,100", help="dial-rate steps (calls/s)")
    p.add_argument("--rate-seconds", type=float, default=8, help="dialling time per rate step")
    p.add_argument("--concurrency", default="500,1000,1500", help="concurrency steps (calls up at once)")
    p.add_argument("--concurrency-rate", type=float, default=80, help="dial rate while ramping concurrency")
    p.add_argument("--backlog", default="250:300,10:1000",
                   help="POLL_MS:CALLS,...: drain the 4 x CALLS events of CALLS calls with webhooks.poll_ms POLL_MS "
                        "(a backlog that takes seconds to drain at each setting)")
    # The dispatcher claims at most 32 deliveries per poll (128/s at the default 250 ms): the call
    # phases lift it like the rate limits; the backlog phase measures both.
    p.add_argument("--webhook-poll-ms", type=int, default=10, help="webhooks.poll_ms during the call phases")
    args = p.parse_args()
    budget = Budget(args.budget)
    build = os.path.abspath(args.build)
    workdir = tempfile.mkdtemp(prefix="parley-bench-outbound-")
    receiver = Receiver(workdir)
    uas = SippUas(workdir)
    results = {}
    try:
        results["receiver_ceiling"] = receiver.ceiling()
        print(f"receiver ceiling_rps={results['receiver_ceiling']:.0f} (wrk, 16 connections, one connection per "
              f"request) load={loadavg().replace(' ', '/')}", flush=True)
        data = os.path.join(workdir, "data")
        os.makedirs(data)
        d = start_daemon(build, data, daemon_env(args.webhook_poll_ms))
        try:
            agent_id = provision(d, uas.port)
            best_rate, most_taken = 0, 0.0
            for rate in [float(r) for r in args.rates.split(",") if r]:
                if budget.left() < args.rate_seconds + 30:
                    print("dial_rate: time budget spent", flush=True)
                    break
                step = run_step(d, receiver, uas, agent_id, int(rate * args.rate_seconds), rate, 2, deadline_s=20,
                                drain_s=15)
                show("dial_rate", step)
                most_taken = max(most_taken, step["achieved_cps"])
                if step["lost"] or not step["kept_up"]:
                    break
                best_rate = rate
            results["best_rate"], results["most_taken"] = best_rate, most_taken
            best_n = 0
            # Dials faster than the API takes them only queue: ramp at what it took, and hold every
            # call until the last one is up.
            rate = min(args.concurrency_rate, most_taken or args.concurrency_rate)
            for n in [int(x) for x in args.concurrency.split(",") if x]:
                hold = math.ceil(n / (0.9 * rate)) + 4
                if budget.left() < n / rate + hold + 30:
                    print("concurrency: time budget spent", flush=True)
                    break
                step = run_step(d, receiver, uas, agent_id, n, rate, hold, deadline_s=hold + 20, drain_s=20)
                show("concurrency", step)
                if step["lost"] or step["peak_in_progress"] < n:
                    break
                best_n = n
            results["best_concurrency"] = best_n
        finally:
            d.stop()
        for poll, calls in [map(int, x.split(":")) for x in args.backlog.split(",") if x]:
            if budget.left() < 30:
                print("webhook backlog: time budget spent", flush=True)
                break
            step = backlog_throughput(build, workdir, receiver, uas, calls, poll, budget)
            show("webhook_backlog", step)
            results[f"backlog_{poll}"] = step["deliveries_per_s"]
    finally:
        uas.stop()
        receiver.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"RESULT outbound highest_dial_rate_kept_up_with_0_lost={results.get('best_rate', 0):g}cps "
          f"most_dials_taken={results.get('most_taken', 0):g}cps "
          f"highest_concurrency_with_0_lost={results.get('best_concurrency', 0)}", flush=True)
    print("RESULT webhooks " + " ".join(f"backlog_poll_{k.split('_')[1]}ms_per_s={v}" for k, v in results.items()
                                        if k.startswith("backlog_")) +
          f" receiver_ceiling_rps={results.get('receiver_ceiling', 0):.0f}", flush=True)
    return 0 if results.get("best_rate", 0) > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
