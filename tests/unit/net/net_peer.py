"""Local peers for the net unit tests, on 127.0.0.1 (prints "READY <ws_port> <raw_port> [<wss_port>]").
With "--tls CERT KEY", the WebSocket server also listens with TLS on wss_port.

ws_port: a real WebSocket server (python3-websockets):
  /echo?...      first sends {"path","headers"} of the upgrade as text, then echoes every message
  /close         closes with 4000 "bye" after the first message it receives
  /big           sends one 2 MiB binary message
  /reject        refuses the upgrade with 401 and a JSON body
raw_port: hand-written HTTP/1.1 on asyncio streams, for what a library would not do:
  /ws-stall      answers the WebSocket upgrade with 101, then never reads or writes again
  /chunks        chunked response: five chunks "part-<i>\n", 50 ms apart
  /sse           text/event-stream in awkward pieces
  /cut           chunked response that stops in the middle of a chunk and closes
  /stall-body    sends the head and one chunk, then nothing
  /slow-head     accepts the request and never answers
  /length        Content-Length body "0123456789" sent in two writes
  /error         429 with a JSON error body
"""
import asyncio
import base64
import hashlib
import http
import json
import signal
import ssl
import sys

import websockets

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


async def ws_handler(ws, path):
    if path.startswith("/echo"):
        await ws.send(json.dumps({"path": path, "headers": dict(ws.request_headers.raw_items())}))
        async for message in ws:
            await ws.send(message)
    elif path == "/close":
        await ws.recv()
        await ws.close(4000, "bye")
    elif path == "/big":
        await ws.send(b"x" * (2 << 20))
        await asyncio.sleep(2)


async def process_request(path, headers):
    if path == "/reject":
        body = json.dumps({"err_code": "INVALID_AUTH", "err_msg": "Invalid credentials."}).encode()
        return http.HTTPStatus.UNAUTHORIZED, [("Content-Type", "application/json")], body
    return None


async def read_head(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    return method, target, headers


def chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


async def raw_handler(reader, writer):
    try:
        method, target, headers = await read_head(reader)
        w = writer.write
        if target == "/ws-stall":
            accept = base64.b64encode(hashlib.sha1((headers["sec-websocket-key"] + GUID).encode()).digest()).decode()
            w(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Accept: {accept}\r\n\r\n").encode())
            await writer.drain()
            await asyncio.sleep(30)
        elif target == "/chunks":
            w(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n")
            for i in range(5):
                w(chunk(b"part-%d\n" % i))
                await writer.drain()
                await asyncio.sleep(0.05)
            w(b"0\r\n\r\n")
        elif target == "/sse":
            w(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
            for piece in [b"data: {\"a\":", b"1}\r\n\r\n: comment\n", b"event: done\ndata: x\r", b"\ndata: y\n\n"]:
                w(chunk(piece))
                await writer.drain()
                await asyncio.sleep(0.02)
            w(b"0\r\n\r\n")
        elif target == "/cut":
            w(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            w(chunk(b"first"))
            w(b"20\r\nonly-part-of-it")
            await writer.drain()
        elif target == "/stall-body":
            w(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            w(chunk(b"hello"))
            await writer.drain()
            await asyncio.sleep(30)
        elif target == "/slow-head":
            await asyncio.sleep(30)
        elif target == "/length":
            w(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234")
            await writer.drain()
            await asyncio.sleep(0.05)
            w(b"56789")
        elif target == "/error":
            body = json.dumps({"error": {"message": "Rate limit reached", "type": "requests"}}).encode()
            w(b"HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
              % (len(body), body))
        await writer.drain()
        writer.close()
    except (ConnectionError, asyncio.IncompleteReadError):
        pass


async def main():
    stop = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set_result, None)
    async with websockets.serve(ws_handler, "127.0.0.1", 0, process_request=process_request, max_size=None) as ws:
        raw = await asyncio.start_server(raw_handler, "127.0.0.1", 0)
        ports = [ws.sockets[0].getsockname()[1], raw.sockets[0].getsockname()[1]]
        if len(sys.argv) == 4 and sys.argv[1] == "--tls":
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(sys.argv[2], sys.argv[3])
            wss = await websockets.serve(ws_handler, "127.0.0.1", 0, ssl=ctx, process_request=process_request)
            ports.append(wss.sockets[0].getsockname()[1])
        print("READY", *ports, flush=True)
        await stop


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
