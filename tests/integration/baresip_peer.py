"""baresip 1.0 as a headless SIP peer (shared/notes §3): one config directory per instance, an
aufile source at the codec's rate, and sndfile recordings of what it heard (`*-dec.wav`) and sent
(`*-enc.wav`). Everything binds 127.0.0.1; every wait has a deadline."""
import glob
import io
import math
import os
import shutil
import socket
import subprocess
import wave

import numpy as np

# codec name -> (baresip module, account audio_codecs value, audio file rate and channels)
CODECS = {
    "pcmu": ("g711.so", "pcmu", 8000, 1),
    "pcma": ("g711.so", "pcma", 8000, 1),
    "g722": ("g722.so", "g722", 16000, 1),
    "opus": ("opus.so", "opus", 48000, 2),  # baresip's opus runs 48000/2 and wants a stereo file
}


def _port_free(port):
    for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        with socket.socket(socket.AF_INET, kind) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                return False
    return True


def free_port_pair():
    """A port p with p and p+1 free for UDP and TCP (baresip puts TLS on its SIP port + 1)."""
    for _ in range(200):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.bind(("127.0.0.1", 0))
            port = u.getsockname()[1]
        if port < 65000 and _port_free(port) and _port_free(port + 1):
            return port
    raise RuntimeError("no free port pair")


def read_wav(path):
    """(samples as float array in [-1, 1], rate) of a mono or stereo PCM16 WAV (a path or a file
    object); stereo stays 2-D."""
    with wave.open(path, "rb") as w:
        rate, channels, n = w.getframerate(), w.getnchannels(), w.getnframes()
        data = np.frombuffer(w.readframes(n), dtype="<i2").astype(np.float64) / 32768.0
    return (data.reshape(-1, channels) if channels > 1 else data), rate


def write_wav(path, samples, rate, channels=1):
    """Mono samples to a PCM16 WAV; with channels=2 the same signal goes to both channels."""
    pcm = np.clip(np.asarray(samples) * 32767.0, -32768, 32767).astype("<i2")
    if channels == 2:
        pcm = np.repeat(pcm, 2)
    with wave.open(path, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())


def resample(samples, rate_from, rate_to):
    """Linear-phase resampling by sox (a real resampler, not numpy interpolation)."""
    if rate_from == rate_to:
        return samples
    pcm = np.clip(samples * 32767.0, -32768, 32767).astype("<i2").tobytes()
    out = subprocess.run(["sox", "-t", "raw", "-r", str(rate_from), "-e", "signed", "-b", "16", "-c", "1", "-",
                          "-t", "raw", "-r", str(rate_to), "-e", "signed", "-b", "16", "-c", "1", "-"],
                         input=pcm, capture_output=True, check=True, timeout=60).stdout
    return np.frombuffer(out, dtype="<i2").astype(np.float64) / 32768.0


def espeak(text, rate, voice="en-us", pad_s=0.0):
    """espeak-ng speech as mono samples at `rate`, with `pad_s` of trailing silence."""
    raw = subprocess.run(["espeak-ng", "-v", voice, "--stdout", text], check=True, capture_output=True,
                         timeout=60).stdout
    samples, r = read_wav(io.BytesIO(raw))
    return np.concatenate([resample(samples, r, rate), np.zeros(int(pad_s * rate))])


def source_wav(workdir, name, samples, codec):
    """`samples` (mono, at the codec's file rate) as the aufile source baresip needs for `codec`."""
    _, _, rate, channels = CODECS[codec]
    path = os.path.join(workdir, f"{name}-{codec}.wav")
    write_wav(path, samples, rate, channels)
    return path


def mono(samples):
    return samples if samples.ndim == 1 else samples[:, 0]


def best_correlation(reference, received, rate, max_lag_s=2.0):
    """Max normalized cross-correlation of two signals at one rate over lags 0..max_lag_s (the
    received copy comes later), with the lag in seconds: 1.0 is an identical, delayed copy."""
    ref = reference - reference.mean()
    rec = received - received.mean()
    n = len(ref) + len(rec)
    size = 1 << (n - 1).bit_length()
    spectrum = np.fft.rfft(rec, size) * np.conj(np.fft.rfft(ref, size))
    corr = np.fft.irfft(spectrum, size)[: int(max_lag_s * rate)]
    lag = int(np.argmax(corr))
    # Normalize by the energies of the overlapping parts.
    overlap = rec[lag:lag + len(ref)]
    ref_part = ref[: len(overlap)]
    denom = math.sqrt(float(np.dot(ref_part, ref_part)) * float(np.dot(overlap, overlap)))
    return (float(corr[lag]) / denom if denom > 0 else 0.0), lag / rate


class Baresip:
    """One baresip instance. `call(uri, seconds)` dials with the menu's /dial and returns the log; the
    call ends when the source file ends (aufile EOF hangs up, notes §3)."""

    def __init__(self, workdir, name, codec="pcmu", source=None, srtp=False, ca_file=None, auto_answer=False,
                 record=True, user=None):
        if shutil.which("baresip") is None:
            raise RuntimeError("baresip is not installed")
        module, codec_name, self.rate, _ = CODECS[codec]
        self.dir = os.path.join(workdir, name)
        self.rec_dir = os.path.join(self.dir, "rec")
        os.makedirs(self.rec_dir, exist_ok=True)
        self.sip_port = free_port_pair()
        rtp = free_port_pair() // 100 * 100
        modules = sorted({module, "aufile.so", "aubridge.so"} | ({"srtp.so"} if srtp else set())
                         | ({"sndfile.so"} if record else set()))
        lines = [
            "poll_method epoll",
            f"sip_listen 127.0.0.1:{self.sip_port}",
            "net_interface 127.0.0.1",
            "call_local_timeout 30",
            f"audio_source aufile,{source}" if source else "audio_source aubridge,nil",
            "audio_player aubridge,nil",
            "audio_alert aubridge,nil",
            f"rtp_ports {rtp}-{rtp + 99}",
            "module_path /usr/lib/baresip/modules",
            *[f"module {m}" for m in modules],
            "module_tmp account.so",
            "module_app menu.so",
            f"snd_path {self.rec_dir}",
        ]
        if ca_file:
            lines.append(f"sip_cafile {ca_file}")
        with open(os.path.join(self.dir, "config"), "w") as f:
            f.write("\n".join(lines) + "\n")
        params = [f"regint=0", f"audio_codecs={codec_name}"]
        if srtp:
            params.append("mediaenc=srtp-mand")
        if auto_answer:
            params.append("answermode=auto")
        with open(os.path.join(self.dir, "accounts"), "w") as f:
            # baresip answers 404 to a Request-URI user other than its account's: a callee takes the dialled number.
            f.write(f"<sip:{user or name}@127.0.0.1:{self.sip_port}>;" + ";".join(params) + "\n")
        open(os.path.join(self.dir, "contacts"), "w").close()

    def call(self, uri, seconds):
        """Dials `uri` and runs for at most `seconds`; returns baresip's output."""
        done = subprocess.run(["baresip", "-f", self.dir, "-t", str(seconds), "-e", f"/dial {uri}"], cwd=self.dir,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, errors="replace",
                              timeout=seconds + 30)
        return done.stdout + done.stderr

    def received(self):
        """What this peer heard on its (last) call, decoded, first channel: (samples, rate)."""
        files = sorted(glob.glob(os.path.join(self.rec_dir, "*-dec.wav")))
        if not files:
            raise AssertionError(f"baresip recorded nothing in {self.rec_dir}")
        samples, rate = read_wav(files[-1])
        return mono(samples), rate
