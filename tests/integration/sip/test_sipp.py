"""The SIP engine against SIPp 3.6: load over UDP and TCP, digest auth, CANCEL, and our UAC
against a SIPp UAS. Every SIPp run reads the -trace_stat CSV and the exit code (0 = all calls ok)."""
import os
import socket

from .sipkit import SCENARIOS, UAS_BIN, Proc, csv_stats, free_udp_port


def assert_all_ok(result, calls):
    rc, stats, out = result
    assert rc == 0, out[-2000:]
    assert int(stats["SuccessfulCall(C)"]) == calls, stats
    assert int(stats["FailedCall(C)"]) == 0, stats


def test_uac_500_calls_udp(start_uas, sipp):
    uas = start_uas()
    assert_all_ok(sipp("-sn", "uac", f"127.0.0.1:{uas.udp}", "-m", "500", "-r", "50", "-l", "100", name="udp"), 500)


def test_uac_500_calls_tcp(start_uas, sipp):
    uas = start_uas()
    assert_all_ok(sipp("-sn", "uac", f"127.0.0.1:{uas.tcp}", "-t", "t1", "-m", "500", "-r", "50", "-l", "100",
                       name="tcp"), 500)


def test_digest_md5_then_200(start_uas, sipp):
    # SIPp 3.6 computes MD5 (and AKAv1-MD5) only, so the UAS offers MD5 alone here.
    uas = start_uas("--auth-user", "alice", "--auth-password", "s3cret", "--auth-algorithms", "md5")
    assert_all_ok(sipp("-sf", os.path.join(SCENARIOS, "uac_digest.xml"), f"127.0.0.1:{uas.udp}",
                       "-au", "alice", "-ap", "s3cret", "-m", "10", "-r", "10"), 10)


def test_digest_wrong_password_is_challenged_again(start_uas, sipp):
    uas = start_uas("--auth-user", "alice", "--auth-password", "s3cret", "--auth-algorithms", "md5")
    assert_all_ok(sipp("-sf", os.path.join(SCENARIOS, "uac_digest_rejected.xml"), f"127.0.0.1:{uas.udp}",
                       "-au", "alice", "-ap", "wrong", "-m", "3", "-r", "10"), 3)


def test_cancel_before_answer_gets_487(start_uas, sipp):
    uas = start_uas("--answer-delay-ms", "10000")
    assert_all_ok(sipp("-sf", os.path.join(SCENARIOS, "uac_cancel.xml"), f"127.0.0.1:{uas.udp}",
                       "-m", "5", "-r", "10"), 5)


def test_our_uac_against_sipp_uas(workdir, procs, start_uas):
    port = free_udp_port()
    stf = os.path.join(workdir, "uas.csv")
    sipp_uas = Proc(["sipp", "-sn", "uas", "-i", "127.0.0.1", "-mi", "127.0.0.1", "-mp", str(free_udp_port()), "-p", str(port),
                     "-m", "20", "-trace_stat", "-stf", stf], workdir, "sipp_uas")
    procs.append(sipp_uas)
    uac = Proc([UAS_BIN, "--listen", "127.0.0.1:0", "--uac", f"sip:service@127.0.0.1:{port}",
                "--calls", "20", "--concurrency", "5", "--hold-ms", "50", "--timeout-s", "30"], workdir, "uac")
    procs.append(uac)
    assert uac.proc.wait(timeout=40) == 0, uac.output() + uac.errors()
    assert "calls=20 answered=20 failed=0" in uac.output()
    assert sipp_uas.proc.wait(timeout=20) == 0, sipp_uas.output()[-2000:]  # -m 20: exits 0 after 20 good calls
    assert int(csv_stats(stf)["SuccessfulCall(C)"]) == 20


def test_options_out_of_dialog(start_uas):
    uas = start_uas()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(5)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.sendto((f"OPTIONS sip:svc@127.0.0.1:{uas.udp} SIP/2.0\r\n"
                  f"Via: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bKopt1;rport\r\n"
                  "Max-Forwards: 70\r\nFrom: <sip:t@127.0.0.1>;tag=1\r\nTo: <sip:svc@127.0.0.1>\r\n"
                  "Call-ID: opt-1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n").encode(), ("127.0.0.1", uas.udp))
        reply = s.recv(4096).decode()
    assert reply.startswith("SIP/2.0 200 OK\r\n"), reply
    assert "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS" in reply
    assert f"rport={port}" in reply and "Accept: application/sdp" in reply
