"""Helpers for the SIP integration tests: the `sip_test_uas` daemon, SIPp CSV stats, free ports.

The binary comes from SIP_TEST_UAS_BIN (default: build/sip_test_uas). Every process started here is
killed at teardown; every wait has a deadline.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../../.."))
UAS_BIN = os.path.abspath(os.environ.get("SIP_TEST_UAS_BIN", os.path.join(ROOT, "build/sip_test_uas")))
SCENARIOS = os.path.join(ROOT, "tests/scenarios")


def port_is_free(port):
    """True when `port` can be bound on 127.0.0.1 for both UDP and TCP."""
    for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        with socket.socket(socket.AF_INET, kind) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                return False
    return True


def free_udp_port(span=1):
    """A port free for both UDP and TCP on 127.0.0.1, with the `span - 1` ports above it free too
    (baresip listens for TLS on its SIP port + 1)."""
    for _ in range(100):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.bind(("127.0.0.1", 0))
            port = u.getsockname()[1]
        if port + span <= 65535 and all(port_is_free(p) for p in range(port, port + span)):
            return port
    raise RuntimeError("no free port")


def csv_stats(path):
    """Last row of a SIPp -trace_stat CSV as a dict."""
    with open(path) as f:
        rows = [line.rstrip("\n").split(";") for line in f if line.strip()]
    return dict(zip(rows[0], rows[-1]))


class Proc:
    def __init__(self, args, workdir, name):
        self.out_path = os.path.join(workdir, f"{name}.out")
        self.err_path = os.path.join(workdir, f"{name}.err")
        self.proc = subprocess.Popen(args, cwd=workdir, stdout=open(self.out_path, "w"),
                                     stderr=open(self.err_path, "w"), stdin=subprocess.DEVNULL)

    def output(self):
        with open(self.out_path) as f:
            return f.read()

    def errors(self):
        with open(self.err_path) as f:
            return f.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


class Uas(Proc):
    """sip_test_uas in UAS mode; ports parsed from its first stdout line."""

    def __init__(self, workdir, *extra, name="uas"):
        super().__init__([UAS_BIN, "--listen", "127.0.0.1:0", *extra], workdir, name)
        deadline = time.time() + 10
        while time.time() < deadline:
            m = re.search(r"listening udp=(\d+) tcp=(\d+) tls=(\d+)", self.output())
            if m:
                self.udp, self.tcp, self.tls = (int(x) for x in m.groups())
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"sip_test_uas did not start: {self.errors()}")


