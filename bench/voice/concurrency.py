#!/usr/bin/python3
"""How many concurrent conversations this machine sustains with the embedded engines while p95
turn latency stays under 1 s (issue #5, bench/voice).

One `parley serve` with the 12-intent IVR rules agent of ivr_test_set.hpp. Each step starts N
baresip callers (G.722, no recording), their starts spread over one turn, each playing its own WAV
of `--turns` caller phrases (flite kal16) with silence for every reply; the daemon logs each turn's
latency (`event=call.turn_latency`, speech end to the reply's first RTP packet). A call's first
turn is left out: the other calls may still be starting. A step passes when p95 voice to voice is
at most 1000 ms and at least 95 % of the turns were answered. The ramp stops at the first failing
step, or when the time budget is spent.

CPU is read from /proc over the window in which all N calls are up: the daemon (and its busiest
threads), the baresip callers (the driver shares the two cores), and everything else on the
machine (other developers' builds). With --perf, the last step is profiled with perf record -g.

  concurrency.py BUILD_DIR [--steps 4,8,16,...] [--turns 5] [--budget 170] [--warmup N] [--perf DIR]
"""
import argparse
import json
import os
import subprocess
import tempfile
import time

import numpy as np

import callbench as cb
from baresip_peer import Baresip, source_wav


def cpu_times():
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]
    return sum(v) - idle, sum(v)


class Step:
    def __init__(self, daemon, agent, speech, n, turns, margin_s, workdir, perf_dir=None, label=None):
        self.daemon, self.agent, self.n, self.turns = daemon, agent, n, turns
        self.workdir = os.path.join(workdir, label or f"n{n}")
        os.makedirs(self.workdir)
        phrases = cb.ivr_phrases()
        self.callers = []
        for i in range(n):
            # Each caller says its own slice of the phrases (rotated), so the calls do not speak in step.
            mine = [phrases[(i * 7 + k * 13) % len(phrases)] for k in range(turns)]
            audio, _ = cb.caller_script(agent, mine, margin_s, lead_s=1.0, speech=speech)
            c = Baresip(self.workdir, f"c{i}", codec="g722", source=source_wav(self.workdir, f"c{i}", audio, "g722"),
                        record=False)
            self.callers.append((c, len(audio) / cb.RATE))
        self.perf_dir = perf_dir

    def run(self):
        log_mark = len(self.daemon.stderr().splitlines())
        period = max(s for _, s in self.callers) / self.turns  # one turn's length
        procs = []
        uri = f"sip:{cb.DID}@127.0.0.1:{self.daemon.sip_port}"
        t0 = time.monotonic()
        for i, (c, seconds) in enumerate(self.callers):
            start_at = t0 + i * period / self.n
            while time.monotonic() < start_at:
                time.sleep(0.01)
            procs.append(subprocess.Popen(["baresip", "-f", c.dir, "-t", str(int(seconds) + 15), "-e", f"/dial {uri}"],
                                          cwd=c.dir, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL))
        time.sleep(1.0)
        # The window in which all N calls are up: from here until the first caller's WAV ends.
        w0 = time.monotonic()
        d0, b0, m0 = cb.cpu_seconds(self.daemon.proc.pid), sum(cb.cpu_seconds(p.pid) for p in procs), cpu_times()
        th0 = cb.thread_cpu_seconds(self.daemon.proc.pid)
        perf = None
        if self.perf_dir:
            perf = subprocess.Popen(["perf", "record", "-g", "-F", "499", "-p", str(self.daemon.proc.pid), "-o",
                                     os.path.join(self.perf_dir, f"perf-n{self.n}.data"), "--", "sleep", "10"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        first_end = t0 + min(s for _, s in self.callers) - 0.5
        while time.monotonic() < first_end and all(p.poll() is None for p in procs):
            time.sleep(0.1)
        w1 = time.monotonic()
        d1, b1, m1 = cb.cpu_seconds(self.daemon.proc.pid), sum(cb.cpu_seconds(p.pid) for p in procs), cpu_times()
        th1 = cb.thread_cpu_seconds(self.daemon.proc.pid)
        for p in procs:
            try:
                p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        if perf:
            perf.wait(timeout=60)
        time.sleep(1.0)  # the last turn lines and session writes
        lines = self.daemon.stderr().splitlines()[log_mark:]
        rows = [r for r in cb.parse_turn_lines(lines) if r["turn"] > 1 and not r["dtmf"]]
        media = cb.media_stops(lines)
        window = w1 - w0
        ticks = os.sysconf("SC_CLK_TCK")
        machine_busy = (m1[0] - m0[0]) / ticks
        daemon_cpu, baresip_cpu = d1 - d0, b1 - b0
        threads = sorted(((th1.get(t, 0) - th0.get(t, 0)) / window for t in th1), reverse=True)[:4]
        return {
            "n": self.n, "turns_expected": self.n * (self.turns - 1), "rows": rows, "window_s": window,
            "daemon_cores": daemon_cpu / window, "baresip_cores": baresip_cpu / window,
            "machine_cores": machine_busy / window,
            "other_cores": max(0.0, (machine_busy - daemon_cpu - baresip_cpu) / window),
            "busiest_threads_cores": threads,
            "engine_errors": sum(1 for line in lines if "event=call.engine_error" in line),
            "jitter_buffer_delay_ms": float(np.mean([m[0] for m in media])) if media else float("nan"),
            "frames_late": sum(m[1] for m in media),
            "load": cb.loadavg(),
        }


def summary(r):
    v = [x["voice_to_voice"] for x in r["rows"]]
    p50, p95 = cb.p50_p95(v)
    parts = {k: cb.p50_p95([x[k] for x in r["rows"]]) for k in cb.PARTS[1:]}
    answered = len(v) / r["turns_expected"] if r["turns_expected"] else 0
    ok = bool(v) and p95 <= 1000.0 and answered >= 0.95
    return p50, p95, parts, answered, ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--steps", default="4,8,16,24,32,40,48,56,64")
    ap.add_argument("--turns", type=int, default=5, help="caller turns per call (the first is not counted)")
    ap.add_argument("--margin", type=float, default=1.5, help="silence after each reply's length (s)")
    ap.add_argument("--budget", type=float, default=170.0, help="seconds; no step starts that would overrun it")
    ap.add_argument("--warmup", type=int, default=0,
                    help="first run a step of this many calls that is printed but not scored, so the ramp measures "
                         "a daemon whose decoder pool is warm (a cold pool creates each new call's decoders)")
    ap.add_argument("--perf", help="profile every step with perf record into this directory")
    ap.add_argument("--json", help="write the raw results here")
    a = ap.parse_args()
    print("#", cb.machine())
    started = time.monotonic()
    results = []
    with tempfile.TemporaryDirectory(prefix="parley-concurrency-") as w:
        env = {"PARLEY_LOG_LEVEL": "info"}
        daemon, agent = cb.start_daemon(os.path.abspath(a.build), w, env)
        try:
            speech = {}
            print("| calls | turns answered | voice to voice p50 / p95 (ms) | endpointing p95 | STT final p95 | agent p95 "
                  "| TTS first audio p95 | transport p95 | daemon CPU (cores) | busiest daemon threads | baresip CPU "
                  "| others' CPU | load |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|")
            last_ok = 0
            steps = [int(x) for x in a.steps.split(",")]
            for i, n in enumerate(([a.warmup] if a.warmup else []) + steps):
                warming = bool(a.warmup) and i == 0
                step = Step(daemon, agent, speech, n, a.turns, a.margin, w, a.perf, label="warmup" if warming else None)
                length = max(s for _, s in step.callers) * (1 + 1 / a.turns) + 10
                if time.monotonic() - started + length > a.budget:
                    print(f"(time budget: the step with {n} calls would end after {a.budget:.0f} s)")
                    break
                r = step.run()
                results.append(r)
                p50, p95, parts, answered, ok = summary(r)
                th = " + ".join(f"{t:.2f}" for t in r["busiest_threads_cores"])
                print(f"| {n}{' (warm-up, not scored)' if warming else ''} | {len(r['rows'])} of {r['turns_expected']} | {p50:.0f} / {p95:.0f} "
                      f"| {parts['endpointing'][1]:.0f} | {parts['stt'][1]:.0f} | {parts['agent'][1]:.0f} "
                      f"| {parts['tts'][1]:.0f} | {parts['transport'][1]:.0f} | {r['daemon_cores']:.2f} | {th} "
                      f"| {r['baresip_cores']:.2f} | {r['other_cores']:.2f} | {r['load']:.1f} |", flush=True)
                if warming:
                    continue
                if not ok:
                    break
                last_ok = n
            print(f"RESULT concurrent conversations with p95 voice to voice <= 1 s: {last_ok}"
                  + ("" if results and not summary(results[-1])[4] else " (the ramp ended before p95 passed 1 s)"))
        finally:
            daemon.stop()
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
