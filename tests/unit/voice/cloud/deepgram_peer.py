"""A local Deepgram live-transcription server (wss://api.deepgram.com/v1/listen protocol) on
127.0.0.1; prints "READY <port>".

Real shapes: the upgrade needs "Authorization: Token <key>" and the query parameters model, encoding
(linear16), sample_rate, channels; refusals are HTTP errors with Deepgram's {"err_code","err_msg",
"request_id"} body. Audio arrives as binary frames of s16le samples; text frames carry KeepAlive,
Finalize and CloseStream. It "recognizes" by energy: loud audio is speech, and the words it hears are
SCRIPT, revealed word by word in interim Results; endpointing ms of silence after speech give a
Results with is_final and speech_final; Finalize flushes (from_finalize); CloseStream gets Metadata
and a 1000 close. The key picks a behaviour:
  good-key   as above          late       never sends speech_final: only Finalize ends an utterance
  bad        401 INVALID_AUTH  rate       429 TOO_MANY_REQUESTS
  stall      accepts, reads, never answers (pings are still answered by the library)
  drop       closes with 1011 and the NET-0001 reason after the first second of audio
Every text message received is printed as "CLIENT <json>" and the end of a connection as "CLOSED".
"""
import asyncio
import http
import json
import signal
import struct
import sys
import uuid
from urllib.parse import parse_qs, urlparse

import websockets

SCRIPT = "i need help with my order".split()


def refuse(status, code, msg):
    body = json.dumps({"err_code": code, "err_msg": msg, "request_id": str(uuid.uuid4())}).encode()
    return status, [("Content-Type", "application/json")], body


async def process_request(path, headers):
    url = urlparse(path)
    if url.path != "/v1/listen":
        return refuse(http.HTTPStatus.NOT_FOUND, "NOT_FOUND", "Unknown endpoint")
    auth = headers.get("Authorization", "")
    if not auth.startswith("Token "):
        return refuse(http.HTTPStatus.UNAUTHORIZED, "INVALID_AUTH", "Invalid credentials.")
    key = auth[len("Token "):]
    if key == "bad":
        return refuse(http.HTTPStatus.UNAUTHORIZED, "INVALID_AUTH", "Invalid credentials.")
    if key == "rate":
        return refuse(http.HTTPStatus.TOO_MANY_REQUESTS, "TOO_MANY_REQUESTS", "Too many requests. Please try again later")
    q = parse_qs(url.query)
    for need in ("model", "encoding", "sample_rate", "channels"):
        if need not in q:
            return refuse(http.HTTPStatus.BAD_REQUEST, "Bad Request", f"missing query parameter {need}")
    if q["encoding"] != ["linear16"]:
        return refuse(http.HTTPStatus.BAD_REQUEST, "Bad Request", "unsupported encoding")
    return None


def results(words, start, duration, is_final, speech_final, from_finalize=False):
    return json.dumps({
        "type": "Results", "channel_index": [0, 1], "duration": duration, "start": start,
        "is_final": is_final, "speech_final": speech_final, "from_finalize": from_finalize,
        "channel": {"alternatives": [{"transcript": " ".join(words), "confidence": 0.97,
                                      "words": [{"word": w, "start": start, "end": start + duration,
                                                 "confidence": 0.97} for w in words]}]},
        "metadata": {"request_id": str(uuid.uuid4()), "model_info": {"name": "2-general-nova", "version": "2024-01-09",
                                                                    "arch": "nova-2"}, "model_uuid": str(uuid.uuid4())},
    })


async def handler(ws, path):
    q = parse_qs(urlparse(path).query)
    key = ws.request_headers["Authorization"][len("Token "):]
    rate = int(q["sample_rate"][0])
    endpointing_s = int(q.get("endpointing", ["300"])[0]) / 1000
    t = 0.0                 # seconds of audio received
    speech_start = None     # utterance in progress since
    last_loud = None
    heard = []              # words revealed so far in this utterance
    sent_final = 0          # words already finalized
    next_word_at = None
    try:
        async for message in ws:
            if key == "stall":
                continue
            if isinstance(message, str):
                print("CLIENT", message, flush=True)
                kind = json.loads(message).get("type")
                if kind == "Finalize":
                    words = heard[sent_final:]
                    await ws.send(results(words, speech_start or t, 0.5, True, False, from_finalize=True))
                    sent_final = len(heard)
                    heard, sent_final, speech_start = [], 0, None
                elif kind == "CloseStream":
                    await ws.send(json.dumps({"type": "Metadata", "transaction_key": "deprecated",
                                              "request_id": str(uuid.uuid4()), "sha256": "0" * 64,
                                              "created": "2026-01-01T00:00:00.000Z", "duration": t,
                                              "channels": 1}))
                    await ws.close(1000, "")
                    return
                continue
            n = len(message) // 2
            samples = struct.unpack("<%dh" % n, message[: n * 2])
            loud = max((abs(s) for s in samples), default=0) > 2000
            t += n / rate
            if key == "drop" and t >= 1.0:
                await ws.close(1011, "Deepgram did not receive audio data or a text message within the timeout "
                                     "window. See https://dpgr.am/net0001")
                return
            if loud:
                last_loud = t
                if speech_start is None:
                    speech_start, next_word_at = t, t + 0.15
                if t >= next_word_at and len(heard) < len(SCRIPT):
                    heard.append(SCRIPT[len(heard)])
                    next_word_at = t + 0.15
                    await ws.send(results(heard[sent_final:], speech_start, t - speech_start, False, False))
            elif speech_start is not None and key != "late" and t - last_loud >= endpointing_s and len(heard) > sent_final:
                await ws.send(results(heard[sent_final:], speech_start, t - speech_start, True, True))
                sent_final = len(heard)
                await ws.send(json.dumps({"type": "UtteranceEnd", "channel": [0, 1], "last_word_end": last_loud}))
    except websockets.ConnectionClosed:
        pass
    finally:
        print("CLOSED", flush=True)


async def main():
    stop = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set_result, None)
    async with websockets.serve(handler, "127.0.0.1", 0, process_request=process_request) as server:
        print("READY", server.sockets[0].getsockname()[1], flush=True)
        await stop


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
