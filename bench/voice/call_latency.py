#!/usr/bin/python3
"""Per-turn voice-to-voice latency through one real SIP call (issue #5, bench/voice): baresip calls
`parley serve` over G.722 and plays one WAV of N caller phrases (flite kal16, the covered utterances
of ivr_test_set.hpp spread over its 12 intents), each followed by silence long enough for the reply;
the 12-intent IVR rules agent answers with the embedded engines (pocketsphinx grammar, flite slt).

The daemon measures every turn itself (`event=call.turn_latency`: the caller's speech end, as its
VAD dates it, to the first RTP packet of the reply, split into endpointing, STT final, agent, TTS
first audio and transport). This script reports p50/p95 of each part over the turns, the session's
own `latency` object, and the CPU used by the daemon and by baresip.

  call_latency.py BUILD_DIR [--turns 50] [--json OUT]
"""
import argparse
import json
import os
import re
import resource
import subprocess
import tempfile
import time

import callbench as cb
import wire
from baresip_peer import Baresip, source_wav


def run(build, turns, margin_s, workdir):
    daemon, agent = cb.start_daemon(build, workdir)
    try:
        phrases = cb.spread(cb.ivr_phrases(), turns)
        audio, marks = cb.caller_script(agent, phrases, margin_s)
        seconds = len(audio) / cb.RATE
        caller = Baresip(workdir, "caller", codec="g722", source=source_wav(workdir, "caller", audio, "g722"),
                         record=False)
        load_before = cb.loadavg()
        env = daemon.env
        capture = wire.RtpCapture(int(env["PARLEY_RTP_PORT_MIN"]), int(env["PARLEY_RTP_PORT_MAX"]))
        cpu0 = cb.cpu_seconds(daemon.proc.pid)
        kids0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.monotonic()
        log = caller.call(f"sip:{cb.DID}@127.0.0.1:{daemon.sip_port}", int(seconds) + 15)
        wall = time.monotonic() - t0
        capture.stop()
        ms = lambda a, b: (b - a) * 1000.0 if b is not None else None  # noqa: E731
        heard = [(ms(e, first), ms(e, onset)) for e, first, onset in wire.turn_gaps(capture.streams())]
        kids1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        daemon_cpu = cb.cpu_seconds(daemon.proc.pid) - cpu0
        baresip_cpu = (kids1.ru_utime + kids1.ru_stime) - (kids0.ru_utime + kids0.ru_stime)
        if "Call established" not in log:
            raise SystemExit("baresip did not get through:\n" + log[-3000:])
        session = None
        deadline = time.time() + 15
        while time.time() < deadline:
            s = daemon.get("/voice/sessions?limit=1").json()["sessions"]
            if s and s[0]["status"] in ("completed", "failed"):
                session = daemon.get(f"/voice/sessions/{s[0]['session_id']}").json()
                break
            time.sleep(0.2)
        transcript = daemon.get(f"/v1/widget/transcript/{session['session_id']}").json()["transcript"] if session else []
        rows = cb.turn_latencies(daemon)
        return {"turns": turns, "phrases": [p for p, _ in phrases], "intents": phrases, "marks": marks, "call_seconds": seconds,
                "wall_seconds": wall, "daemon_cpu_s": daemon_cpu, "baresip_cpu_s": baresip_cpu,
                "load_before": load_before, "load_after": cb.loadavg(), "rows": rows, "session": session,
                "transcript": transcript, "heard": heard}
    finally:
        daemon.stop()


def answered_right(result, agent):
    """Turns whose reply is the said phrase's intent reply (slot values aside): (right, replies)."""
    pattern = {it["name"]: re.compile(".*".join(re.escape(p) for p in re.split(r"\{\{\w+\}\}", it["reply"])) + "$")
               for it in agent["rules"]["intents"]}
    replies = [e["text"] for e in result["transcript"] if e["role"] == "agent"]
    right = sum(1 for (_, intent), reply in zip(result["intents"], replies) if pattern[intent].match(reply))
    return right, len(replies)


def report(r):
    rows = [x for x in r["rows"] if not x["dtmf"]]
    print(f"# call_latency: {r['turns']} caller turns in one G.722 call of {r['call_seconds']:.0f} s")
    print(f"# load average {r['load_before']:.2f} before, {r['load_after']:.2f} after")
    right, replies = answered_right(r, cb.ivr_agent())
    print(f"turns answered: {len(rows)} of {r['turns']}; replies of the right intent: {right} of {replies}")
    print("| part | p50 (ms) | p95 (ms) | max (ms) |\n|---|---|---|---|")
    for part in cb.PARTS:
        v = [x[part] for x in rows]
        p50, p95 = cb.p50_p95(v)
        print(f"| {part} | {p50:.0f} | {p95:.0f} | {max(v) if v else float('nan'):.0f} |")
    wire_rows = [
        ("on the wire: caller's last audible sample -> first packet of the reply", [f for f, _ in r["heard"]]),
        ("on the wire: caller's last audible sample -> agent's first audible sample (heard)", [h for _, h in r["heard"]]),
    ]
    for name, values in wire_rows:
        v = [x for x in values if x is not None]
        if v:
            p50, p95 = cb.p50_p95(v)
            print(f"| {name} | {p50:.0f} | {p95:.0f} | {max(v):.0f} |")
    if len(r["heard"]) == len(rows):
        for name, k in (("first packet on the wire minus the daemon's voice_to_voice", 0),
                        ("heard minus the daemon's voice_to_voice", 1)):
            diff = [w[k] - x["voice_to_voice"] for w, x in zip(r["heard"], rows) if w[k] is not None]
            p50, p95 = cb.p50_p95(diff)
            print(f"| {name}, per turn | {p50:.0f} | {p95:.0f} | {max(diff):.0f} |")
    else:
        print(f"(wire: {len(r['heard'])} caller phrase ends found for {len(rows)} turns; no per-turn pairing)")
    if r["session"]:
        print("session latency object:", json.dumps(r["session"].get("latency")))
        q = r["session"].get("quality") or {}
        print(f"session quality: jitter_buffer_delay_ms={q.get('jitter_buffer_delay_ms')} "
              f"packets_lost={q.get('packets_lost')} frames_concealed={q.get('frames_concealed')}")
    own_processing(r, rows)
    w = r["wall_seconds"]
    print(f"CPU over the call: daemon {r['daemon_cpu_s']:.1f} s ({100 * r['daemon_cpu_s'] / w:.1f} % of one core), "
          f"baresip {r['baresip_cpu_s']:.1f} s ({100 * r['baresip_cpu_s'] / w:.1f} %)")


# The turn detector ends a turn on the frame where the caller's silence reaches the setting; the
# daemon dates the speech end at the first silent frame, so the silence waited is the setting - 20 ms
# (defaults: early endpoint 240 ms once the interim text completes an intent, else 600 ms).
EARLY_SILENCE_MS, FULL_SILENCE_MS = 220.0, 580.0


def silence_waited(endpointing_ms):
    """The configured silence within a turn's endpointing: the full endpoint's if it took that long,
    else the early endpoint's (1 ms of timer slack either way)."""
    if endpointing_ms >= FULL_SILENCE_MS - 1.0:
        return FULL_SILENCE_MS
    return EARLY_SILENCE_MS if endpointing_ms >= EARLY_SILENCE_MS - 1.0 else endpointing_ms


def slt_rtf(build):
    """flite slt's CPU seconds per second of speech, measured now by bench_voice_engines."""
    out = subprocess.run([os.path.join(build, "bench", "voice", "bench_voice_engines"),
                          "--benchmark_filter=BM_FliteSynthesis/slt$", "--benchmark_format=json",
                          "--benchmark_repetitions=3", "--benchmark_min_time=0.2"],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    runs = [b for b in json.loads(out)["benchmarks"] if b.get("run_type") == "iteration"]
    return sorted(b["RTF"] for b in runs)[len(runs) // 2]


def own_processing(r, rows):
    """Parley's own processing per turn, beyond engine compute and endpointing silence, as far as the
    daemon's split allows: the endpointing beyond its nominal silence (the early endpoint waiting
    for the decoder's interim text), STT final (hand-offs, plus the decoder finishing its last
    100 ms and the phone-loop check: engine compute this cannot separate), agent (intent matching
    and hand-offs), TTS first audio less flite slt's CPU time for that reply (its RTF measured now
    times the reply's length), and transport (the wait for the next 20 ms tick, encoding, sending)."""
    replies = [e["text"] for e in r["transcript"] if e["role"] == "agent"]
    length = {t: len(cb.flite(t, "slt")) / cb.RATE for t in set(replies)}
    own, synth = [], []
    for i, x in enumerate(rows):
        compute = r["slt_rtf"] * length[replies[i]] * 1000.0 if i < len(replies) else 0.0
        synth.append(compute)
        own.append(x["endpointing"] - silence_waited(x["endpointing"]) + x["stt"] + x["agent"]
                   + max(0.0, x["tts"] - compute) + x["transport"])
    p50, p95 = cb.p50_p95(own)
    s50, s95 = cb.p50_p95(synth)
    print(f"Parley's own processing per turn (endpointing beyond its nominal silence + STT final + agent + TTS first "
          f"audio less synthesis CPU + transport): p50 {p50:.0f} ms, p95 {p95:.0f} ms; flite slt CPU per reply "
          f"(RTF {r['slt_rtf']:.4f} x its length) p50 {s50:.0f} ms, p95 {s95:.0f} ms. Not included: the jitter "
          f"buffer before the VAD (session mean {((r['session'] or {}).get('quality') or {}).get('jitter_buffer_delay_ms')} ms).")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--turns", type=int, default=int(os.environ.get("VOICE_CALL_TURNS", "50")))
    ap.add_argument("--margin", type=float, default=1.5, help="silence after each reply's length (s)")
    ap.add_argument("--json", help="write the raw result here")
    a = ap.parse_args()
    print("#", cb.machine())
    with tempfile.TemporaryDirectory(prefix="parley-call-latency-") as w:
        r = run(os.path.abspath(a.build), a.turns, a.margin, w)
        r["slt_rtf"] = slt_rtf(os.path.abspath(a.build))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(r, f, indent=1)
    report(r)


if __name__ == "__main__":
    main()
