"""Our UAC against our UAS: SHA-256 digest (which SIPp 3.6 cannot do) and TLS with a certificate
made at test time."""
import subprocess

from .sipkit import UAS_BIN, Proc


def run_uac(workdir, procs, target, *extra, name="uac"):
    uac = Proc([UAS_BIN, "--listen", "127.0.0.1:0", "--uac", target, "--calls", "10", "--concurrency", "5",
                "--hold-ms", "50", "--timeout-s", "30", *extra], workdir, name)
    procs.append(uac)
    rc = uac.proc.wait(timeout=40)
    return rc, uac.output() + uac.errors()


def test_sha256_digest(workdir, procs, start_uas):
    uas = start_uas("--auth-user", "trunk", "--auth-password", "pw", "--log-level", "info")
    rc, out = run_uac(workdir, procs, f"sip:svc@127.0.0.1:{uas.udp}", "--auth-user", "trunk", "--auth-password", "pw")
    assert rc == 0, out
    assert "calls=10 answered=10 failed=0" in out
    uas.stop()
    log = uas.output() + uas.errors()  # spdlog's default sink is stdout
    assert log.count("event=sip.auth.ok") == 10
    assert "algorithm=SHA-256" in log and "algorithm=MD5" not in log


def test_sha256_digest_wrong_password_fails(workdir, procs, start_uas):
    uas = start_uas("--auth-user", "trunk", "--auth-password", "pw")
    rc, out = run_uac(workdir, procs, f"sip:svc@127.0.0.1:{uas.udp}", "--auth-user", "trunk", "--auth-password", "no")
    assert rc == 1
    assert "answered=0 failed=10" in out


def test_tls_calls(workdir, procs, start_uas):
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-keyout", f"{workdir}/key.pem", "-out", f"{workdir}/cert.pem"], check=True, capture_output=True,
                   timeout=60)
    uas = start_uas("--tls-listen", "127.0.0.1:0", "--tls-cert", f"{workdir}/cert.pem", "--tls-key", f"{workdir}/key.pem")
    assert uas.tls > 0
    rc, out = run_uac(workdir, procs, f"sip:svc@127.0.0.1:{uas.tls};transport=tls",
                      "--tls-cert", f"{workdir}/cert.pem", "--tls-key", f"{workdir}/key.pem")
    assert rc == 0, out
    assert "calls=10 answered=10 failed=0" in out
