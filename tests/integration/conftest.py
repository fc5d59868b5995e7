"""Fixtures that start the real `parley` binary on a free loopback port with a fresh data directory."""
import http.client
import json
import os
import signal
import socket
import subprocess
import tempfile
import time

import pytest

PARLEY_BIN = os.environ.get("PARLEY_BIN", os.path.join(os.path.dirname(__file__), "../../build/parley"))
BOOTSTRAP_KEY = "pk_test_bootstrap_key_0123456789abcdef"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_sip_port():
    """A port free for both UDP and TCP (SIP listens on both)."""
    for _ in range(100):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.bind(("127.0.0.1", 0))
            port = u.getsockname()[1]
        with socket.socket() as t:
            try:
                t.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise RuntimeError("no free port")


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def __repr__(self):
        return f"<{self.status} {self.body[:300]!r}>"


class Daemon:
    """One running parley process."""

    def __init__(self, data_dir, env_extra=None, port=None):
        self.data_dir = data_dir
        self.port = port or free_port()
        self.sip_port = free_sip_port()
        self.env_extra = env_extra or {}
        self.proc = None
        self.stdout_path = os.path.join(data_dir, f"stdout-{time.time_ns()}.log")
        self.stderr_path = os.path.join(data_dir, f"stderr-{time.time_ns()}.log")
        self.key = BOOTSTRAP_KEY
        self.silent_sockets = []

    @property
    def env(self):
        env = dict(os.environ)
        env.update({
            "PARLEY_HTTP_LISTEN": f"127.0.0.1:{self.port}",
            "PARLEY_DATA_DIR": self.data_dir,
            "PARLEY_BOOTSTRAP_API_KEY": BOOTSTRAP_KEY,
            "PARLEY_LOG_LEVEL": "info",
            # SIP and RTP stay on loopback, on ports of this daemon's own.
            "PARLEY_SIP_LISTEN": f"127.0.0.1:{self.sip_port}",
            "PARLEY_PUBLIC_IP": "127.0.0.1",
            "PARLEY_RTP_PORT_MIN": str(20000 + (self.sip_port % 190) * 200),
            "PARLEY_RTP_PORT_MAX": str(20000 + (self.sip_port % 190) * 200 + 199),
        })
        env.update(self.env_extra)
        return env

    def start(self, timeout=10):
        self.proc = subprocess.Popen([PARLEY_BIN, "serve"], env=self.env, stdout=open(self.stdout_path, "w"),
                                     stderr=open(self.stderr_path, "w"))
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"parley exited with {self.proc.returncode}: {self.stderr()}")
            try:
                if self.request("GET", "/readyz", auth=False).status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("parley did not become ready: " + self.stderr())

    def add_silent_trunk(self):
        """A trunk for outbound calls whose far end never answers: a UDP socket that reads nothing
        (the INVITE goes unanswered until timer B, 32 s). Dial tests that only exercise the API and
        the records use it, so their calls stay initiating; it lives as long as this daemon object."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind(("127.0.0.1", 0))
        self.silent_sockets.append(sock)
        r = self.post("/voice/sip/providers", {"name": "silent carrier", "kind": "generic", "host": "127.0.0.1",
                                               "port": sock.getsockname()[1], "outbound": {}, "priority": 1000})
        assert r.status == 201, r
        return r.json()

    def stop(self, sig=signal.SIGTERM, timeout=15):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode if self.proc else None

    def stdout(self):
        with open(self.stdout_path) as f:
            return f.read()

    def stderr(self):
        with open(self.stderr_path) as f:
            return f.read()

    def cli(self, *args, check=True):
        r = subprocess.run([PARLEY_BIN, *args], env=self.env, capture_output=True, text=True, timeout=30)
        if check and r.returncode != 0:
            raise AssertionError(f"parley {' '.join(args)} failed ({r.returncode}): {r.stderr}")
        return r

    def request(self, method, path, body=None, auth=True, headers=None, key=None, raw=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            hdrs = dict(headers or {})
            if auth:
                hdrs.setdefault("Authorization", f"Bearer {key or self.key}")
            data = raw
            if body is not None:
                data = json.dumps(body).encode()
                hdrs.setdefault("Content-Type", "application/json")
            conn.request(method, path, body=data, headers=hdrs)
            r = conn.getresponse()
            return Response(r.status, r.getheaders(), r.read())
        finally:
            conn.close()

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body=body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


@pytest.fixture
def data_dir():
    with tempfile.TemporaryDirectory(prefix="parley-test-") as d:
        yield d


@pytest.fixture
def make_daemon(data_dir):
    """Factory: make_daemon(env_extra) starts a daemon on the shared data dir; all are stopped at teardown."""
    started = []

    def make(env_extra=None, data=None, port=None):
        d = Daemon(data or data_dir, env_extra, port)
        started.append(d)
        return d.start()

    yield make
    for d in started:
        d.stop()


@pytest.fixture
def parley(make_daemon):
    # Validation tests send many dials; the default 10/min is tested on its own daemon.
    return make_daemon({"PARLEY_RATE_DIAL_PER_MIN": "1000"})


def assert_error(resp, status, code=None, field=None):
    assert resp.status == status, resp
    err = resp.json()["error"]
    assert isinstance(err["message"], str) and err["message"]
    if code is not None:
        assert err["code"] == code, err
    if field is not None:
        assert err["field"] == field, err
    return err


@pytest.fixture
def agent(parley):
    r = parley.post("/voice/agents", {"name": "Acme Support", "voice": {"greeting": "Hello, thanks for calling Acme."}})
    assert r.status == 201, r
    return r.json()


@pytest.fixture
def outbound_number(parley, agent):
    parley.add_silent_trunk()
    r = parley.post("/voice/phone-numbers", {"phone_number": "+18005551234", "provider": "sip", "agent_id": agent["id"]})
    assert r.status == 201, r
    return r.json()
