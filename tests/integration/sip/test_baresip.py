"""baresip 1.0 (headless, notes §3) calling sip_test_uas over UDP and TLS: the call is established,
baresip hangs up when its 2 s audio file ends, and the UAS logs answer and remote BYE."""
import math
import os
import shutil
import struct
import subprocess
import wave

import pytest

from .sipkit import free_udp_port


@pytest.fixture
def caller(workdir):
    if shutil.which("baresip") is None:
        pytest.fail("baresip is not installed")
    with wave.open(os.path.join(workdir, "a8k.wav"), "wb") as w:  # mono S16LE at the codec's rate
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / 8000)))
                               for i in range(16000)))
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", f"{workdir}/key.pem",
                    "-out", f"{workdir}/cert.pem"], check=True, capture_output=True, timeout=60)
    conf = os.path.join(workdir, "A")
    os.makedirs(conf)
    sip_port = free_udp_port(span=2)  # TLS listens on the next port
    rtp = free_udp_port() // 100 * 100
    with open(os.path.join(conf, "config"), "w") as f:
        f.write(f"""poll_method epoll
sip_listen 127.0.0.1:{sip_port}
sip_cafile {workdir}/cert.pem
net_interface 127.0.0.1
call_local_timeout 30
audio_source aufile,{workdir}/a8k.wav
audio_player aubridge,nil
audio_alert aubridge,nil
rtp_ports {rtp}-{rtp + 99}
module_path /usr/lib/baresip/modules
module g711.so
module aufile.so
module aubridge.so
module_tmp account.so
module_app menu.so
""")
    with open(os.path.join(conf, "accounts"), "w") as f:
        f.write(f"<sip:a@127.0.0.1:{sip_port}>;regint=0;audio_codecs=pcmu\n")
    open(os.path.join(conf, "contacts"), "w").close()

    def dial(uri):
        done = subprocess.run(["baresip", "-f", conf, "-t", "6", "-e", f"/dial {uri}"], cwd=workdir,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)
        return done.stdout + done.stderr
    return dial


@pytest.mark.parametrize("transport", ["udp", "tls"])
def test_baresip_calls_the_uas(workdir, start_uas, caller, transport):
    uas = start_uas("--tls-listen", "127.0.0.1:0", "--tls-cert", f"{workdir}/cert.pem", "--tls-key",
                    f"{workdir}/key.pem", "--log-level", "info")
    uri = f"sip:svc@127.0.0.1:{uas.udp}" if transport == "udp" else f"sip:svc@127.0.0.1:{uas.tls};transport=tls"
    log = caller(uri)
    assert "Call established" in log, log[-3000:]
    assert "terminated" in log
    uas.stop()
    out = uas.output()
    assert f"transport={transport.upper()}" in out
    assert "event=sip.call.answered" in out and "reason=remote_bye" in out, out[-2000:]
