"""Fixtures for carrier tests: the twilio/plivo npm libraries as signature oracles."""
import json
import os
import shutil
import subprocess

import pytest

HERE = os.path.dirname(__file__)
NPM_DIR = os.path.join(HERE, "..", ".npm")  # gitignored; kept between runs
PACKAGES = ["twilio@6.2.0", "plivo@4.79.0"]


def _installed():
    for pkg in PACKAGES:
        name, version = pkg.split("@")
        meta = os.path.join(NPM_DIR, "node_modules", name, "package.json")
        if not os.path.exists(meta) or json.load(open(meta)).get("version") != version:
            return False
    return True


@pytest.fixture(scope="session")
def oracle():
    """sign(jobs) -> results, computed by the official libraries (see oracle.js)."""
    if not shutil.which("node") or not shutil.which("npm"):
        pytest.skip("node and npm are needed for the signature oracle")
    os.makedirs(NPM_DIR, exist_ok=True)
    if not _installed():
        with open(os.path.join(NPM_DIR, "package.json"), "w") as f:
            json.dump({"name": "parley-signature-oracles", "private": True}, f)
        r = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--no-save", *PACKAGES], cwd=NPM_DIR,
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr[-2000:]
    assert _installed()

    def sign(jobs):
        r = subprocess.run(["node", os.path.join(HERE, "oracle.js"), os.path.abspath(NPM_DIR)], input=json.dumps(jobs),
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        results = json.loads(r.stdout)
        assert all(x["valid"] for x in results), results  # the library accepts its own signature
        return results

    return sign
