"""Daemon lifecycle, CLI, health endpoints, OpenAPI and API-key authentication."""
import json
import os
import sqlite3
import subprocess

from conftest import BOOTSTRAP_KEY, PARLEY_BIN, Daemon, assert_error


def test_health_ready_and_openapi(parley):
    assert parley.get("/healthz", auth=False).json() == {"status": "ok"}
    assert parley.get("/readyz", auth=False).json() == {"status": "ready"}
    doc = parley.get("/openapi.json", auth=False).json()
    assert doc["openapi"].startswith("3.1")
    for path in ["/voice/agents", "/voice/agents/{id}", "/voice/phone-numbers", "/voice/phone-numbers/{id}",
                 "/voice/outbound/dial", "/voice/status/{session_id}", "/voice/sessions", "/voice/sessions/{session_id}",
                 "/v1/widget/transcript/{session_id}", "/voice/recording/{recording_id}",
                 "/voice/recording/{recording_id}/audio", "/voice/end/{session_id}", "/voice/leads", "/healthz",
                 "/readyz", "/openapi.json"]:
        assert path in doc["paths"], path


def test_openapi_documents_every_route(parley):
    """Every documented path answers something other than 404-no-such-endpoint, and vice versa the
    routes the daemon serves are in the document (checked by probing each documented method)."""
    doc = parley.get("/openapi.json", auth=False).json()
    for path, ops in doc["paths"].items():
        concrete = path.replace("{id}", "agent_x").replace("{session_id}", "call_x").replace("{recording_id}", "rec_x")
        for method in ops:
            if method not in ("get", "post", "patch", "delete"):
                continue
            r = parley.request(method.upper(), concrete, body={} if method in ("post", "patch") else None)
            if r.status == 404:
                assert "no such endpoint" not in r.json()["error"]["message"], (method, path)


def test_first_start_prints_key_once_and_stores_only_hash(make_daemon, data_dir):
    d = make_daemon()
    assert BOOTSTRAP_KEY in d.stdout()
    assert d.get("/voice/agents").status == 200
    d.stop()
    d2 = make_daemon()
    assert BOOTSTRAP_KEY not in d2.stdout(), "the key must be shown only on first start"
    db = sqlite3.connect(os.path.join(data_dir, "parley.db"))
    hashes = [r[0] for r in db.execute("select key_hash from api_keys")]
    db.close()
    assert len(hashes) == 1 and BOOTSTRAP_KEY not in hashes[0] and len(hashes[0]) == 64
    with open(os.path.join(data_dir, "parley.db"), "rb") as f:
        assert BOOTSTRAP_KEY.encode() not in f.read()


def test_random_key_when_no_bootstrap(data_dir):
    d = Daemon(data_dir)
    env = d.env
    del env["PARLEY_BOOTSTRAP_API_KEY"]
    proc = subprocess.Popen([PARLEY_BIN, "serve"], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        lines = []
        while True:
            line = proc.stdout.readline()
            lines.append(line)
            if "Parley is ready" in line or not line:
                break
        key = next(l.strip() for l in lines if l.strip().startswith("pk_"))
        assert len(key) == 43
        d.key = key
        assert d.get("/voice/agents").status == 200
    finally:
        proc.terminate()
        assert proc.wait(10) == 0


def test_missing_and_bad_keys(parley):
    err = assert_error(parley.get("/voice/agents", auth=False), 401, "unauthorized")
    assert "Bearer" in err["message"]
    r = parley.get("/voice/agents", key="pk_wrong_key_but_long_enough_000000")
    assert_error(r, 401, "unauthorized")
    assert r.header("WWW-Authenticate").startswith("Bearer")
    assert_error(parley.get("/voice/agents", headers={"Authorization": "Basic abc"}, auth=False), 401)
    assert_error(parley.get("/voice/agents", headers={"Authorization": "Bearer "}, auth=False), 401)


def test_cli_keys_create_list_revoke(parley):
    created = parley.cli("keys", "create", "--name", "ci")
    key = created.stdout.strip()
    assert created.stdout.count("\n") == 1 and key.startswith("pk_"), "the key alone on stdout"
    assert parley.get("/voice/agents", key=key).status == 200
    listing = parley.cli("keys", "list").stdout
    assert "ci" in listing and key not in listing and BOOTSTRAP_KEY not in listing
    key_id = next(l.split()[0] for l in listing.splitlines() if " ci " in l)
    parley.cli("keys", "revoke", key_id)
    # Verified keys are cached for one second (docs/architecture.md): the revocation must bite within it.
    import time
    deadline = time.time() + 1.5
    while parley.get("/voice/agents", key=key).status == 200 and time.time() < deadline:
        time.sleep(0.1)
    err = assert_error(parley.get("/voice/agents", key=key), 401)
    assert "revoked" in err["message"]
    again = parley.cli("keys", "revoke", key_id, check=False)
    assert again.returncode != 0 and "already revoked" in again.stderr
    assert parley.cli("keys", "revoke", "key_doesnotexist", check=False).returncode != 0


def test_migrate_command(data_dir):
    d = Daemon(data_dir)
    r = d.cli("migrate")
    assert r.stdout.strip().startswith("schema version ")
    assert int(r.stdout.split()[-1]) >= 1
    assert d.cli("migrate").stdout == r.stdout  # idempotent


def test_bad_config_is_refused(data_dir):
    d = Daemon(data_dir, {"PARLEY_HTTP_LISTEN": "not-an-address"})
    proc = subprocess.run([PARLEY_BIN, "serve"], env=d.env, capture_output=True, text=True, timeout=10)
    assert proc.returncode != 0 and "PARLEY_HTTP_LISTEN" in proc.stderr
    cfg = os.path.join(data_dir, "p.toml")
    with open(cfg, "w") as f:
        f.write("[http]\nlisen = '127.0.0.1:1'\n")
    proc = subprocess.run([PARLEY_BIN, "serve", "--config", cfg], env=d.env, capture_output=True, text=True, timeout=10)
    assert proc.returncode != 0 and "http.lisen" in proc.stderr


def test_config_file_and_flag_layers(make_daemon, data_dir):
    cfg = os.path.join(data_dir, "parley.toml")
    with open(cfg, "w") as f:
        f.write("[rate_limits]\nstatus_per_min = 7\n")
    d = Daemon(data_dir)
    env = d.env
    proc = subprocess.Popen([PARLEY_BIN, "serve", "--config", cfg, "--set", "rate_limits.list_sessions_per_min=5"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import time
        for _ in range(100):
            try:
                if d.get("/readyz", auth=False).status == 200:
                    break
            except OSError:
                time.sleep(0.05)
        assert d.get("/voice/status/call_nothere").header("X-RateLimit-Limit") == "7"
        assert d.get("/voice/sessions").header("X-RateLimit-Limit") == "5"
    finally:
        proc.terminate()
        assert proc.wait(10) == 0


def test_sigterm_drains_and_exits_zero(parley):
    assert parley.get("/healthz", auth=False).status == 200
    assert parley.stop() == 0
    assert "event=stopped" in parley.stderr()
