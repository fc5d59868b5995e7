"""A small SIP UAC over UDP for the cases SIPp 3.6.1 cannot play: it computes only MD5
(its binary says "authentication must use MD5 or AKAv1-MD5"), cannot resend old credentials on a
new call, and cannot answer with a nonce it did not receive. The digest math here is Python's own
hashlib (RFC 7616 s3.4.1, RFC 8760), independent of the daemon's C++.

    uac = DigestUac(daemon.sip_port)
    first = uac.invite("+14155551234")                    # -> Reply(401, challenges ...)
    auth = uac.authorization(first.challenge("SHA-256"), "alice", "s3cret")
    ok = uac.invite("+14155551234", authorization=auth)  # -> Reply(200); uac.hang_up(ok)
"""
import hashlib
import hmac
import os
import re
import socket
import time

HASHES = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}


def digest_response(algorithm, user, realm, password, nonce, method, uri, nc, cnonce, qop="auth"):
    h = lambda text: HASHES[algorithm](text.encode()).hexdigest()  # noqa: E731
    ha1 = h(f"{user}:{realm}:{password}")
    ha2 = h(f"{method}:{uri}")
    return h(f"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}")


def mint_nonce(secret_key_hex, issued_at):
    """A nonce as the daemon issues them (sip/auth/nonce_issuer.cpp), keyed like app/telephony.cpp:
    HMAC-SHA256(secret key, "parley sip digest nonce"). Lets a test present an old one."""
    key = hmac.new(bytes.fromhex(secret_key_hex), b"parley sip digest nonce", hashlib.sha256).digest()
    payload = f"{int(issued_at):016x}" + os.urandom(8).hex()
    return payload + hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()[:32]


def params(header_value):
    """The auth-params of a Digest challenge as a dict (quoted or token values)."""
    return {k.lower(): (q if q else t) for k, q, t in re.findall(r'(\w+)=(?:"([^"]*)"|([^\s,]+))', header_value)}


class Reply:
    def __init__(self, raw):
        self.raw = raw
        head = raw.split("\r\n\r\n", 1)[0].split("\r\n")
        self.status = int(head[0].split(" ")[1])
        self.headers = []
        for line in head[1:]:
            name, _, value = line.partition(":")
            self.headers.append((name.strip().lower(), value.strip()))

    def all(self, name):
        return [v for n, v in self.headers if n == name.lower()]

    def first(self, name):
        values = self.all(name)
        return values[0] if values else None

    def challenge(self, algorithm):
        for value in self.all("WWW-Authenticate"):
            p = params(value)
            if p.get("algorithm", "MD5").upper() == algorithm.upper():
                return p
        raise AssertionError(f"no {algorithm} challenge in: {self.all('WWW-Authenticate')}")


class DigestUac:
    def __init__(self, sip_port, host="127.0.0.1", timeout=5):
        self.target = (host, sip_port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((host, 0))
        self.sock.settimeout(timeout)
        self.port = self.sock.getsockname()[1]
        self.seq = 0

    def close(self):
        self.sock.close()

    def _send(self, text):
        self.sock.sendto(text.encode(), self.target)

    def _final(self, call_id, cseq_method, deadline_s=5):
        deadline = time.time() + deadline_s
        while time.time() < deadline:
            data, _ = self.sock.recvfrom(65535)
            reply = data.decode(errors="replace")
            if not reply.startswith("SIP/2.0"):
                continue  # a request (a BYE from the far end): not what is awaited here
            r = Reply(reply)
            if r.first("Call-ID") == call_id and r.first("CSeq").endswith(cseq_method) and r.status >= 200:
                return r
        raise AssertionError(f"no final response to {cseq_method} for {call_id}")

    def _request(self, method, uri, call, cseq, to_tag=None, branch=None, extra=(), body=""):
        branch = branch or f"z9hG4bK{os.urandom(6).hex()}"
        to = f"<{uri}>" + (f";tag={to_tag}" if to_tag else "")
        lines = [f"{method} {uri} SIP/2.0",
                 f"Via: SIP/2.0/UDP 127.0.0.1:{self.port};branch={branch};rport",
                 "Max-Forwards: 70",
                 f"From: <sip:+14155550100@127.0.0.1:{self.port}>;tag={call['from_tag']}",
                 f"To: {to}", f"Call-ID: {call['call_id']}", f"CSeq: {cseq} {method}",
                 f"Contact: <sip:caller@127.0.0.1:{self.port}>", *extra]
        if body:
            lines.append("Content-Type: application/sdp")
        lines.append(f"Content-Length: {len(body.encode())}")
        self._send("\r\n".join(lines) + "\r\n\r\n" + body)
        return branch

    def uri(self, did):
        return f"sip:{did}@{self.target[0]}:{self.target[1]}"

    def invite(self, did, authorization=None, call=None):
        """One INVITE (a new call unless `call` is given) until its final response; a non-2xx is ACKed
        in its transaction (RFC 3261 s17.1.1.3). Returns the Reply with .call set."""
        self.seq += 1
        call = call or {"call_id": f"digest-{os.urandom(6).hex()}", "from_tag": os.urandom(4).hex(), "cseq": 0}
        call["cseq"] += 1
        sdp = ("v=0\r\no=uac 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
               f"m=audio {40000 + self.port % 1000 * 2} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")
        extra = [f"Authorization: {authorization}"] if authorization else []
        uri = self.uri(did)
        branch = self._request("INVITE", uri, call, call["cseq"], extra=extra, body=sdp)
        reply = self._final(call["call_id"], "INVITE")
        to_tag = params(reply.first("To")).get("tag")
        if reply.status >= 300:
            self._request("ACK", uri, call, call["cseq"], to_tag=to_tag, branch=branch)
        reply.call, reply.to_tag, reply.uri = call, to_tag, uri
        return reply

    def ack(self, answered):
        """ACK a 200 (RFC 3261 s13.2.2.4): the call is up until hang_up(..., acked=True)."""
        call = answered.call
        self._request("ACK", answered.uri, call, call["cseq"], to_tag=answered.to_tag)

    def hang_up(self, answered, acked=False):
        """ACK the 200 (unless done), then BYE; returns the BYE's final status."""
        call = answered.call
        if not acked:
            self.ack(answered)
        call["cseq"] += 1
        self._request("BYE", answered.uri, call, call["cseq"], to_tag=answered.to_tag)
        return self._final(call["call_id"], "BYE").status

    def authorization(self, challenge, user, password, did, nc="00000001", cnonce=None, nonce=None):
        algorithm = challenge.get("algorithm", "MD5")
        nonce = nonce or challenge["nonce"]
        cnonce = cnonce or os.urandom(8).hex()
        uri = self.uri(did)
        response = digest_response(algorithm, user, challenge["realm"], password, nonce, "INVITE", uri, nc, cnonce)
        return (f'Digest username="{user}", realm="{challenge["realm"]}", nonce="{nonce}", uri="{uri}", '
                f'response="{response}", algorithm={algorithm}, cnonce="{cnonce}", qop=auth, nc={nc}')
