"""A python3-websockets client against Parley's WebSocket server (interop check). Prints "READY", then
one line per step: "TEXT <echo>", "BINARY <hex>", and "CLOSED <code> <reason>" when the server closes."""
import asyncio
import sys

import websockets


async def main(url):
    print("READY", flush=True)
    async with websockets.connect(url, extra_headers={"X-Token": "secret-1"}) as ws:
        await ws.send("hello parley")
        print("TEXT", await ws.recv(), flush=True)
        await ws.send(b"\x00\x01\xfe\xff")
        print("BINARY", (await ws.recv()).hex(), flush=True)
        await ws.send("close please")
        try:
            await ws.recv()
        except websockets.ConnectionClosed as e:
            print("CLOSED", e.code, e.reason, flush=True)


asyncio.run(main(sys.argv[1]))
