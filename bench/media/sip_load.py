#!/usr/bin/python3
"""Whole-system media load (issue #4 (b), beside the in-process media_echo_load): how many concurrent
G.711 echo calls WITH stereo recording the real daemon carries with under 1% packet loss and a mean
jitter-buffer delay under 60 ms, driven by SIPp's built-in `uac_pcap` over SIP, and the daemon's CPU
per call. Loopback only.

Set-up: `parley serve` with PARLEY_MEDIA_TEST_MODE=echo on free loopback ports, a fresh data
directory, an agent with `recording: true` on a number, a trunk admitting 127.0.0.1. SIPp's
`uac_pcap` (run in a directory with the `pcap -> /usr/share/sip-tester` link it needs) calls that
number: INVITE with PCMA + telephone-event, plays pcap/g711a.pcap (7.05 s, 236 packets of 30 ms),
then an RFC 2833 digit, BYE after about 9 s. Each step holds N calls at once (SIPp -l N, a call rate
that refills the limit at once) for two generations of calls (2 x N calls, about 18 s at N).

Per step, from the store (GET /voice/sessions, each call's `quality`): loss = packets_lost /
(packets_received + packets_lost) over all calls (and the worst 1% of calls), the jitter-buffer
delay (mean over calls, and the 99th percentile call); from the daemon's log (media.session_stopped):
frames_late, the 20 ms ticks the I/O thread skipped (each is an echo packet not sent); from SIPp:
calls failed, and the concurrency it held (CurrentCall, sampled each second). CPU: utime + stime
of the daemon from /proc/<pid>/stat over the steady part of the step (all calls up), and of its
busiest thread (the SIP + RTP I/O thread), as % of one core; per call = that / N; and how long that
thread waited, runnable, for a CPU (/proc/.../schedstat): the cores are shared with SIPp (niced) and
with whatever else runs on the machine.

What the driver costs the daemon: SIPp plays each call's pcap from a raw socket of its own, and the
kernel offers every UDP packet delivered on the host to every raw UDP socket, in the sender's
context: the daemon's sends pay O(calls) per packet there (raw_local_deliver, ~15% of the I/O
thread's samples at 750 calls). The figure is therefore conservative.

A step passes with 0 failed calls, loss < 1%, mean jitter-buffer delay < 60 ms and late frames
under 1% of the frames due. Steps go up until one fails or the time budget is spent.
"""
import argparse
import glob
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../common"))
from harness import (CpuWindow, all_sessions, free_udp_port, loadavg, median, percentile,  # noqa: E402
                     start_daemon)

DID = "+14155551234"
PCAP_CALL_S = 9.1  # uac_pcap: 8 s pause after the G.711 pcap starts, the DTMF pcap, 1 s, BYE
STOPPED = re.compile(r"event=media\.session_stopped call_id=(\S+) packets_received=(\d+) .*?packets_sent=(\d+) "
                     r".*?frames_late=(\d+)")
WARNING = re.compile(r"level=(?:warn|warning|error|critical) event=(\S+)")
CLOSED = re.compile(r"event=media\.recording_closed call_id=(\S+) .*?dropped_blocks=(\d+)")


def daemon_env():
    return {
        "PARLEY_MEDIA_TEST_MODE": "echo",
        "PARLEY_LOG_LEVEL": "info",  # media.session_stopped (frames_late) is an info line; a few lines per call
        # Below the tests' RTP ranges (20000-57999, conftest.py) and the ephemeral ports: another
        # developer's test holding a port would turn one of our calls into a 503.
        "PARLEY_RTP_PORT_MIN": "16000", "PARLEY_RTP_PORT_MAX": "19999",
        "PARLEY_RATE_LIST_SESSIONS_PER_MIN": "1000000000", "PARLEY_RATE_DEFAULT_PER_MIN": "1000000000",
    }


def provision(d):
    agent = d.post("/voice/agents", {"name": "bench echo", "voice": {"recording": True, "max_duration": 600}}).json()
    r = d.post("/voice/phone-numbers", {"phone_number": DID, "provider": "sip", "agent_id": agent["id"]})
    assert r.status == 201, r
    r = d.post("/voice/sip/providers", {"name": "sipp", "kind": "generic", "host": "127.0.0.1",
                                        "inbound": {"allowed_ips": ["127.0.0.1/32"]}})
    assert r.status == 201, r


class MediaPortSinks:
    """SIPp gives call n the media port mp + (4 (n - 1)) mod 10000 ([auto_media_port]) but binds only
    mp: the echo of every other call would hit a closed port, and the kernel would answer each packet
    with ICMP port unreachable, on the daemon's sending thread (perf showed ~13% of its samples there).
    These sockets hold those ports open and never read: a full (small) buffer drops, nothing more."""

    def __init__(self, base=1100):  # 1100-11096: clear of our RTP range and of the ephemeral ports
        self.base, self.sockets = base, []
        for port in range(base + 4, base + 10000, 4):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            try:
                s.bind(("127.0.0.1", port))
                self.sockets.append(s)
            except OSError:
                s.close()  # someone else's port: that call's echo gets ICMP, nothing else changes

    def close(self):
        for s in self.sockets:
            s.close()


def sipp_uac_pcap(workdir, target_port, calls, name, media_base):
    """SIPp uac_pcap holding `calls` at once for two generations of calls."""
    rate = calls / PCAP_CALL_S * 1.5  # refills the limit as soon as calls end
    csv = os.path.join(workdir, f"{name}.csv")
    args = ["sipp", f"127.0.0.1:{target_port}", "-sn", "uac_pcap", "-s", DID[1:], "-i", "127.0.0.1", "-mi",
            "127.0.0.1", "-mp", str(media_base), "-p", str(free_udp_port()), "-l", str(calls), "-r", f"{rate:.1f}",
            "-m", str(2 * calls),
            "-timeout", "120s", "-timeout_error", "-trace_stat", "-stf", csv, "-fd", "1", "-nostdin", "-trace_err",
            "-max_socket", "65000"]
    # Real callers do not share the daemon's cores; this one runs a thread per call on the same 2:
    # at nice 10 it yields to the daemon when both want a core.
    proc = subprocess.Popen(["nice", "-n", "10"] + args, cwd=workdir, stdin=subprocess.DEVNULL,
                            stdout=open(os.path.join(workdir, f"{name}.out"), "w"), stderr=subprocess.STDOUT)
    return proc, csv


def sipp_rows(csv):
    try:
        with open(csv) as f:
            rows = [line.rstrip("\n").split(";") for line in f if line.strip()]
    except OSError:
        return []
    return [dict(zip(rows[0], r)) for r in rows[1:]] if rows else []


def current_calls(csv):
    rows = sipp_rows(csv)
    return int(rows[-1].get("CurrentCall", 0)) if rows else 0


def run_step(d, workdir, calls, seen_ids, log_offset, media_base, perf=None):
    name = f"uac_pcap_{calls}"
    load = loadavg()
    proc, csv = sipp_uac_pcap(workdir, d.sip_port, calls, name, media_base)
    started = time.monotonic()
    # Steady part: from when SIPp holds (nearly) all N calls until the last call of the second
    # generation has started (then calls only end).
    deadline = started + 3 * PCAP_CALL_S + 30
    cpu, figures, driver_figures = None, None, None
    held = []
    while proc.poll() is None and time.monotonic() < deadline:
        n = current_calls(csv)
        held.append(n)
        elapsed = time.monotonic() - started
        if cpu is None and n >= 0.98 * calls:
            cpu, driver = CpuWindow(d.proc.pid).start(), CpuWindow(proc.pid).start()
            if perf:  # a profile of the daemon in the steady part (perf report -i FILE.N)
                subprocess.Popen(["perf", "record", "-F", "499", "-g", "--call-graph", "dwarf,16384", "-p",
                                  str(d.proc.pid), "-o", f"{perf}.{calls}", "--", "sleep", "6"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        elif cpu is not None and figures is None and (elapsed > 2 * PCAP_CALL_S or n < 0.9 * calls):
            figures, driver_figures = cpu.stop(), driver.stop()
        time.sleep(0.5)
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    if cpu is not None and figures is None:
        figures, driver_figures = cpu.stop(), {"cpu_pct": 0.0}
    rows = sipp_rows(csv)
    last = rows[-1] if rows else {}
    ok, failed = int(last.get("SuccessfulCall(C)", 0)), int(last.get("FailedCall(C)", 0))
    # Every session of this step has ended once SIPp is done; give the store a moment.
    time.sleep(1.0)
    sessions = [s for s in all_sessions(d) if s["session_id"] not in seen_ids]
    seen_ids.update(s["session_id"] for s in sessions)
    quality = [s["quality"] for s in sessions if s.get("quality")]
    received = sum(q["packets_received"] for q in quality)
    lost = sum(q["packets_lost"] for q in quality)
    per_call_loss = [100.0 * q["packets_lost"] / max(1, q["packets_received"] + q["packets_lost"]) for q in quality]
    delays = [q["jitter_buffer_delay_ms"] for q in quality]
    ids = {s["session_id"] for s in sessions}
    # The recordings complete on the worker pool after hang-up: wait for every file (bounded).
    wait_end = time.monotonic() + 30
    while True:
        with open(d.stderr_path) as f:
            f.seek(log_offset)
            log = f.read()
            log_end = f.tell()
        closed = {m.group(1): int(m.group(2)) for m in CLOSED.finditer(log) if m.group(1) in ids}
        if len(closed) >= len(ids) or time.monotonic() > wait_end:
            break
        time.sleep(0.5)
    stopped = {m.group(1): (int(m.group(3)), int(m.group(4))) for m in STOPPED.finditer(log)}
    warnings = {}
    for m in WARNING.finditer(log):
        warnings[m.group(1)] = warnings.get(m.group(1), 0) + 1
    late = sum(v[1] for k, v in stopped.items() if k in ids)
    sent = sum(v[0] for k, v in stopped.items() if k in ids)
    step = {
        "calls": calls, "sipp_ok": ok, "sipp_failed": failed, "sessions": len(sessions),
        "completed": sum(1 for s in sessions if s["status"] == "completed"),
        "held_max": max(held, default=0), "held_median": median([h for h in held if h > 0.5 * calls]) or 0,
        "loss_pct": round(100.0 * lost / max(1, received + lost), 3),
        "loss_pct_p99_call": round(percentile(per_call_loss, 99) or 0, 3),
        "jb_delay_ms_mean": round(sum(delays) / max(1, len(delays)), 1),
        "jb_delay_ms_p99_call": round(percentile(delays, 99) or 0, 1),
        "sent_per_call_median": median([q["packets_sent"] for q in quality]),
        "recordings_closed": len(closed), "recording_blocks_dropped": sum(closed.values()),
        "frames_late": late, "late_pct": round(100.0 * late / max(1, late + sent), 3),
        "steady_s": round(figures["seconds"], 1) if figures else 0,
        "daemon_cpu_pct": round(figures["cpu_pct"], 1) if figures else None,
        "io_thread_cpu_pct": round(figures["busiest_thread_pct"], 1) if figures else None,
        "io_thread_cpu_wait_pct": round(figures["busiest_thread_wait_pct"], 1) if figures else None,
        "cpu_per_call_pct": round(figures["cpu_pct"] / calls, 4) if figures else None,
        "sipp_cpu_pct": round(driver_figures["cpu_pct"], 1) if driver_figures else None,
        "daemon_warnings": ",".join(f"{k}:{v}" for k, v in sorted(warnings.items())) or "none",
        "load": load.replace(" ", "/"),
    }
    if failed:
        for err in glob.glob(os.path.join(workdir, "*_errors.log")):
            with open(err) as f:
                print(f"sipp errors ({os.path.basename(err)}): " + " | ".join(f.read().splitlines()[-6:]), flush=True)
            os.remove(err)
    step["pass"] = int(failed == 0 and ok == 2 * calls and len(quality) == 2 * calls and step["loss_pct"] < 1.0
                       and step["jb_delay_ms_mean"] < 60.0 and step["late_pct"] < 1.0 and figures is not None
                       and len(closed) == len(ids) and not sum(closed.values()))
    return step, log_end


def main():
    p = argparse.ArgumentParser()
    p.add_argument("build")
    p.add_argument("--budget", type=float, default=170, help="seconds for the whole run")
    p.add_argument("--steps", default="250,500,750,1000,1250,1500")
    p.add_argument("--perf", help="record a perf profile of the daemon in each step's steady part to PERF.<calls>")
    args = p.parse_args()
    end = time.monotonic() + args.budget
    build = os.path.abspath(args.build)
    workdir = tempfile.mkdtemp(prefix="parley-bench-media-")
    os.symlink("/usr/share/sip-tester", os.path.join(workdir, "pcap"))  # uac_pcap reads pcap/*.pcap (notes s2)
    data = os.path.join(workdir, "data")
    os.makedirs(data)
    best, best_step = 0, None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 8192)), hard))
    sinks = MediaPortSinks()
    logs = tempfile.mkdtemp(prefix="parley-bench-media-log-", dir=os.environ.get("MEDIA_SIP_LOG_DIR"))
    d = start_daemon(build, data, daemon_env(), log_dir=logs)
    try:
        provision(d)
        seen, offset = set(), 0
        for calls in [int(x) for x in args.steps.split(",")]:
            if end - time.monotonic() < 3 * PCAP_CALL_S + 10:
                print("media sip load: time budget spent", flush=True)
                break
            step, offset = run_step(d, workdir, calls, seen, offset, sinks.base, args.perf)
            print("step " + " ".join(f"{k}={v}" for k, v in step.items()), flush=True)
            shutil.rmtree(os.path.join(data, "recordings"), ignore_errors=True)
            os.makedirs(os.path.join(data, "recordings"), exist_ok=True)
            if not step["pass"]:
                break
            best, best_step = calls, step
    finally:
        d.stop(sig=signal.SIGTERM, timeout=30)
        sinks.close()
        shutil.rmtree(workdir, ignore_errors=True)
        shutil.rmtree(logs, ignore_errors=True)
    per_call = best_step["cpu_per_call_pct"] if best_step else 0
    print(f"RESULT media_sip highest_concurrent_echo_calls_with_recording={best} cpu_per_call_pct={per_call} "
          f"(daemon process, % of one core) io_thread_cpu_pct={best_step['io_thread_cpu_pct'] if best_step else 0}",
          flush=True)
    return 0 if best > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
