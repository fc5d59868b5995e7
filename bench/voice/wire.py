"""What crosses the wire, as the caller hears it: RTP on the loopback interface captured with an
AF_PACKET socket (root; kernel receive timestamps), G.722 payloads decoded with spandsp (ctypes),
and the caller's speech ends and the agent's speech onsets found on one clock.

The daemon measures voice to voice from its own VAD's speech end (after its jitter buffer) to its
first RTP packet of the reply, whatever that packet holds. This measures from the caller's last
audible sample on the wire to the agent's first audible sample on the wire: the jitter buffer and
any silence at the start of the reply count."""
import ctypes
import socket
import struct
import threading

import numpy as np

ETH_P_ALL = 0x0003
SO_TIMESTAMPNS = 35
PACKET_OUTGOING = 4
G722_PT = 9

_spandsp = ctypes.CDLL("libspandsp.so.2")
_spandsp.g722_decode_init.restype = ctypes.c_void_p
_spandsp.g722_decode_init.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
_spandsp.g722_decode.restype = ctypes.c_int
_spandsp.g722_decode.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int16), ctypes.c_char_p, ctypes.c_int]
_spandsp.g722_decode_free.argtypes = [ctypes.c_void_p]


class G722Decoder:
    """64 kbit/s G.722 (RFC 3551: 8000 Hz RTP clock, 16 kHz audio) to float samples."""

    def __init__(self):
        self._s = _spandsp.g722_decode_init(None, 64000, 0)

    def decode(self, payload):
        out = (ctypes.c_int16 * (2 * len(payload)))()
        n = _spandsp.g722_decode(self._s, out, payload, len(payload))
        return np.frombuffer(out, dtype=np.int16, count=n).astype(np.float64) / 32768.0

    def __del__(self):
        _spandsp.g722_decode_free(self._s)


class RtpCapture:
    """Captures IPv4 UDP packets on `lo` to or from ports in [port_min, port_max] (the daemon's RTP
    range), each sent packet once, with its kernel timestamp. Stop with stop(); then streams()."""

    def __init__(self, port_min, port_max):
        self.port_min, self.port_max = port_min, port_max
        self.packets = []  # (t, src_port, dst_port, udp payload)
        self._sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self._sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        self._sock.bind(("lo", 0))
        self._sock.settimeout(0.2)
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop:
            try:
                data, anc, _, addr = self._sock.recvmsg(2048, 64)
            except socket.timeout:
                continue
            if addr[2] != PACKET_OUTGOING or len(data) < 14 + 20 + 8:
                continue  # loopback shows each packet twice: keep the sending side
            if struct.unpack("!H", data[12:14])[0] != 0x0800 or data[23] != 17:
                continue  # IPv4 UDP only
            ihl = (data[14] & 0x0F) * 4
            udp = 14 + ihl
            sport, dport = struct.unpack("!HH", data[udp:udp + 4])
            if not (self.port_min <= sport <= self.port_max or self.port_min <= dport <= self.port_max):
                continue
            t = None
            for level, kind, value in anc:
                if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                    sec, nsec = struct.unpack("qq", value[:16])
                    t = sec + nsec / 1e9
            self.packets.append((t, sport, dport, data[udp + 8:]))

    def stop(self):
        self._stop = True
        self._thread.join(2)
        self._sock.close()

    def streams(self):
        """{"to_daemon": (times, samples), "from_daemon": ...}: every G.722 packet's decoded audio,
        each sample dated at its packet's wire time plus its offset in the packet."""
        out = {}
        for key, inbound in (("to_daemon", True), ("from_daemon", False)):
            dec = G722Decoder()
            times, chunks = [], []
            for t, sport, dport, payload in self.packets:
                to_daemon = self.port_min <= dport <= self.port_max
                if to_daemon != inbound or len(payload) < 12 or payload[0] >> 6 != 2:
                    continue
                if payload[1] & 0x7F != G722_PT:
                    continue  # telephone-event and other payloads
                cc = payload[0] & 0x0F
                audio = dec.decode(bytes(payload[12 + 4 * cc:]))
                chunks.append(audio)
                times.append(t + np.arange(len(audio)) / 16000.0)
            out[key] = (np.concatenate(times) if times else np.zeros(0),
                        np.concatenate(chunks) if chunks else np.zeros(0))
        return out


def audible(samples, threshold_dbfs=-50.0, window=80):
    """A boolean per sample: the 5 ms window (80 samples) around it is above threshold_dbfs RMS."""
    if len(samples) == 0:
        return np.zeros(0, dtype=bool)
    power = np.convolve(samples ** 2, np.ones(window) / window, mode="same")
    return power > (10 ** (threshold_dbfs / 10.0))


def turn_gaps(streams, min_pause_s=0.8, idle_lsb=8):
    """Per caller phrase: (caller's last audible sample, first sample of the agent's reply, agent's
    first audible sample after it), in wire time. A phrase ends at an audible sample followed by at
    least min_pause_s of quiet from the caller. The reply's first sample is the first one above what
    encoded digital silence decodes to (a few LSB): where the daemon's own measure ends, whatever the
    audio holds. None where nothing came."""
    ct, cs = streams["to_daemon"]
    at, asamp = streams["from_daemon"]
    if len(ct) == 0 or len(at) == 0:
        return []
    c_idx = np.nonzero(audible(cs))[0]
    a_times = at[np.nonzero(audible(asamp))[0]]
    n_times = at[np.nonzero(np.abs(asamp) * 32768.0 > idle_lsb)[0]]
    ends = [ct[i] for i, j in zip(c_idx[:-1], c_idx[1:]) if ct[j] - ct[i] >= min_pause_s]
    if len(c_idx):
        ends.append(ct[c_idx[-1]])

    def after(times, t):
        k = np.searchsorted(times, t, side="right")
        return float(times[k]) if k < len(times) else None

    return [(float(e), after(n_times, e), after(a_times, e)) for e in ends]
