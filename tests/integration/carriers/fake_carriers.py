"""A local stand-in for the Twilio and Plivo REST APIs Parley provisions numbers with.

It speaks their wire protocol for the endpoints Parley calls, on one loopback port:
  Twilio  api.twilio.com       /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json[?PhoneNumber=]
                               /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{PN}.json
                               /2010-04-01/Accounts/{AccountSid}/SIP/CredentialLists[/{CL}].json
                               /2010-04-01/Accounts/{AccountSid}/SIP/CredentialLists/{CL}/Credentials[/{CR}].json
                               /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}.json (modify a live call:
                               Status=completed hangs it up, Twiml=... runs new TwiML on it)
          trunking.twilio.com  /v1/Trunks[/{TK}], /v1/Trunks/{TK}/OriginationUrls|CredentialLists|PhoneNumbers[/{sid}]
  Plivo   api.plivo.com        /v1/Account/{auth_id}/Number/{number}/, /v1/Account/{auth_id}/Application/[{app_id}/]
with HTTP Basic auth (AccountSid:AuthToken, AuthID:AuthToken), form-encoded (Twilio) or JSON (Plivo)
request bodies, JSON answers with their list/paging shapes, and their error bodies: Twilio
{"code","message","more_info","status"}, Plivo {"api_id","error"}.

Faults are injected per request (method + path pattern): "500" and "429" answer before anything
is done; "timeout" does the work and then answers only after `stall_s` (past Parley's deadline),
the case where the client cannot know what happened.

Deliberately stricter than Twilio in one way: a trunk or credential list that still has children
(origination URLs, associations, credentials) cannot be deleted, so clean-up must go newest first.
"""
import base64
import itertools
import json
import re
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TWILIO_ACCOUNT = "AC" + "0123456789abcdef" * 2
TWILIO_TOKEN = "twilio-test-auth-token-0123"
PLIVO_AUTH_ID = "MAPARLEYTESTAUTHID01"
PLIVO_TOKEN = "plivo-test-auth-token-4567"
PUBLIC = "https://voice.example.test"  # the public_url the carriers are given


def parley_env(fake, **extra):
    """Environment that points a Parley daemon at `fake` (one-second carrier deadline, Twilio's
    signaling addresses on loopback)."""
    env = {"PARLEY_TWILIO_API_BASE": fake.base, "PARLEY_TWILIO_TRUNKING_BASE": fake.base,
           "PARLEY_PLIVO_API_BASE": fake.base, "PARLEY_CARRIER_HTTP_TIMEOUT_S": "1", "PARLEY_PUBLIC_URL": PUBLIC,
           "PARLEY_TWILIO_SIGNALING_IPS": "127.0.0.1/32", "PARLEY_RATE_DEFAULT_PER_MIN": "100000"}
    env.update(extra)
    return env


def _sid(prefix):
    return prefix + secrets.token_hex(16)


class Fault:
    def __init__(self, method, pattern, kind, times=1):
        self.method, self.pattern, self.kind, self.times = method, re.compile(pattern), kind, times


class FakeCarriers:
    def __init__(self, stall_s=2.5):
        self.stall_s = stall_s
        self.lock = threading.Lock()
        self.faults = []
        self.log = []  # (method, path, content_type, body)
        # Twilio: one account with numbers to import.
        self.numbers = {}  # PN sid -> IncomingPhoneNumber dict
        self.trunks, self.origination_urls, self.credential_lists, self.credentials = {}, {}, {}, {}
        self.trunk_lists = set()  # (TK, CL): termination credential lists
        self.calls = {}  # CallSid -> Call resource of a call in progress (Media Streams tests)
        # Plivo: one account.
        self.plivo_numbers = {}  # digits -> {"app_id": ...}
        self.apps = {}
        self._app_ids = itertools.count(10_000_001)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # ---- control ----
    @property
    def base(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def add_twilio_number(self, e164, voice_url="https://old.example.test/voice", voice_method="POST"):
        sid = _sid("PN")
        with self.lock:
            self.numbers[sid] = {
                "sid": sid, "account_sid": TWILIO_ACCOUNT, "phone_number": e164, "friendly_name": e164,
                "voice_url": voice_url, "voice_method": voice_method, "status_callback": "",
                "status_callback_method": "POST", "trunk_sid": None, "voice_application_sid": None,
                "uri": f"/2010-04-01/Accounts/{TWILIO_ACCOUNT}/IncomingPhoneNumbers/{sid}.json",
            }
        return sid

    def add_twilio_call(self, call_sid, from_number, to_number):
        """A call Twilio is carrying (answered by a <Connect><Stream>), which Parley may modify."""
        with self.lock:
            self.calls[call_sid] = {
                "sid": call_sid, "account_sid": TWILIO_ACCOUNT, "from": from_number, "to": to_number,
                "status": "in-progress", "direction": "inbound", "api_version": "2010-04-01", "twiml": None,
                "uri": f"/2010-04-01/Accounts/{TWILIO_ACCOUNT}/Calls/{call_sid}.json",
            }

    def call(self, call_sid):
        with self.lock:
            return dict(self.calls[call_sid])

    def add_plivo_number(self, e164, app_id=None):
        with self.lock:
            self.plivo_numbers[e164.lstrip("+")] = {"app_id": app_id}

    def add_plivo_app(self, name):
        with self.lock:
            app_id = str(next(self._app_ids))
            self.apps[app_id] = {"app_id": app_id, "app_name": name, "answer_url": "https://old.example.test/answer"}
            return app_id

    def fail(self, method, pattern, kind, times=1):
        with self.lock:
            self.faults.append(Fault(method, pattern, kind, times))

    def clear_faults(self):
        with self.lock:
            self.faults.clear()

    def resources(self):
        """Everything Parley can create or change, for "nothing left behind" checks."""
        with self.lock:
            return {
                "trunks": sorted(self.trunks), "origination_urls": sorted(self.origination_urls),
                "credential_lists": sorted(self.credential_lists), "credentials": sorted(self.credentials),
                "trunk_credential_lists": sorted(self.trunk_lists),
                "trunk_numbers": sorted(n["sid"] for n in self.numbers.values() if n["trunk_sid"]),
                "applications": sorted(a for a, v in self.apps.items() if v["app_name"].startswith("parley-")),
            }

    def requests_to(self, method, pattern):
        with self.lock:
            return [e for e in self.log if e[0] == method and re.search(pattern, e[1])]

    # ---- HTTP ----
    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _answer(self, status, body=None, headers=()):
                data = b"" if body is None else json.dumps(body).encode()
                try:
                    self.send_response(status)
                    for k, v in headers:
                        self.send_header(k, v)
                    if body is not None:
                        self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout faults)

            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                url = urllib.parse.urlsplit(self.path)
                ctype = self.headers.get("Content-Type", "")
                with fake.lock:
                    fake.log.append((self.command, url.path, ctype, raw.decode(errors="replace")))
                    fault = next((f for f in fake.faults if f.times > 0 and f.method == self.command
                                  and f.pattern.search(url.path)), None)
                    if fault:
                        fault.times -= 1
                plivo = url.path.startswith("/v1/Account/")
                if fault and fault.kind in ("500", "429"):
                    status = int(fault.kind)
                    return self._answer(status, fake.error(plivo, status, "injected fault"),
                                        headers=[("Retry-After", "1")] if status == 429 else [])
                if not fake.authorized(plivo, self.headers.get("Authorization", "")):
                    return self._answer(401, fake.error(plivo, 401, "Authenticate"))
                try:
                    status, body = fake.route(self.command, url.path, urllib.parse.parse_qs(url.query), ctype, raw)
                except BadRequest as e:
                    status, body = 400, fake.error(plivo, 400, str(e))
                if fault and fault.kind == "timeout":
                    time.sleep(fake.stall_s)
                self._answer(status, body)

            do_GET = do_POST = do_DELETE = _serve

        return Handler

    @staticmethod
    def error(plivo, status, message):
        if plivo:
            return {"api_id": secrets.token_hex(8), "error": message}
        code = {400: 20001, 401: 20003, 404: 20404, 409: 20409, 429: 20429, 500: 20500}.get(status, 20500)
        return {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}",
                "status": status}

    @staticmethod
    def authorized(plivo, header):
        user, token = (PLIVO_AUTH_ID, PLIVO_TOKEN) if plivo else (TWILIO_ACCOUNT, TWILIO_TOKEN)
        expected = "Basic " + base64.b64encode(f"{user}:{token}".encode()).decode()
        return header == expected

    def route(self, method, path, query, ctype, raw):
        with self.lock:
            if path.startswith("/v1/Account/"):
                return self._plivo(method, path, query, ctype, raw)
            if method in ("POST",) and not ctype.startswith("application/x-www-form-urlencoded"):
                raise BadRequest("Twilio takes application/x-www-form-urlencoded bodies")
            form = {k: v[-1] for k, v in urllib.parse.parse_qs(raw.decode(), keep_blank_values=True).items()}
            if path.startswith("/v1/Trunks"):
                return self._trunking(method, path, query, form)
            prefix = f"/2010-04-01/Accounts/{TWILIO_ACCOUNT}"
            if not path.startswith(prefix + "/"):
                return 404, self.error(False, 404, "The requested resource was not found")
            return self._twilio_api(method, path[len(prefix):], query, form)

    # Twilio api.twilio.com/2010-04-01 (pages: {"<key>": [...], "next_page_uri": ...}).
    def _twilio_api(self, method, path, query, form):
        def page(key, items):
            return {key: items, "page": 0, "page_size": 1000, "next_page_uri": None, "previous_page_uri": None,
                    "start": 0, "end": max(len(items) - 1, 0), "uri": path}

        if path == "/IncomingPhoneNumbers.json" and method == "GET":
            want = query.get("PhoneNumber", [None])[0]
            return 200, page("incoming_phone_numbers",
                             [n for n in self.numbers.values() if want is None or n["phone_number"] == want])
        m = re.fullmatch(r"/IncomingPhoneNumbers/(PN\w+)\.json", path)
        if m and method == "POST":
            n = self.numbers.get(m.group(1))
            if not n:
                return 404, self.error(False, 404, "The requested resource was not found")
            for field, key in (("VoiceUrl", "voice_url"), ("VoiceMethod", "voice_method"),
                               ("StatusCallback", "status_callback"), ("StatusCallbackMethod", "status_callback_method")):
                if field in form:
                    n[key] = form[field]
            return 200, n
        m = re.fullmatch(r"/Calls/(CA\w+)\.json", path)
        if m and method == "POST":
            c = self.calls.get(m.group(1))
            if not c:
                return 404, self.error(False, 404, "The requested resource was not found")
            if "Status" in form:
                if form["Status"] not in ("completed", "canceled"):
                    raise BadRequest("Status must be completed or canceled")
                if c["status"] == "in-progress" or form["Status"] == "canceled":
                    c["status"] = "completed"
            elif "Twiml" in form or "Url" in form:
                if c["status"] != "in-progress":
                    raise BadRequest("Call is not in-progress. Cannot redirect.")
                c["twiml"] = form.get("Twiml")
            else:
                raise BadRequest("one of Status, Url or Twiml is required")
            return 200, c
        if path == "/SIP/CredentialLists.json":
            if method == "GET":
                return 200, page("credential_lists", list(self.credential_lists.values()))
            if method == "POST":
                name = require(form, "FriendlyName")
                sid = _sid("CL")
                self.credential_lists[sid] = {"sid": sid, "account_sid": TWILIO_ACCOUNT, "friendly_name": name}
                return 201, self.credential_lists[sid]
        m = re.fullmatch(r"/SIP/CredentialLists/(CL\w+)\.json", path)
        if m and method == "DELETE":
            cl = m.group(1)
            if cl not in self.credential_lists:
                return 404, self.error(False, 404, "The requested resource was not found")
            if any(c["credential_list_sid"] == cl for c in self.credentials.values()) or \
                    any(l == cl for _, l in self.trunk_lists):
                return 400, self.error(False, 400, "credential list is still in use")
            del self.credential_lists[cl]
            return 204, None
        m = re.fullmatch(r"/SIP/CredentialLists/(CL\w+)/Credentials\.json", path)
        if m:
            cl = m.group(1)
            if cl not in self.credential_lists:
                return 404, self.error(False, 404, "The requested resource was not found")
            if method == "GET":
                return 200, page("credentials", [c for c in self.credentials.values() if c["credential_list_sid"] == cl])
            if method == "POST":
                user, password = require(form, "Username"), require(form, "Password")
                if len(user) > 32:
                    raise BadRequest("Username is longer than 32 characters")
                if len(password) < 12 or not re.search(r"\d", password) or password.lower() == password \
                        or password.upper() == password:
                    raise BadRequest("Password must be at least 12 characters with a digit and mixed case")
                sid = _sid("CR")
                self.credentials[sid] = {"sid": sid, "credential_list_sid": cl, "username": user, "password": password}
                return 201, {k: v for k, v in self.credentials[sid].items() if k != "password"}
        m = re.fullmatch(r"/SIP/CredentialLists/(CL\w+)/Credentials/(CR\w+)\.json", path)
        if m and method == "DELETE":
            if self.credentials.pop(m.group(2), None) is None:
                return 404, self.error(False, 404, "The requested resource was not found")
            return 204, None
        return 404, self.error(False, 404, "The requested resource was not found")

    # Twilio trunking.twilio.com/v1 (pages: {"<key>": [...], "meta": {..., "next_page_url": ...}}).
    def _trunking(self, method, path, query, form):
        def page(key, items):
            return {key: items, "meta": {"page": 0, "page_size": 1000, "first_page_url": path, "previous_page_url": None,
                                         "url": path, "next_page_url": None, "key": key}}

        not_found = (404, self.error(False, 404, "The requested resource was not found"))
        if path == "/v1/Trunks":
            if method == "GET":
                return 200, page("trunks", list(self.trunks.values()))
            if method == "POST":
                domain = form.get("DomainName", "")
                if domain and (not domain.endswith(".pstn.twilio.com") or
                               any(t["domain_name"] == domain for t in self.trunks.values())):
                    raise BadRequest("DomainName must be unique and end with pstn.twilio.com")
                sid = _sid("TK")
                self.trunks[sid] = {"sid": sid, "account_sid": TWILIO_ACCOUNT, "friendly_name": form.get("FriendlyName"),
                                    "domain_name": domain or None, "secure": False}
                return 201, self.trunks[sid]
        m = re.fullmatch(r"/v1/Trunks/(TK\w+)(?:/(\w+)(?:/(\w+))?)?", path)
        if not m or m.group(1) not in self.trunks:
            return not_found
        tk, sub, item = m.groups()
        if sub is None and method == "DELETE":
            if any(o["trunk_sid"] == tk for o in self.origination_urls.values()) or \
                    any(t == tk for t, _ in self.trunk_lists) or any(n["trunk_sid"] == tk for n in self.numbers.values()):
                return 400, self.error(False, 400, "trunk still has origination URLs, credential lists or numbers")
            del self.trunks[tk]
            return 204, None
        if sub == "OriginationUrls":
            if item is None and method == "GET":
                return 200, page("origination_urls", [o for o in self.origination_urls.values() if o["trunk_sid"] == tk])
            if item is None and method == "POST":
                for f in ("FriendlyName", "SipUrl", "Priority", "Weight", "Enabled"):
                    require(form, f)
                if not form["SipUrl"].startswith("sip:"):
                    raise BadRequest("SipUrl must be a sip: URI")
                sid = _sid("OU")
                self.origination_urls[sid] = {"sid": sid, "trunk_sid": tk, "friendly_name": form["FriendlyName"],
                                              "sip_url": form["SipUrl"], "priority": int(form["Priority"]),
                                              "weight": int(form["Weight"]), "enabled": form["Enabled"] == "true"}
                return 201, self.origination_urls[sid]
            if item and method == "DELETE":
                if self.origination_urls.get(item, {}).get("trunk_sid") != tk:
                    return not_found
                del self.origination_urls[item]
                return 204, None
        if sub == "CredentialLists":
            if item is None and method == "GET":
                return 200, page("credential_lists", [{"sid": l, "trunk_sid": t} for t, l in self.trunk_lists if t == tk])
            if item is None and method == "POST":
                cl = require(form, "CredentialListSid")
                if cl not in self.credential_lists:
                    raise BadRequest("CredentialListSid is not a credential list of this account")
                self.trunk_lists.add((tk, cl))
                return 201, {"sid": cl, "trunk_sid": tk, "friendly_name": self.credential_lists[cl]["friendly_name"]}
            if item and method == "DELETE":
                if (tk, item) not in self.trunk_lists:
                    return not_found
                self.trunk_lists.discard((tk, item))
                return 204, None
        if sub == "PhoneNumbers":
            if item is None and method == "GET":
                return 200, page("phone_numbers", [n for n in self.numbers.values() if n["trunk_sid"] == tk])
            if item is None and method == "POST":
                pn = require(form, "PhoneNumberSid")
                n = self.numbers.get(pn)
                if not n or n["trunk_sid"]:
                    raise BadRequest("PhoneNumberSid is unknown or already on a trunk")
                n["trunk_sid"] = tk
                return 201, {"sid": pn, "trunk_sid": tk, "phone_number": n["phone_number"]}
            if item and method == "DELETE":
                n = self.numbers.get(item)
                if not n or n["trunk_sid"] != tk:
                    return not_found
                n["trunk_sid"] = None
                return 204, None
        return not_found

    # Plivo api.plivo.com/v1 (JSON bodies; pages: {"meta": {"next": ...}, "objects": [...]}).
    def _plivo(self, method, path, query, ctype, raw):
        prefix = f"/v1/Account/{PLIVO_AUTH_ID}/"
        not_found = (404, self.error(True, 404, "not found"))
        if not path.startswith(prefix) or not path.endswith("/"):
            return not_found
        rest = path[len(prefix):]
        body = {}
        if method == "POST":
            if not ctype.startswith("application/json"):
                raise BadRequest("Plivo takes application/json bodies")
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                raise BadRequest("malformed JSON")
        api_id = secrets.token_hex(8)
        m = re.fullmatch(r"Number/(\d+)/", rest)
        if m:
            n = self.plivo_numbers.get(m.group(1))
            if n is None:
                return not_found
            if method == "GET":
                app = n["app_id"]
                return 200, {"api_id": api_id, "number": m.group(1), "alias": None, "voice_enabled": True,
                             "application": f"{prefix}Application/{app}/" if app else None,
                             "resource_uri": path}
            if method == "POST":
                app = body.get("app_id")
                if app not in self.apps:
                    raise BadRequest("app_id is not an application of this account")
                n["app_id"] = app
                return 202, {"api_id": api_id, "message": "changed"}
        if rest == "Application/":
            if method == "GET":
                limit = int(query.get("limit", ["20"])[0])
                offset = int(query.get("offset", ["0"])[0])
                apps = sorted(self.apps.values(), key=lambda a: a["app_id"])
                chunk = apps[offset:offset + limit]
                nxt = f"{prefix}Application/?limit={limit}&offset={offset + limit}" if offset + limit < len(apps) else None
                return 200, {"api_id": api_id, "meta": {"limit": limit, "offset": offset, "next": nxt, "previous": None,
                                                        "total_count": len(apps)}, "objects": chunk}
            if method == "POST":
                name, answer = body.get("app_name"), body.get("answer_url")
                if not name or not answer:
                    raise BadRequest("app_name and answer_url are required")
                if any(a["app_name"] == name for a in self.apps.values()):
                    raise BadRequest("an application with this app_name exists")
                app_id = str(next(self._app_ids))
                self.apps[app_id] = {"app_id": app_id, "app_name": name, "answer_url": answer,
                                     "answer_method": body.get("answer_method", "POST"),
                                     "hangup_url": body.get("hangup_url"), "hangup_method": body.get("hangup_method"),
                                     "resource_uri": f"{prefix}Application/{app_id}/"}
                return 201, {"api_id": api_id, "app_id": app_id, "message": "created"}
        m = re.fullmatch(r"Application/(\d+)/", rest)
        if m and method == "DELETE":
            if self.apps.pop(m.group(1), None) is None:
                return not_found
            for n in self.plivo_numbers.values():  # a deleted application's numbers are unlinked
                if n["app_id"] == m.group(1):
                    n["app_id"] = None
            return 204, None
        return not_found


class BadRequest(Exception):
    pass


def require(form, name):
    value = form.get(name)
    if value is None or value == "":
        raise BadRequest(f"Missing required parameter {name} in the post body")
    return value
