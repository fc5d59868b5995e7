"""Local OpenAI-compatible and ElevenLabs servers on 127.0.0.1 (hand-written HTTP/1.1 on asyncio, so a
test can cut or stall a stream anywhere); prints "READY <port>". Every request is printed as
"REQUEST <method> <path> <json of headers and body>" (multipart bodies as their parsed fields).

OpenAI shapes (Authorization: Bearer <key>):
  POST /v1/chat/completions      stream=true: chat.completion.chunk SSE events, tool_calls fragments,
                                 finish_reason, a usage chunk with stream_options.include_usage, [DONE]
  POST /v1/audio/transcriptions  multipart (file WAV, model, language, response_format): {"text"}
  POST /v1/audio/speech          {"model","voice","input","response_format":"pcm"}: 24 kHz s16le, chunked
ElevenLabs shapes (xi-api-key):
  POST /v1/text-to-speech/{voice_id}/stream?output_format=pcm_16000  {"text","model_id"}: 16 kHz s16le
Keys pick failures: bad (401), rate (429), boom (500), stall (head, then silence), cut (a stream that
stops in the middle), slow (writes 150 ms apart); any other key works.
Chat replies follow the last message: a tool result -> "The tool said: <result>."; "order status"
-> a lookup_order tool call whose id, name and arguments arrive in fragments split inside JSON and
across TCP writes; "goodbye" -> "Goodbye!" then end_call; "press" -> send_dtmf "1"; "transfer" ->
transfer_call; "loop" -> a tool call every round; otherwise "You said: <text>. Anything else?".
"""
import asyncio
import email.parser
import email.policy
import io
import json
import math
import signal
import sys
import wave


def error_body(kind):
    return {
        "bad": (401, {"error": {"message": "Incorrect API key provided: bad. You can find your API key at "
                                           "https://platform.openai.com/account/api-keys.",
                                "type": "invalid_request_error", "param": None, "code": "invalid_api_key"}}),
        "rate": (429, {"error": {"message": "Rate limit reached for requests", "type": "requests",
                                 "param": None, "code": "rate_limit_exceeded"}}),
        "boom": (500, {"error": {"message": "The server had an error while processing your request. Sorry about that!",
                                 "type": "server_error", "param": None, "code": None}}),
    }.get(kind)


ELEVEN_ERRORS = {
    "bad": (401, {"detail": {"status": "invalid_api_key", "message": "Invalid API key"}}),
    "rate": (429, {"detail": {"status": "too_many_concurrent_requests",
                              "message": "Too many concurrent requests for your subscription."}}),
    "boom": (500, {"detail": {"status": "internal_error", "message": "An internal error occurred."}}),
}

REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 429: "Too Many Requests",
           500: "Internal Server Error"}


class Conn:
    def __init__(self, reader, writer):
        self.r, self.w = reader, writer

    async def head(self, status, ctype, chunked=True, length=None):
        h = f"HTTP/1.1 {status} {REASONS.get(status, 'X')}\r\nContent-Type: {ctype}\r\nConnection: close\r\n"
        h += "Transfer-Encoding: chunked\r\n" if chunked else f"Content-Length: {length}\r\n"
        self.w.write((h + "\r\n").encode())
        await self.w.drain()

    async def chunk(self, data: bytes):
        self.w.write(b"%x\r\n%s\r\n" % (len(data), data))
        await self.w.drain()

    async def end(self):
        self.w.write(b"0\r\n\r\n")
        await self.w.drain()

    async def json(self, status, obj):
        body = json.dumps(obj).encode()
        await self.head(status, "application/json", chunked=False, length=len(body))
        self.w.write(body)
        await self.w.drain()


def sse(obj):
    return b"data: " + json.dumps(obj).encode() + b"\n\n"


def chunk_obj(delta, finish=None, model="gpt-test"):
    return {"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 1700000000, "model": model,
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]}


def tone(rate, seconds):
    n = int(rate * seconds)
    return b"".join(int(8000 * math.sin(2 * math.pi * 440 * i / rate)).to_bytes(2, "little", signed=True)
                    for i in range(n))


async def chat(c, key, body):
    model = body.get("model", "")
    msgs = body.get("messages", [])
    if not msgs or not model or body.get("stream") is not True:
        return await c.json(400, {"error": {"message": "model, messages and stream are required",
                                            "type": "invalid_request_error", "param": None, "code": None}})
    await c.head(200, "text/event-stream")
    if key == "stall":
        await asyncio.sleep(30)
        return
    last = msgs[-1]
    tools = [t["function"]["name"] for t in body.get("tools", [])]
    events = []
    text = None
    if last["role"] == "tool":
        if "loop" in json.dumps(msgs):
            events.append(chunk_obj({"role": "assistant", "tool_calls": [
                {"index": 0, "id": "call_loop", "type": "function",
                 "function": {"name": "lookup_order", "arguments": "{\"order_id\":\"1\"}"}}]}))
            events.append(chunk_obj({}, "tool_calls"))
        else:
            text = "The tool said: " + last["content"] + "."
    else:
        said = last.get("content") or ""
        if ("order status" in said or "loop" in said) and "lookup_order" in tools:
            # Fragments as real servers send them: id/name first, then arguments in pieces.
            events.append(chunk_obj({"role": "assistant", "content": None, "tool_calls": [
                {"index": 0, "id": "call_abc123", "type": "function", "function": {"name": "lookup_order", "arguments": ""}}]}))
            for piece in ["{\"ord", "er_id\": \"12", "34\"}"]:
                events.append(chunk_obj({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]}))
            events.append(chunk_obj({}, "tool_calls"))
        elif "goodbye" in said and "end_call" in tools:
            events.append(chunk_obj({"role": "assistant", "content": "Goodbye!"}))
            events.append(chunk_obj({"tool_calls": [{"index": 0, "id": "call_end", "type": "function",
                                                     "function": {"name": "end_call", "arguments": "{\"reason\":\"done\"}"}}]}))
            events.append(chunk_obj({}, "tool_calls"))
        elif "press" in said and "send_dtmf" in tools:
            events.append(chunk_obj({"role": "assistant", "tool_calls": [
                {"index": 0, "id": "call_dtmf", "type": "function", "function": {"name": "send_dtmf", "arguments": "{\"digits\":\"1\"}"}}]}))
            events.append(chunk_obj({}, "tool_calls"))
        elif "transfer" in said and "transfer_call" in tools:
            events.append(chunk_obj({"role": "assistant", "tool_calls": [
                {"index": 0, "id": "call_xfer", "type": "function",
                 "function": {"name": "transfer_call", "arguments": "{\"target\":\"sip:sales@pbx.test\"}"}}]}))
            events.append(chunk_obj({}, "tool_calls"))
        else:
            text = "You said: " + said + ". Anything else?"
    if text is not None:
        events.append(chunk_obj({"role": "assistant", "content": ""}))
        for i in range(0, len(text), 6):
            events.append(chunk_obj({"content": text[i:i + 6]}))
        events.append(chunk_obj({}, "stop"))
    if body.get("stream_options", {}).get("include_usage"):
        events.append({"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 1700000000, "model": model,
                       "choices": [], "usage": {"prompt_tokens": 42, "completion_tokens": 7, "total_tokens": 49}})
    stream = b"".join(sse(e) for e in events) + b"data: [DONE]\n\n"
    if key == "cut":
        await c.chunk(stream[: len(stream) // 2])
        return  # the connection closes mid-stream
    # Odd-sized writes: events are split anywhere, also inside JSON strings.
    step = 200 if key == "slow" else 37
    for i in range(0, len(stream), step):
        await c.chunk(stream[i:i + step])
        await asyncio.sleep(0.15 if key == "slow" else 0.002)
    await c.end()


async def transcriptions(c, key, ctype, raw):
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + raw)
    fields, wav = {}, None
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if part.get_filename():
            wav = part.get_payload(decode=True)
            fields[name] = {"filename": part.get_filename(), "content_type": part.get_content_type()}
        else:
            fields[name] = part.get_content()
    print("FIELDS", json.dumps(fields), flush=True)
    if wav is None or "model" not in fields:
        return await c.json(400, {"error": {"message": "file and model are required", "type": "invalid_request_error",
                                            "param": None, "code": None}})
    if key == "stall":
        await asyncio.sleep(30)
        return
    with wave.open(io.BytesIO(wav)) as w:
        seconds = w.getnframes() / w.getframerate()
        shape = f"{w.getnchannels()}ch {w.getframerate()}Hz {8 * w.getsampwidth()}bit"
    await c.json(200, {"text": f"I heard {seconds:.1f} seconds of {shape}."})


async def speech(c, key, rate, text, cut_at=None):
    await c.head(200, "audio/pcm" if rate == 16000 else "application/octet-stream")
    if key == "stall":
        await asyncio.sleep(30)
        return
    audio = tone(rate, min(3.0, 0.05 * len(text)))
    step = 4801  # odd: samples straddle chunk boundaries
    for i in range(0, len(audio), step):
        if key == "cut" and i >= len(audio) // 2:
            return
        await c.chunk(audio[i:i + step])
        await asyncio.sleep(0.005)
    await c.end()


async def handle(reader, writer):
    c = Conn(reader, writer)
    try:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        raw = await reader.readexactly(int(headers.get("content-length", "0")))
        path, _, query = target.partition("?")
        is_json = headers.get("content-type", "").startswith("application/json")
        print("REQUEST", method, target, json.dumps({"headers": headers, "body": json.loads(raw) if is_json else None}),
              flush=True)
        if path.startswith("/v1/text-to-speech/"):
            key = headers.get("xi-api-key", "")
            if key in ELEVEN_ERRORS:
                return await c.json(*ELEVEN_ERRORS[key])
            if not path.endswith("/stream") or query != "output_format=pcm_16000":
                return await c.json(400, {"detail": {"status": "invalid_output_format", "message": "bad output"}})
            if path.split("/")[3] != "voice-1":
                return await c.json(404, {"detail": {"status": "voice_not_found",
                                                     "message": "A voice with the voice_id was not found."}})
            return await speech(c, key, 16000, json.loads(raw)["text"])
        auth = headers.get("authorization", "")
        key = auth[len("Bearer "):] if auth.startswith("Bearer ") else ""
        if not key:
            return await c.json(401, {"error": {"message": "You didn't provide an API key.",
                                                "type": "invalid_request_error", "param": None, "code": None}})
        if error_body(key):
            return await c.json(*error_body(key))
        if path == "/v1/chat/completions":
            return await chat(c, key, json.loads(raw))
        if path == "/v1/audio/transcriptions":
            return await transcriptions(c, key, headers.get("content-type", ""), raw)
        if path == "/v1/audio/speech":
            body = json.loads(raw)
            if body.get("response_format") != "pcm" or not body.get("input") or not body.get("voice"):
                return await c.json(400, {"error": {"message": "bad speech request", "type": "invalid_request_error",
                                                    "param": None, "code": None}})
            return await speech(c, key, 24000, body["input"])
        await c.json(404, {"error": {"message": "Unknown request URL", "type": "invalid_request_error",
                                     "param": None, "code": "unknown_url"}})
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


async def main():
    stop = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set_result, None)
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print("READY", server.sockets[0].getsockname()[1], flush=True)
    await stop


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
