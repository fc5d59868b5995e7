"""Fixtures for SIP integration tests: the `sip_test_uas` daemon and SIPp, on loopback only.

The binary comes from SIP_TEST_UAS_BIN (default: build/sip_test_uas). Every process started here is
killed at teardown; every wait has a deadline.
"""
import os
import shutil
import subprocess

import pytest

from .sipkit import UAS_BIN, Uas, csv_stats, free_udp_port


@pytest.fixture
def workdir(tmp_path):
    return str(tmp_path)


@pytest.fixture
def procs():
    started = []
    yield started
    for p in started:
        p.stop()


@pytest.fixture
def start_uas(workdir, procs):
    if not os.access(UAS_BIN, os.X_OK):
        pytest.fail(f"{UAS_BIN} is not built (set SIP_TEST_UAS_BIN)")

    def start(*extra, name="uas"):
        uas = Uas(workdir, *extra, name=name)
        procs.append(uas)
        return uas
    return start


@pytest.fixture
def sipp(workdir):
    """Runs SIPp to completion: returns (exit code, stats dict, output)."""
    if shutil.which("sipp") is None:
        pytest.fail("sipp is not installed (Debian package sip-tester)")

    def run(*args, timeout=90, name="sipp"):
        stf = os.path.join(workdir, f"{name}.csv")
        cmd = ["sipp", *args, "-i", "127.0.0.1", "-mi", "127.0.0.1", "-p", str(free_udp_port()),
               "-mp", str(free_udp_port()),  # SIPp's default media port (6000) is shared with every other run
               "-trace_stat", "-stf", stf, "-trace_err", "-timeout", f"{timeout - 10}s", "-timeout_error"]
        done = subprocess.run(cmd, cwd=workdir, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=timeout)
        stats = csv_stats(stf) if os.path.exists(stf) else {}
        return done.returncode, stats, done.stdout + done.stderr
    return run
