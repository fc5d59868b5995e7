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
import tempfile
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


def sipp_media_port():
    """A base for SIPp's -mp (its default 6000 clashes with other runs on the machine): SIPp binds
    the audio pair there and video at +2 (and, when that is taken, further up): keep a block free."""
    for _ in range(200):
        base = free_udp_port()
        base -= base % 4
        if base + 260 < 65535 and all(port_is_free(p) for p in (base, base + 1, base + 2, base + 3,
                                                                  base + 200, base + 201, base + 202, base + 203)):
            return base
    raise RuntimeError("no free media port block")


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




KAMAILIO_CFG = os.path.join(os.path.dirname(__file__), "kamailio_registrar.cfg")


class Kamailio(Proc):
    """Kamailio as a digest-challenging registrar on 127.0.0.1:`port` (UDP and TCP), from
    kamailio_registrar.cfg. Its control socket lives in a short temporary directory (unix socket
    paths are limited to 108 bytes)."""

    def __init__(self, workdir, port, user, password, did="14155551234", min_expires=1, max_expires=3600,
                 min_expires_mode=0, name="kamailio"):
        self.port = port
        self.rundir = tempfile.mkdtemp(prefix="kam-")
        with open(KAMAILIO_CFG) as f:
            cfg = f.read()
        for key, value in {"W": self.rundir, "PORT": port, "USER": user, "PASSWORD": password, "DID": did,
                           "MIN_EXPIRES": min_expires, "MAX_EXPIRES": max_expires,
                           "MIN_EXPIRES_MODE": min_expires_mode}.items():
            cfg = cfg.replace(f"@{key}@", str(value))
        path = os.path.join(self.rundir, "kamailio.cfg")
        with open(path, "w") as f:
            f.write(cfg)
        super().__init__(["kamailio", "-f", path, "-P", os.path.join(self.rundir, "kamailio.pid"), "-Y", self.rundir,
                          "-DD", "-E"], workdir, name)
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.proc.poll() is not None:
                break
            if subprocess.run(["kamcmd", "-s", self.ctl, "core.version"], capture_output=True, timeout=5).returncode == 0:
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"kamailio did not start: {self.errors()[-2000:]}")

    @property
    def ctl(self):
        return f"unixs:{self.rundir}/ctl"

    def contacts(self, aor):
        """The bindings usrloc holds for `aor` (user@domain) as dicts of Contact, Expires, Call-ID, CSeq."""
        r = subprocess.run(["kamcmd", "-s", self.ctl, "ul.lookup", "location", aor], capture_output=True, text=True,
                           timeout=5)
        bindings = []
        for line in r.stdout.splitlines():
            key, _, value = line.strip().partition(":")
            if key == "Address":
                bindings.append({})
            if bindings and key in ("Address", "Expires", "Call-ID", "CSeq", "User-Agent", "Received"):
                bindings[-1][key] = value.strip()
        return bindings

    def stop(self):
        super().stop()
        shutil.rmtree(self.rundir, ignore_errors=True)
