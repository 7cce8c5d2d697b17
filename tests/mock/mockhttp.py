#!/usr/bin/env python3
"""mockhttp.py: the scripted mock HTTP server of integ's test suite.

    mockhttp.py [--port-file FILE] [--log FILE] [--port N]
                [--exit-with-parent] [--dataset 'NAME [KEY=VALUE...]']...
                [SCENARIO]

Serves HTTP/1.1 (keep-alive, one thread per connection) on 127.0.0.1 and
answers each request from SCENARIO, a small declarative file described in
tests/mock/README.md. Every request is logged as one JSON line. Standard
library only: it runs on Debian 12's python3.

Shape of the code, so that new kinds of replies are easy to add:

  Request   what was received (method, path, query, headers, body...)
  Reply     what to send, down to the wire-level faults (delay, stall,
            trickle, drop, drop-head, gzip, chunked); send_reply() is the
            only code that writes replies, whoever built them
  handlers  objects with respond(req) -> (Reply, step) or None, asked
            in order; the scenario's reply list is one (Replies), a
            stateful dataset handler (DatasetHandler, over the
            datasets of datasets.py) is another
  Mock      owns the handlers, the request log and the /_mock/ control
            endpoints; Connection is the per-connection HTTP plumbing
"""

import argparse
import gzip
import http
import json
import os
import re
import signal
import socketserver
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import datasets
import oauth

HOST = "127.0.0.1"
CRLF = b"\r\n"


class ScenarioError(Exception):
    """A scenario file that cannot be loaded: the message names FILE:LINE."""


# ---------------------------------------------------------------------------
# What was received, and what to send


@dataclass
class Request:
    method: str
    target: str        # the request target as received: path?query
    path: str          # raw, not percent-decoded
    query: str         # raw, "" when there is none
    args: dict         # the query decoded: name -> [values]
    headers: dict      # name (as sent) -> value; repeats joined by ", "
    body: bytes
    client_port: int
    time: float


@dataclass
class Stall:
    after: int         # body bytes sent before the pause
    seconds: float


@dataclass
class Trickle:
    size: int          # body bytes sent at a time
    seconds: float     # the pause after each


@dataclass
class Reply:
    status: int = 200
    reason: str = ""                    # "" = the standard phrase
    headers: list = field(default_factory=list)  # raw lines (bytes), in order
    body: bytes = b""
    delay: float = 0.0                  # seconds before anything is sent
    stall: Stall = None
    drop: int = None                    # close after this many body bytes
    drop_head: int = None               # close after this many head bytes
    trickle: Trickle = None             # the body a little at a time
    hangup: bool = False                # close without sending anything
    gzip: bool = False
    chunked: int = 0                    # chunk size; 0 = not chunked
    close: bool = False                 # Connection: close
    no_length: bool = False             # body delimited by closing

    def header_names(self):
        return {line.split(b":", 1)[0].strip().lower()
                for line in self.headers if not line[:1].isspace()}


def text_reply(status, text):
    return Reply(status=status, body=text.encode(),
                 headers=[b"Content-Type: text/plain; charset=utf-8"])


def chunk(body, size):
    out = [b"%x\r\n%s\r\n" % (len(body[i:i + size]), body[i:i + size])
           for i in range(0, len(body), size)]
    return b"".join(out) + b"0\r\n\r\n"


def send_reply(wfile, reply, head_only):
    """Write reply to wfile (unbuffered: each write goes to the socket).

    "Body bytes" for stall and drop are counted on the wire after the
    header block, that is after gzip and chunked framing. Returns True
    when the connection must be closed after this reply."""
    if reply.delay:
        time.sleep(reply.delay)
    if reply.hangup:
        return True

    headers = list(reply.headers)
    names = reply.header_names()
    body = reply.body
    if reply.gzip:
        # mtime=0: the same body always compresses to the same bytes
        body = gzip.compress(body, mtime=0)
        headers.append(b"Content-Encoding: gzip")
    if reply.chunked:
        headers.append(b"Transfer-Encoding: chunked")
        body = chunk(body, reply.chunked)
    elif not (reply.no_length or b"content-length" in names or
              b"transfer-encoding" in names or
              reply.status < 200 or reply.status in (204, 304)):
        headers.append(b"Content-Length: %d" % len(body))
    close = reply.close or reply.no_length or reply.drop is not None
    close = close or reply.drop_head is not None
    close = close or any(re.fullmatch(rb"connection:\s*close\s*", h, re.I)
                         for h in reply.headers)
    if reply.close and b"connection" not in names:
        headers.append(b"Connection: close")

    reason = reply.reason
    if not reason:
        try:
            reason = http.HTTPStatus(reply.status).phrase
        except ValueError:
            reason = "Unknown"
    head = b"HTTP/1.1 %d %s\r\n" % (reply.status, reason.encode())
    head += b"".join(h + CRLF for h in headers) + CRLF

    if reply.drop_head is not None:
        # the status line and headers cut: nothing after N bytes of them
        wfile.write(head[:reply.drop_head])
        return True
    if head_only:
        body = b""
    end = len(body) if reply.drop is None else min(reply.drop, len(body))
    if reply.trickle:
        wfile.write(head)
        for i in range(0, end, reply.trickle.size):
            wfile.write(body[i:min(i + reply.trickle.size, end)])
            time.sleep(reply.trickle.seconds)
    elif reply.stall:
        # one write for the headers and the first bytes, so the client
        # sees them before the pause (TCP_NODELAY is set)
        k = min(reply.stall.after, end)
        wfile.write(head + body[:k])
        time.sleep(reply.stall.seconds)
        wfile.write(body[k:end])
    else:
        wfile.write(head + body[:end])
    return close


# ---------------------------------------------------------------------------
# Scenario files

SUBST = re.compile(rb"%(%|PORT|HOST|URL|ENV\{([A-Za-z_][A-Za-z0-9_]*)\})")


def substitute(data, port, where):
    """Expand %PORT, %HOST, %URL, %ENV{NAME} and %% in bytes."""
    def one(m):
        word = m.group(1)
        if word == b"%":
            return b"%"
        if word == b"PORT":
            return b"%d" % port
        if word == b"HOST":
            return HOST.encode()
        if word == b"URL":
            return b"http://%s:%d" % (HOST.encode(), port)
        if m.group(2) not in os.environb:
            raise ScenarioError("%s: %%ENV{%s} is not set"
                                % (where, m.group(2).decode()))
        return os.environb[m.group(2)]
    return SUBST.sub(one, data)


def glob(pattern):
    """A pattern where only * is special (any run of characters, / and ?
    and & included); query strings are full of [ ] and ?."""
    return re.compile(".*".join(re.escape(p) for p in pattern.split("*")),
                      re.S)


@dataclass
class Rule:
    """One reply block of a scenario: when it applies, and what it sends."""
    id: object                      # the block's name, else its number
    reply: Reply
    uses: int = 1                   # None: always
    method: str = None
    path: re.Pattern = None
    query: re.Pattern = None
    args: list = field(default_factory=list)    # (name, pattern or None)
    body: re.Pattern = None         # the request body, as text

    def matches(self, req):
        if self.method and req.method != self.method:
            return False
        if self.path and not self.path.fullmatch(req.path):
            return False
        if self.query and not self.query.fullmatch(req.query):
            return False
        for name, pat in self.args:
            values = req.args.get(name)
            if values is None:
                return False
            if pat and not any(pat.fullmatch(v) for v in values):
                return False
        if self.body and not self.body.fullmatch(
                req.body.decode("utf-8", "replace")):
            return False
        return True


class Handler:
    """A source of replies; the server asks its handlers in order, under
    one lock, so a handler's state needs no locking of its own."""

    def respond(self, req):
        """(Reply, step) for a request this handler answers, else None;
        step is what the log records as scenario_step."""
        return None

    def control(self, req):
        """A Reply for a /_mock/ request this handler answers, else None:
        the way a test drives a stateful handler (add records...)."""
        return None


class Replies(Handler):
    """The handler for a scenario's reply blocks: the first block, in file
    order, that matches the request and has uses left answers it. With
    repeat_last, a request that nothing is left for gets the last block
    of the file that matches it, again."""

    def __init__(self, rules, repeat_last):
        self.rules = rules
        self.repeat_last = repeat_last

    def respond(self, req):
        for r in self.rules:
            if r.matches(req) and (r.uses is None or r.uses > 0):
                if r.uses is not None:
                    r.uses -= 1
                return r.reply, r.id
        if self.repeat_last:
            for r in reversed(self.rules):
                if r.matches(req):
                    return r.reply, r.id
        return None


class DatasetHandler(Handler):
    """The handler for `dataset` lines: records served the way an API
    serves them (datasets.py), changed between reads through /_mock/."""

    def __init__(self):
        self.sets = datasets.Datasets()

    @staticmethod
    def reply(out, delay=0.0):
        status, headers, body = out
        return Reply(status=status, headers=headers, body=body, delay=delay)

    def respond(self, req):
        got = self.sets.respond(req)
        if got is None:
            return None
        out, name, delay = got
        return self.reply(out, delay), name

    def control(self, req):
        out = self.sets.control(req)
        return self.reply(out) if out else None


class OAuthGuard(Handler):
    """First of the handlers: a protected path without a valid access
    token gets 401 before any reply block or dataset sees it."""

    def __init__(self, server):
        self.server = server

    def respond(self, req):
        out = self.server.guard(req)
        return (DatasetHandler.reply(out), "oauth") if out else None


class OAuthHandler(Handler):
    """After the reply blocks: the token endpoint (a scripted fault on
    its path is served first)."""

    def __init__(self, server):
        self.server = server

    def respond(self, req):
        out = self.server.token(req)
        return (DatasetHandler.reply(out), "oauth-token") if out else None

    def control(self, req):
        out = self.server.control(req)
        return DatasetHandler.reply(out) if out else None


def add_oauth(sc, line):
    """The authorization server of an `oauth [KEY=VALUE...]` line."""
    if any(isinstance(h, OAuthHandler) for h in sc.handlers):
        raise oauth.OAuthError("oauth: one per scenario")
    server = oauth.OAuthServer(line.split())
    sc.handlers.insert(0, OAuthGuard(server))
    sc.handlers.append(OAuthHandler(server))


def add_dataset(sc, line, port, basedir):
    """Adds the dataset of a `dataset NAME [KEY=VALUE...]` line to sc.
    Raises datasets.DatasetError."""
    words = line.split()
    if not words:
        raise datasets.DatasetError("dataset: which one? (known: %s)"
                                    % " ".join(sorted(datasets.KINDS)))
    handler = next((h for h in sc.handlers
                    if isinstance(h, DatasetHandler)), None)
    if handler is None:
        handler = DatasetHandler()
        sc.handlers.append(handler)
    handler.sets.add(datasets.make(words[0],
                                   datasets.parse_options(words[1:]),
                                   "http://%s:%d" % (HOST, port), basedir))


@dataclass
class Scenario:
    handlers: list
    exhausted_status: int = 500


HEREDOC = re.compile(r"(-n\s+)?<<([A-Za-z0-9_]+)")


class Parser:
    """Reads a scenario file: blocks of `keyword argument` lines.

    Lines are stripped; blank lines and lines starting with # are skipped,
    except inside a body heredoc, whose lines are taken byte for byte."""

    def __init__(self, path, port):
        self.path = path
        self.dir = os.path.dirname(os.path.abspath(path))
        self.port = port
        try:
            with open(path, "rb") as f:
                self.lines = f.read().split(b"\n")
        except OSError as e:
            raise ScenarioError("%s: %s" % (path, e.strerror))
        self.i = 0

    def where(self, lineno=None):
        return "%s:%d" % (self.path, lineno or self.i)

    def fail(self, msg):
        raise ScenarioError("%s: %s" % (self.where(), msg))

    def next_line(self):
        """Next (keyword, argument), or None at the end of the file."""
        while self.i < len(self.lines):
            raw = self.lines[self.i]
            self.i += 1
            text = raw.decode("utf-8", "surrogateescape").strip()
            if text and not text.startswith("#"):
                word, *arg = text.split(None, 1)
                return word, arg[0] if arg else ""
        return None

    def push_back(self):
        self.i -= 1

    def heredoc(self, end):
        """The lines up to a line holding only END, each with its newline."""
        start = self.i
        out = []
        while self.i < len(self.lines):
            raw = self.lines[self.i]
            self.i += 1
            if raw.strip() == end.encode():
                return b"".join(line + b"\n" for line in out)
            out.append(raw)
        raise ScenarioError("%s: body <<%s: no closing %s line"
                            % (self.where(start), end, end))

    def number(self, text, kind=float):
        try:
            v = kind(text)
        except ValueError:
            v = -1
        if v < 0:
            self.fail("not a number >= 0: %r" % text)
        return v

    def parse(self):
        # The reply blocks come first: a scripted reply (a fault, say) is
        # served before any handler added after it answers the request.
        replies = Replies([], False)
        sc = Scenario(handlers=[replies])
        while (line := self.next_line()) is not None:
            word, arg = line
            if word == "reply":
                replies.rules.append(
                    self.reply_block(arg or len(replies.rules) + 1))
            elif word == "dataset":
                # its replies come after every reply block, wherever the
                # line is: a scripted fault is served first
                try:
                    add_dataset(sc, arg, self.port, self.dir)
                except datasets.DatasetError as e:
                    self.fail(str(e))
            elif word == "oauth":
                try:
                    add_oauth(sc, arg)
                except oauth.OAuthError as e:
                    self.fail(str(e))
            elif word == "exhausted":
                if arg == "repeat-last":
                    replies.repeat_last = True
                elif re.fullmatch(r"[1-9][0-9][0-9]", arg):
                    sc.exhausted_status = int(arg)
                else:
                    self.fail("exhausted: repeat-last or a status code")
            else:
                self.fail("expected `reply`, `dataset` or `oauth`, got %r"
                          % word)
        return sc

    def reply_block(self, id):
        rule = Rule(id=id, reply=Reply())
        rp = rule.reply
        seen = set()
        body = None
        while (line := self.next_line()) is not None:
            word, arg = line
            if word == "reply":
                self.push_back()
                break
            # keywords that may appear once (body has its own message)
            if word not in ("header", "fold", "arg", "body", "body-file"):
                if word in seen:
                    self.fail("%s given twice in one reply" % word)
                seen.add(word)
            noarg = ("gzip", "close", "no-length", "hangup", "always")
            if word in noarg and arg:
                self.fail("%s takes no argument" % word)
            if word == "status":
                code, _, reason = arg.partition(" ")
                if not re.fullmatch(r"[1-9][0-9][0-9]", code):
                    self.fail("status: not a 3-digit code: %r" % code)
                rp.status = int(code)
                rp.reason = reason.strip()
            elif word == "header":
                if not arg:
                    self.fail("header: empty")
                rp.headers.append(self.subst(arg.encode("utf-8",
                                                        "surrogateescape")))
            elif word == "fold":
                # an obsolete line folding: a header line continued
                if not rp.headers:
                    self.fail("fold: no header before it")
                rp.headers.append(b" " + self.subst(
                    arg.encode("utf-8", "surrogateescape")))
            elif word in ("body", "body-file"):
                if body is not None:
                    self.fail("one body per reply")
                body = self.body(word, arg)
            elif word == "delay":
                rp.delay = self.number(arg)
            elif word == "stall":
                n, _, secs = arg.partition(" ")
                rp.stall = Stall(self.number(n, int), self.number(secs))
            elif word == "drop":
                rp.drop = self.number(arg, int)
            elif word == "drop-head":
                rp.drop_head = self.number(arg, int)
            elif word == "trickle":
                n, _, secs = arg.partition(" ")
                rp.trickle = Trickle(self.number(n, int), self.number(secs))
                if rp.trickle.size == 0:
                    self.fail("trickle: size must be > 0")
            elif word == "hangup":
                rp.hangup = True
            elif word == "gzip":
                rp.gzip = True
            elif word == "chunked":
                rp.chunked = self.number(arg, int) if arg else 1024
                if rp.chunked == 0:
                    self.fail("chunked: size must be > 0")
            elif word == "close":
                rp.close = True
            elif word == "no-length":
                rp.no_length = True
            elif word == "times":
                rule.uses = self.number(arg, int)
            elif word == "always":
                rule.uses = None
            elif word == "method":
                rule.method = arg
            elif word == "path":
                rule.path = glob(arg)
            elif word == "query":
                rule.query = glob(arg)
            elif word == "request-body":
                rule.body = glob(arg)
            elif word == "arg":
                name, eq, pat = arg.partition("=")
                rule.args.append((name, glob(pat) if eq else None))
            elif word == "exhausted":
                self.fail("exhausted goes before the first reply")
            else:
                self.fail("unknown keyword %r" % word)
        if "times" in seen and "always" in seen:
            self.fail("reply %s: both times and always" % id)
        rp.body = body or b""
        return rule

    def subst(self, data):
        return substitute(data, self.port, self.where())

    def body(self, word, arg):
        if word == "body-file":
            path = os.path.join(self.dir, arg)
            try:
                with open(path, "rb") as f:
                    return self.subst(f.read())
            except OSError as e:
                self.fail("body-file %s: %s" % (arg, e.strerror))
        m = HEREDOC.fullmatch(arg)
        if m:
            at = self.i
            data = self.heredoc(m.group(2))
            if m.group(1) and data.endswith(b"\n"):
                data = data[:-1]
            return substitute(data, self.port, self.where(at))
        if arg.startswith("<<"):
            self.fail("body: bad heredoc %r" % arg)
        return self.subst(arg.encode("utf-8", "surrogateescape"))


def load_scenario(path, port, dataset_lines=()):
    """The scenario of the file at path (None: no file), then the datasets
    of the command line's --dataset options."""
    sc = Parser(path, port).parse() if path else \
        Scenario(handlers=[Replies([], False)])
    for line in dataset_lines:
        try:
            add_dataset(sc, line, port, os.getcwd())
        except datasets.DatasetError as e:
            raise ScenarioError("--dataset %s: %s" % (line, e))
    return sc


# ---------------------------------------------------------------------------
# The server


class RequestLog:
    """The requests received, one JSON object a line, in memory and in
    FILE (flushed at each line so a test can read it at any time)."""

    def __init__(self, path):
        self.lines = []
        self.file = open(path, "a", encoding="utf-8") if path else None

    def add(self, req, step):
        entry = {
            "n": len(self.lines) + 1,
            "method": req.method,
            "path": req.path,
            "query": req.query,
            "args": req.args,
            "headers": req.headers,
            "client_port": req.client_port,
            "time": req.time,
            "scenario_step": step,
            "body": req.body.decode("utf-8", "replace"),
        }
        line = json.dumps(entry, separators=(",", ":")) + "\n"
        self.lines.append(line)
        if self.file:
            self.file.write(line)
            self.file.flush()


class Mock:
    """Chooses the reply to each request and logs it."""

    def __init__(self, scenario_path, port, log, dataset_lines=()):
        self.scenario_path = scenario_path
        self.dataset_lines = list(dataset_lines)
        self.port = port
        self.log = log
        self.lock = threading.Lock()    # the handlers and the log
        self.scenario = self.load()

    def load(self):
        return load_scenario(self.scenario_path, self.port,
                             self.dataset_lines)

    def respond(self, req):
        if req.path.startswith("/_mock/"):
            return self.control(req)
        with self.lock:
            for h in self.scenario.handlers:
                got = h.respond(req)
                if got:
                    reply, step = got
                    break
            else:
                reply, step = text_reply(
                    self.scenario.exhausted_status,
                    "mockhttp: no reply left for %s %s in %s\n"
                    % (req.method, req.target,
                       self.scenario_path or "the scenario")), None
            # logged under the lock: n follows the order replies are chosen
            self.log.add(req, step)
        return reply

    def control(self, req):
        """/_mock/ endpoints, for tests; these requests are not logged."""
        with self.lock:
            for h in self.scenario.handlers:
                reply = h.control(req)
                if reply:
                    return reply
        if req.path == "/_mock/log" and req.method == "GET":
            with self.lock:
                body = "".join(self.log.lines)
            return Reply(body=body.encode(),
                         headers=[b"Content-Type: application/x-ndjson"])
        if req.path == "/_mock/reset" and req.method == "POST":
            # reread the scenario file: every reply is unused again, and
            # an edited file takes effect; the log is kept. Datasets are
            # loaded again from their files, in their initial state.
            try:
                scenario = self.load()
            except ScenarioError as e:
                return text_reply(500, "mockhttp: %s\n" % e)
            with self.lock:
                self.scenario = scenario
            return text_reply(200, "reset\n")
        return text_reply(404, "mockhttp: no control endpoint %s %s\n"
                          % (req.method, req.path))


class Connection(BaseHTTPRequestHandler):
    """One client connection; http.server parses requests and keeps the
    connection alive between them (HTTP/1.1)."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # stalls and small replies go out at once

    def serve(self):
        req = self.request_received()
        reply = self.server.mock.respond(req)
        try:
            close = send_reply(self.wfile, reply, self.command == "HEAD")
        except OSError:                 # the client went away
            close = True
        if close:
            self.close_connection = True

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = serve
    do_OPTIONS = serve

    def request_received(self):
        now = time.time()
        parts = urllib.parse.urlsplit(self.path)
        headers = {}
        for name, value in self.headers.items():
            headers[name] = headers[name] + ", " + value \
                if name in headers else value
        return Request(
            method=self.command, target=self.path,
            path=parts.path, query=parts.query,
            args=urllib.parse.parse_qs(parts.query, keep_blank_values=True),
            headers=headers, body=self.read_body(),
            client_port=self.client_address[1], time=now)

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            out = []
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    break
                out.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline().strip():    # trailers
                pass
            return b"".join(out)
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def log_request(self, code="-", size="-"):
        pass                            # the JSON log has the requests


class Server(ThreadingHTTPServer):
    daemon_threads = True               # a stalled client never holds exit
    request_queue_size = 128            # benchmarks open many connections

    def server_bind(self):
        # HTTPServer.server_bind looks up the host's FQDN, which can hang
        # on a machine without DNS; we know who we are.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def write_atomically(path, text):
    tmp = "%s.%d.tmp" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, path)


def watch_parent():
    """Exit (as on SIGTERM) when the process that started us is gone, so a
    test's server ends with the test's shell."""
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.2)
    os.kill(os.getpid(), signal.SIGTERM)


def main():
    ap = argparse.ArgumentParser(
        description="Scripted mock HTTP server for integ's tests.")
    ap.add_argument("scenario", nargs="?",
                    help="the scenario file (optional with --dataset)")
    ap.add_argument("--dataset", action="append", default=[],
                    metavar="'NAME [KEY=VALUE...]'",
                    help="serve a dataset, as a scenario's dataset line")
    ap.add_argument("--port", type=int, default=0,
                    help="port to listen on (default: a free one)")
    ap.add_argument("--port-file", metavar="FILE",
                    help="write the port here once listening")
    ap.add_argument("--log", metavar="FILE",
                    help="append one JSON line per request to FILE")
    ap.add_argument("--exit-with-parent", action="store_true",
                    help="exit when the parent process exits")
    opts = ap.parse_args()
    if opts.scenario is None and not opts.dataset:
        ap.error("a scenario file or --dataset is needed")

    server = Server((HOST, opts.port), Connection)
    port = server.server_address[1]
    try:
        server.mock = Mock(opts.scenario, port, RequestLog(opts.log),
                           opts.dataset)
    except ScenarioError as e:
        sys.exit("mockhttp: %s" % e)

    def stop(signum, frame):
        raise SystemExit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if opts.exit_with_parent:
        threading.Thread(target=watch_parent, daemon=True).start()
    if opts.port_file:
        write_atomically(opts.port_file, "%d\n" % port)
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
