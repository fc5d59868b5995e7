"""HTTP protocol edges: malformed requests, limits, keep-alive, request ids, unknown routes."""
import http.client
import socket

from conftest import assert_error


def raw_exchange(port, data, read=65536):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(data)
        chunks = b""
        while True:
            try:
                c = s.recv(read)
            except socket.timeout:
                break
            if not c:
                break
            chunks += c
        return chunks


def test_unknown_route_and_method(parley):
    assert_error(parley.get("/nope"), 404, "not_found")
    r = parley.request("PUT", "/voice/agents", body={})
    assert_error(r, 405, "method_not_allowed")
    assert "GET" in r.header("Allow") and "POST" in r.header("Allow")
    assert_error(parley.get("/voice/agents/"), 404)


def test_malformed_json_and_content_type(parley):
    assert_error(parley.post("/voice/agents", raw=b"{not json", headers={"Content-Type": "application/json"}), 400,
                 "invalid_argument")
    assert_error(parley.post("/voice/agents", raw=b"[1,2]", headers={"Content-Type": "application/json"}), 400)
    assert_error(parley.post("/voice/agents", raw=b"<a/>", headers={"Content-Type": "text/xml"}), 415)
    assert_error(parley.post("/voice/agents", raw=b"", headers={"Content-Type": "application/json"}), 400)
    deep = b"[" * 100 + b"]" * 100
    assert_error(parley.post("/voice/agents", raw=b'{"a":' + deep + b"}", headers={"Content-Type": "application/json"}), 400)
    # curl -d without a Content-Type sends form encoding; a JSON object body is still understood.
    r = parley.post("/voice/agents", raw=b'{"name":"x"}', headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 201, r


def test_body_and_header_limits(make_daemon):
    d = make_daemon({"PARLEY_HTTP_MAX_BODY_BYTES": "2048", "PARLEY_HTTP_MAX_HEADER_BYTES": "2048"})
    r = d.post("/voice/agents", raw=b'{"name":"' + b"x" * 5000 + b'"}', headers={"Content-Type": "application/json"})
    assert_error(r, 413, "payload_too_large")
    r = d.get("/voice/agents", headers={"X-Big": "y" * 4000})
    assert_error(r, 431)
    assert d.get("/healthz", auth=False).status == 200


def test_garbage_request_line_gets_400_and_server_survives(parley):
    out = raw_exchange(parley.port, b"\x16\x03\x01\x02\x00garbage\r\n\r\n")
    assert out.startswith(b"HTTP/1.1 400"), out[:100]
    out = raw_exchange(parley.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n")
    assert out.startswith(b"HTTP/1.1 400"), out[:100]
    out = raw_exchange(parley.port, b"GET /voice/%zz HTTP/1.1\r\nHost: x\r\n\r\n")
    assert out.startswith(b"HTTP/1.1 400"), out[:100]
    assert parley.get("/healthz", auth=False).status == 200


def test_keep_alive_and_request_ids(parley):
    conn = http.client.HTTPConnection("127.0.0.1", parley.port, timeout=5)
    ids = set()
    for _ in range(5):
        conn.request("GET", "/healthz")
        r = conn.getresponse()
        r.read()
        assert r.status == 200
        ids.add(r.getheader("X-Request-Id"))
    sock = conn.sock
    conn.request("GET", "/healthz", headers={"X-Request-Id": "trace-abc.123"})
    r = conn.getresponse()
    r.read()
    assert conn.sock is sock, "the connection is reused"
    assert r.getheader("X-Request-Id") == "trace-abc.123"
    conn.request("GET", "/healthz", headers={"X-Request-Id": "bad id with spaces"})
    r = conn.getresponse()
    r.read()
    assert r.getheader("X-Request-Id") != "bad id with spaces"
    assert len(ids) == 5
    conn.close()
    assert "request_id=trace-abc.123" in parley.stderr()


def test_idle_connection_times_out(make_daemon):
    d = make_daemon({"PARLEY_HTTP_REQUEST_TIMEOUT_S": "1"})
    with socket.create_connection(("127.0.0.1", d.port), timeout=5) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\n")  # never finished
        s.settimeout(4)
        assert s.recv(100) == b"", "a stalled request is cut off"
