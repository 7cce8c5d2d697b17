"""An OAuth 2 authorization server for the mock (RFC 6749), and the
resource server's check of its tokens.

It knows nothing of sockets: mockhttp.py asks `token(req)` for requests
to the token endpoint and `guard(req)` for every request (a protected
path without a valid access token gets 401). Answers are
(status, header lines, body) as datasets.py gives them.
"""

import base64
import hashlib
import json
import re
import time
import urllib.parse


class OAuthError(Exception):
    """A bad `oauth` line."""


OPTIONS = {
    "token": "/oauth/token",        # the token endpoint's path
    "client_id": "mock-client",
    "client_secret": "mock-client-secret-0123456789",
    "auth": "any",                  # body, basic or any: client auth taken
    "refresh_token": "",            # the valid one; "" = refresh refused
    "rotate": "0",                  # 1: every refresh issues a new one
    "expires_in": "3600",           # seconds, or "none": not sent
    "protect": "/api/*",            # paths that need a bearer token
    "scope": "",                    # "" = any; else required ("+": space)
}


def parse_options(words):
    opts = dict(OPTIONS)
    for w in words:
        k, eq, v = w.partition("=")
        if not eq or k not in OPTIONS:
            raise OAuthError("oauth: unknown option %r (known: %s)"
                             % (w, " ".join(sorted(OPTIONS))))
        opts[k] = v
    opts["scope"] = urllib.parse.unquote_plus(opts["scope"])
    if opts["auth"] not in ("body", "basic", "any"):
        raise OAuthError("oauth: auth=body, basic or any")
    if opts["rotate"] not in ("0", "1"):
        raise OAuthError("oauth: rotate=0 or 1")
    if opts["expires_in"] != "none":
        try:
            float(opts["expires_in"])
        except ValueError:
            raise OAuthError("oauth: expires_in=SECONDS or none")
    return opts


def glob(pattern):
    return re.compile(".*".join(re.escape(p) for p in pattern.split("*")),
                      re.S)


def made(kind, n):
    """A token that looks like one: fixed for a given kind and n."""
    return "mock-%s-%d-%s" % (kind, n,
                              hashlib.sha256(b"%s%d" % (kind.encode(), n))
                              .hexdigest()[:24])


JSON = b"Content-Type: application/json"
NO_STORE = b"Cache-Control: no-store"


def answer(status, obj, *extra):
    return (status, [JSON, NO_STORE] + list(extra),
            json.dumps(obj, separators=(",", ":")).encode())


class OAuthServer:
    def __init__(self, words):
        self.o = parse_options(words)
        self.path = self.o["token"]
        self.protect = glob(self.o["protect"])
        self.refresh = self.o["refresh_token"] or None
        self.access = {}            # token -> expiry (epoch s) or None
        self.issued = 0
        self.rotations = 0
        self.refused = 0            # 401s for a bad or missing token
        self.token_requests = 0

    # -- the token endpoint (RFC 6749 sections 4.4, 5, 6)

    def client(self, req, form):
        """(ok, how): were the client's credentials right, and how sent."""
        auth = req.headers.get("Authorization", "")
        sent = []
        if auth.lower().startswith("basic "):
            try:
                raw = base64.b64decode(auth[6:].strip(), validate=True)
                user, _, pw = raw.decode().partition(":")
                sent.append(("basic", urllib.parse.unquote_plus(user),
                             urllib.parse.unquote_plus(pw)))
            except (ValueError, UnicodeDecodeError):
                return False
        if "client_id" in form:
            sent.append(("body", form["client_id"][0],
                         form.get("client_secret", [""])[0]))
        if len(sent) != 1:
            return False        # none, or both ways at once (2.3.1)
        how, cid, secret = sent[0]
        if self.o["auth"] != "any" and how != self.o["auth"]:
            return False
        return cid == self.o["client_id"] and \
            secret == self.o["client_secret"]

    def token(self, req):
        if req.path != self.path:
            return None
        self.token_requests += 1
        if req.method != "POST":
            return answer(405, {"error": "invalid_request",
                                "error_description": "POST only"})
        ctype = req.headers.get("Content-Type", "")
        if not ctype.startswith("application/x-www-form-urlencoded"):
            return answer(400, {"error": "invalid_request",
                                "error_description": "form body expected"})
        form = urllib.parse.parse_qs(req.body.decode("utf-8", "replace"),
                                     keep_blank_values=True)
        if not self.client(req, form):
            return answer(401, {"error": "invalid_client",
                                "error_description": "Client "
                                "authentication failed."},
                          b'WWW-Authenticate: Basic realm="mock"')
        grant = form.get("grant_type", [""])[0]
        if grant == "refresh_token":
            if self.refresh is None or \
                    form.get("refresh_token", [""])[0] != self.refresh:
                return answer(400, {"error": "invalid_grant",
                                    "error_description": "Token has been "
                                    "expired or revoked."})
        elif grant != "client_credentials":
            return answer(400, {"error": "unsupported_grant_type"})
        scope = form.get("scope", [""])[0]
        if self.o["scope"] and scope != self.o["scope"]:
            return answer(400, {"error": "invalid_scope",
                                "error_description": "scope must be "
                                + self.o["scope"]})
        self.issued += 1
        tok = made("at", self.issued)
        out = {"access_token": tok, "token_type": "Bearer"}
        if self.o["expires_in"] != "none":
            ttl = float(self.o["expires_in"])
            self.access[tok] = time.time() + ttl
            out["expires_in"] = int(ttl) if ttl == int(ttl) else ttl
        else:
            self.access[tok] = None
        if grant == "refresh_token":
            if self.o["rotate"] == "1":
                self.rotations += 1
                self.refresh = made("rt", self.rotations)
            out["refresh_token"] = self.refresh
        if scope:
            out["scope"] = scope
        return answer(200, out)

    # -- the resource server

    def guard(self, req):
        if not self.protect.fullmatch(req.path):
            return None
        auth = req.headers.get("Authorization", "")
        tok = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
        if tok in self.access and (self.access[tok] is None or
                                   time.time() < self.access[tok]):
            return None
        self.refused += 1
        return answer(401, {"error": "invalid_token",
                            "error_description": "The access token is "
                            "missing, expired or revoked."},
                      b'WWW-Authenticate: Bearer error="invalid_token"')

    # -- /_mock/oauth

    def control(self, req):
        if req.path == "/_mock/oauth" and req.method == "GET":
            return answer(200, {"issued": self.issued,
                                "rotations": self.rotations,
                                "refresh_token": self.refresh,
                                "token_requests": self.token_requests,
                                "refused": self.refused})
        if req.path == "/_mock/oauth/revoke" and req.method == "POST":
            n = len(self.access)
            self.access.clear()
            return answer(200, {"revoked": n})
        return None
