"""datasets.py: the stateful dataset mode of mockhttp.py.

A dataset is a set of records served the way one real API serves them:
its paths, pagination, filters, errors and headers. Records live in
memory, loaded from a JSON data file (tests/data/NAME/NAME.json by
default), and can be added or replaced between reads through the control
endpoints, so a test can read, add records, and read again.

This module knows nothing of sockets: a dataset answers a request with
(status, headers, body), and mockhttp.py turns that into a Reply. Datasets
are asked under the server's lock, so they keep state without locks.

    Datasets    the handler mockhttp adds for `dataset` lines: routes API
                requests to each dataset in turn, and answers /_mock/...
    Dataset     the common part: data file, records by id, options,
                injected faults, stats
    PokeAPI     /api/v2/{pokemon,berry,type}: limit/offset, next links
    Shopify     /admin/api/V/{orders,products,customers}.json: token,
                updated_at_min, status, Link page_info cursors, the
                call-limit leaky bucket
"""

import base64
import binascii
import datetime
import json
import math
import os
import re
import time
import urllib.parse

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        os.pardir, "data")
UTC = datetime.timezone.utc
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=UTC)


class DatasetError(Exception):
    """A dataset that cannot be set up (bad option, bad data file)."""


def dumps(obj):
    # Python's ints are exact, whatever their size, and nothing here makes
    # a float of a record's number: ids beyond 2^53 go out as they came.
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def header(headers, name):
    """A request header's value, by name in any case, else None."""
    for k, v in headers.items():
        if k.lower() == name.lower():
            return v
    return None


def glob(pattern):
    return re.compile(".*".join(re.escape(p) for p in pattern.split("*")),
                      re.S)


class Fault:
    """Injected replies: after `after` more matching requests, the next
    `count` ones get `status` instead of the dataset's answer."""

    def __init__(self, status, count, after=0, path=None):
        self.status, self.count, self.after = status, count, after
        self.path = glob(path) if path else None


def parse_fault(text):
    """STATUS:COUNT[:AFTER] from a `fail=` option."""
    m = re.fullmatch(r"([1-5][0-9][0-9]):([0-9]+)(?::([0-9]+))?", text)
    if not m:
        raise DatasetError("fail=%s: expected STATUS:COUNT[:AFTER]" % text)
    return Fault(int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))


class Dataset:
    name = None
    streams = ()
    # option -> converter; every dataset has these
    options = {"file": str, "delay": float, "fail": parse_fault}

    def __init__(self, base_url, opts, basedir):
        self.base = base_url            # http://127.0.0.1:PORT
        self.opts = {}
        for key, value in opts.items():
            conv = self.options.get(key)
            if conv is None:
                raise DatasetError("dataset %s: unknown option %r (known: %s)"
                                   % (self.name, key,
                                      " ".join(sorted(self.options))))
            try:
                self.opts[key] = conv(value)
            except ValueError:
                raise DatasetError("dataset %s: bad value %s=%s"
                                   % (self.name, key, value))
        self.file = self.opts.get("file")
        if self.file is None:
            self.file = os.path.join(DATA_DIR, self.name, self.name + ".json")
        elif not os.path.isabs(self.file):
            self.file = os.path.join(basedir, self.file)
        self.delay = self.opts.get("delay", 0.0)
        self.faults = [self.opts["fail"]] if "fail" in self.opts else []
        self.stats = {"requests": 0, "by_status": {}, "injected": 0}
        self.load()

    def load(self):
        try:
            with open(self.file, encoding="utf-8") as f:
                data = json.load(f)
        except OSError as e:
            raise DatasetError("dataset %s: %s: %s"
                               % (self.name, self.file, e.strerror))
        except ValueError as e:
            raise DatasetError("dataset %s: %s: %s"
                               % (self.name, self.file, e))
        self.config = data
        self.records = {}
        for s in self.streams:
            self.records[s] = {}
            try:
                self.upsert(s, data["streams"].get(s, []))
            except (KeyError, TypeError, AttributeError, ValueError):
                raise DatasetError("dataset %s: %s: stream %s: not a list "
                                   "of objects with an id"
                                   % (self.name, self.file, s))

    def upsert(self, stream, recs, auto_id=False):
        """Adds or replaces records by id: (added, replaced, ids). With
        auto_id, a record without an id gets the stream's largest + 1."""
        if isinstance(recs, dict):
            recs = [recs]
        if not isinstance(recs, list):
            raise ValueError("a JSON object or an array of objects")
        table = self.records[stream]
        top = max((i for i in list(table) + [r.get("id") for r in recs
                                             if isinstance(r, dict)]
                   if isinstance(i, int)), default=0)
        for i, r in enumerate(recs):
            if isinstance(r, dict) and "id" not in r and auto_id:
                top += 1
                recs[i] = r = dict(id=top, **r)     # the id first
            if not isinstance(r, dict) or "id" not in r:
                raise ValueError("every record needs an \"id\"")
            self.check(stream, r)
        added = replaced = 0
        for r in recs:
            if r["id"] in table:
                replaced += 1
            else:
                added += 1
            table[r["id"]] = r
        return added, replaced, [r["id"] for r in recs]

    def check(self, stream, record):
        """Raises ValueError when record cannot be served in stream."""

    def sub(self, text):
        return text.replace("%URL", self.base)

    def json(self, status, obj, headers=()):
        body = self.sub(dumps(obj)).encode("utf-8")
        return (status, [b"Content-Type: application/json; charset=utf-8"] +
                list(headers), body)

    # the dataset's own answer; None when the request is not for it
    def handle(self, req):
        return None

    def owns(self, req):
        return False

    def fault_reply(self, status):
        return self.json(status, {"error": "injected fault",
                                  "status": status})

    def respond(self, req):
        if not self.owns(req):
            return None
        out = self.injected(req) or self.handle(req)
        self.stats["requests"] += 1
        by = self.stats["by_status"]
        by[str(out[0])] = by.get(str(out[0]), 0) + 1
        return out

    def injected(self, req):
        chosen = None
        for f in self.faults:
            if f.path and not f.path.fullmatch(req.path):
                continue
            if f.after > 0:
                f.after -= 1
            elif chosen is None and f.count > 0:
                f.count -= 1
                chosen = f
        self.faults = [f for f in self.faults if f.count > 0]
        if chosen is None:
            return None
        self.stats["injected"] += 1
        return self.fault_reply(chosen.status)

    def control(self, req, what):
        """A /_mock/WHAT request for this dataset only, else None."""
        return None

    def get_stats(self):
        return dict(self.stats, pending_faults=sum(f.count
                                                   for f in self.faults))


def int_arg(args, name, default):
    v = args.get(name)
    if not v:
        return default
    try:
        return int(v[-1])
    except ValueError:
        return None


# ---------------------------------------------------------------------------
# PokeAPI: https://pokeapi.co/api/v2


class PokeAPI(Dataset):
    name = "pokeapi"
    streams = ("pokemon", "berry", "type")
    PREFIX = "/api/v2"

    def check(self, stream, r):
        if not isinstance(r["id"], int) or not isinstance(r.get("name"), str):
            raise ValueError("a %s needs an integer id and a name" % stream)

    def owns(self, req):
        return req.path == "/api" or req.path.startswith("/api/")

    def not_found(self):
        return self.json(404, {"detail": "Not found."})

    def handle(self, req):
        if req.method not in ("GET", "HEAD"):
            return self.json(405, {"detail": "Method \"%s\" not allowed."
                                   % req.method})
        path = req.path
        if not path.startswith(self.PREFIX + "/") and path != self.PREFIX:
            return self.not_found()
        parts = [p for p in path[len(self.PREFIX):].split("/") if p]
        if not parts:
            return self.json(200, {s: "%s%s/%s/" % (self.base, self.PREFIX, s)
                                   for s in self.streams})
        stream = parts[0]
        if stream not in self.streams:
            return self.not_found()
        if len(parts) == 1:
            return self.list(req, stream)
        rec = self.find(stream, urllib.parse.unquote(parts[1]))
        if rec is None:
            return self.not_found()
        if len(parts) == 2:
            return self.json(200, rec)
        if len(parts) == 3 and stream == "pokemon" and \
                parts[2] == "encounters":
            return self.json(200, [])
        return self.not_found()

    def find(self, stream, key):
        table = self.records[stream]
        if re.fullmatch(r"[0-9]+", key):
            return table.get(int(key))
        for r in table.values():       # case matters, as in the real API
            if r["name"] == key:
                return r
        return None

    def list(self, req, stream):
        # the real API: limit defaults to 20, nonsense (0 included) is
        # the default, an offset past the end gives an empty page
        limit = int_arg(req.args, "limit", 20)
        if limit is None or limit <= 0:
            limit = 20
        offset = int_arg(req.args, "offset", 0)
        if offset is None or offset < 0:
            offset = 0
        recs = sorted(self.records[stream].values(), key=lambda r: r["id"])
        count = len(recs)
        url = "%s%s/%s" % (self.base, self.PREFIX, stream)

        def link(off):
            return "%s?offset=%d&limit=%d" % (url, off, limit)
        page = recs[offset:offset + limit]
        return self.json(200, {
            "count": count,
            "next": link(offset + limit) if offset + limit < count else None,
            "previous": (link(max(0, offset - limit))
                         if offset > 0 else None),
            "results": [{"name": r["name"],
                         "url": "%s/%d/" % (url, r["id"])} for r in page],
        })


# ---------------------------------------------------------------------------
# Shopify REST Admin API: /admin/api/VERSION/RESOURCE.json


def instant(text):
    """An ISO 8601 date or date-time as microseconds since the epoch;
    without an offset it is taken as UTC. ValueError when it is not one."""
    if not isinstance(text, str):
        raise ValueError("not a string")
    t = datetime.datetime.fromisoformat(text)
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return (t - EPOCH) // datetime.timedelta(microseconds=1)


def b64(obj):
    return base64.urlsafe_b64encode(dumps(obj).encode()).rstrip(b"=").decode()


def unb64(text):
    text += "=" * (-len(text) % 4)
    return json.loads(base64.urlsafe_b64decode(text.encode()).decode())


class Shopify(Dataset):
    name = "shopify"
    streams = ("orders", "products", "customers")
    SINGULAR = {"orders": "order", "products": "product",
                "customers": "customer"}
    options = dict(Dataset.options, token=str, bucket=int, leak=float,
                   timescale=float, page_cap=int)
    PATH = re.compile(r"/admin/api/([^/]+)/(orders|products|customers)"
                      r"(?:/(count|[0-9]+))?\.json")
    STATUSES = ("open", "closed", "cancelled", "any")
    UNAUTHORIZED = ("[API] Invalid API key or access token (unrecognized "
                    "login or wrong password)")

    def __init__(self, base_url, opts, basedir):
        super().__init__(base_url, opts, basedir)
        self.token = self.opts.get("token") or self.config.get("access_token")
        if not self.token:
            raise DatasetError("dataset shopify: no token= and no "
                               "access_token in %s" % self.file)
        self.size = self.opts.get("bucket", 40)
        # leak calls a second in the shop's time; timescale=0.01 (as
        # INTEG_TEST_TIMESCALE) makes its seconds 100 times shorter
        scale = self.opts.get("timescale", 1.0)
        self.leak = self.opts.get("leak", 2.0)
        if self.size < 1 or self.leak < 0 or not scale > 0:
            raise DatasetError("dataset shopify: bucket must be >= 1, "
                               "leak >= 0, timescale > 0")
        self.leak /= scale
        # at most this many records a page, whatever the limit asked
        self.page_cap = self.opts.get("page_cap", 250)
        if self.page_cap < 1:
            raise DatasetError("dataset shopify: page_cap must be >= 1")
        self.level = 0.0
        self.last = time.monotonic()
        self.stats.update(overflows=0, max_used=0, unauthorized=0)

    def check(self, stream, r):
        if not isinstance(r["id"], int):
            raise ValueError("a %s record needs an integer id" % stream)
        try:
            instant(r.get("updated_at"))
        except (ValueError, TypeError):
            raise ValueError("record %d: updated_at is not an ISO 8601 "
                             "date-time" % r["id"])

    def owns(self, req):
        return req.path.startswith("/admin/")

    def errors(self, status, errors, headers=()):
        return self.json(status, {"errors": errors}, headers)

    def fault_reply(self, status):
        if status == 429:
            return self.errors(429, "Exceeded 2 calls per second for api "
                               "client. Reduce request rates to resume "
                               "uninterrupted service.",
                               [b"Retry-After: 1.0"])
        if status == 401:
            return self.errors(401, self.UNAUTHORIZED)
        if status == 403:
            return self.errors(403, "[API] This action requires merchant "
                               "approval for read_orders scope.")
        return self.errors(status, "Internal Server Error" if status >= 500
                           else "injected fault")

    # the leaky bucket: one call in, `leak` calls out per second
    def drain(self):
        now = time.monotonic()
        self.level = max(0.0, self.level - (now - self.last) * self.leak)
        self.last = now

    def call_limit(self):
        used = min(self.size, math.ceil(self.level - 1e-9))
        return b"X-Shopify-Shop-Api-Call-Limit: %d/%d" % (used, self.size)

    def handle(self, req):
        if header(req.headers, "X-Shopify-Access-Token") != self.token:
            self.stats["unauthorized"] += 1
            return self.errors(401, self.UNAUTHORIZED)
        self.drain()
        if self.level > self.size - 1:
            self.stats["overflows"] += 1
            return self.errors(429, "Exceeded 2 calls per second for api "
                               "client. Reduce request rates to resume "
                               "uninterrupted service.",
                               [b"Retry-After: 1.0", self.call_limit()])
        self.level += 1
        used = math.ceil(self.level - 1e-9)
        self.stats["max_used"] = max(self.stats["max_used"], used)
        hdrs = [self.call_limit()]

        m = self.PATH.fullmatch(req.path)
        if not m or not re.fullmatch(r"[0-9]{4}-[0-9]{2}|unstable",
                                     m.group(1)):
            return self.errors(404, "Not Found", hdrs)
        version, stream, what = m.groups()
        hdrs.append(b"X-Shopify-API-Version: " + version.encode())
        if req.method not in ("GET", "HEAD"):
            return self.errors(406, "Not Acceptable", hdrs)
        if what == "count":
            filters = self.filters(req.args, stream)
            if isinstance(filters, str):
                return self.errors(400, {filters: "Invalid value."}, hdrs)
            return self.json(200, {"count": len(self.select(stream,
                                                            filters))}, hdrs)
        if what:
            rec = self.records[stream].get(int(what))
            if rec is None:
                return self.errors(404, "Not Found", hdrs)
            return self.json(200, {self.SINGULAR[stream]: rec}, hdrs)
        return self.list(req, version, stream, hdrs)

    def filters(self, args, stream):
        """The filters of a first page, or the name of a bad argument."""
        f = {}
        for name in ("updated_at_min", "updated_at_max"):
            if name in args:
                try:
                    instant(args[name][-1])
                except ValueError:
                    return name
                f[name] = args[name][-1]
        if stream == "orders":
            f["status"] = args.get("status", ["open"])[-1]
            if f["status"] not in self.STATUSES:
                return "status"
        if "order" in args and \
                args["order"][-1].lower().split() != ["updated_at", "asc"]:
            return "order"
        return f

    @staticmethod
    def key(r):
        return (instant(r["updated_at"]), r["id"])

    def select(self, stream, f):
        lo = instant(f["updated_at_min"]) if "updated_at_min" in f else None
        hi = instant(f["updated_at_max"]) if "updated_at_max" in f else None
        status = f.get("status", "any")
        out = []
        for r in self.records[stream].values():
            t = instant(r["updated_at"])
            if lo is not None and t < lo or hi is not None and t > hi:
                continue
            if status != "any":
                cancelled = r.get("cancelled_at") is not None
                closed = r.get("closed_at") is not None
                state = ("cancelled" if cancelled else
                         "closed" if closed else "open")
                if state != status:
                    continue
            out.append(r)
        out.sort(key=self.key)
        return out

    def list(self, req, version, stream, hdrs):
        args = req.args
        limit = 50
        if "limit" in args:
            v = args["limit"][-1]
            if not re.fullmatch(r"[0-9]+", v) or not 1 <= int(v) <= 250:
                return self.errors(400, {"limit": "Limit must be between 1 "
                                         "and 250, got %s." % v}, hdrs)
            limit = int(v)
        if "page_info" in args:
            others = sorted(set(args) - {"limit", "page_info"})
            if others:
                return self.errors(400, {"page_info": "page_info cannot be "
                                         "combined with other parameters "
                                         "than limit (got %s)."
                                         % ", ".join(others)}, hdrs)
            try:
                tok = unb64(args["page_info"][-1])
                filters, direction = tok["filters"], tok["direction"]
                last = (int(tok["last_updated_us"]), int(tok["last_id"]))
                if direction not in ("next", "prev"):
                    raise ValueError(direction)
            except (ValueError, KeyError, TypeError, binascii.Error):
                return self.errors(400, {"page_info": "Invalid value."}, hdrs)
        else:
            filters = self.filters(args, stream)
            if isinstance(filters, str):
                return self.errors(400, {filters: "Invalid value."}, hdrs)
            direction, last = None, None

        recs = self.select(stream, filters)
        keys = [self.key(r) for r in recs]
        n = min(limit, self.page_cap)
        if direction == "prev":
            before = [r for r, k in zip(recs, keys) if k < last]
            page = before[-n:]
        else:
            after = [r for r, k in zip(recs, keys)
                     if last is None or k > last]
            page = after[:n]

        links = []
        if page:
            first, final = self.key(page[0]), self.key(page[-1])
            url = "%s/admin/api/%s/%s.json" % (self.base, version, stream)

            def link(k, d, rel):
                tok = b64({"filters": filters, "direction": d,
                           "last_updated_us": k[0], "last_id": k[1]})
                return "<%s?limit=%d&page_info=%s>; rel=\"%s\"" % (
                    url, limit, tok, rel)
            if direction is not None and any(k < first for k in keys):
                links.append(link(first, "prev", "previous"))
            if any(k > final for k in keys):
                links.append(link(final, "next", "next"))
        if links:
            hdrs.append(b"Link: " + ", ".join(links).encode())
        return self.json(200, {stream: page}, hdrs)

    def control(self, req, what):
        if what == "bucket" and req.method == "POST":
            try:
                v = json.loads(req.body or b"{}").get("used", 0)
                self.level = float(v)
            except (ValueError, AttributeError, TypeError):
                return self.json(400, {"error": "expected {\"used\": N}"})
            self.last = time.monotonic()
            return self.json(200, {"used": self.level, "size": self.size})
        return None

    def get_stats(self):
        self.drain()
        return dict(super().get_stats(), bucket=self.size, leak=self.leak,
                    used=round(self.level, 3))


KINDS = {k.name: k for k in (PokeAPI, Shopify)}
from datasets_examples import GitHub, Stripe  # noqa: E402 (examples/)
KINDS.update((k.name, k) for k in (GitHub, Stripe))


def make(name, opts, base_url, basedir):
    """A dataset from a `dataset NAME key=value...` line."""
    kind = KINDS.get(name)
    if kind is None:
        raise DatasetError("unknown dataset %r (known: %s)"
                           % (name, " ".join(sorted(KINDS))))
    return kind(base_url, opts, basedir)


def parse_options(words):
    opts = {}
    for w in words:
        key, eq, value = w.partition("=")
        if not eq or not key:
            raise DatasetError("dataset option %r: expected KEY=VALUE" % w)
        if key in opts:
            raise DatasetError("dataset option %s given twice" % key)
        opts[key] = value
    return opts


# ---------------------------------------------------------------------------
# All the datasets of one server, and the control endpoints


class Datasets:
    """The datasets of a server, asked in order; answers /_mock/ requests
    for them. Replies are (status, headers, body) with a step name."""

    def __init__(self):
        self.sets = []

    def add(self, ds):
        if any(d.name == ds.name for d in self.sets):
            raise DatasetError("dataset %s given twice" % ds.name)
        self.sets.append(ds)

    def respond(self, req):
        for ds in self.sets:
            out = ds.respond(req)
            if out:
                return out, ds.name, ds.delay
        return None

    def by_stream(self, stream):
        for ds in self.sets:
            if stream in ds.streams:
                return ds
        return None

    def by_name(self, name):
        if name is None and len(self.sets) == 1:
            return self.sets[0]
        for ds in self.sets:
            if ds.name == name:
                return ds
        return None

    @staticmethod
    def reply(status, obj):
        return (status, [b"Content-Type: application/json; charset=utf-8"],
                (dumps(obj) + "\n").encode("utf-8"))

    def control(self, req):
        parts = req.path.split("/")[2:]         # after /_mock/
        what = parts[0] if parts else ""
        if what == "stats" and req.method == "GET":
            return self.reply(200, {d.name: d.get_stats() for d in self.sets})
        if what == "dataset":
            return self.records(req, parts[1:])
        if what == "fault" and req.method == "POST":
            return self.fault(req)
        for ds in self.sets:
            out = ds.control(req, what)
            if out:
                return out
        return None

    def records(self, req, parts):
        if not parts or not parts[0]:
            return None
        ds = self.by_stream(parts[0])
        if ds is None:
            return self.reply(404, {"error": "no dataset has a stream %r"
                                    % parts[0]})
        stream = parts[0]
        table = ds.records[stream]
        if len(parts) == 1 and req.method == "GET":
            recs = sorted(table.values(), key=lambda r: r["id"])
            return (200, [b"Content-Type: application/json; charset=utf-8"],
                    (ds.sub(dumps(recs)) + "\n").encode("utf-8"))
        if len(parts) == 1 and req.method == "POST":
            try:
                recs = json.loads(req.body.decode("utf-8"))
                added, replaced, ids = ds.upsert(stream, recs, auto_id=True)
            except ValueError as e:
                return self.reply(400, {"error": str(e)})
            return self.reply(200, {"stream": stream, "added": added,
                                    "replaced": replaced,
                                    "count": len(table), "ids": ids})
        if len(parts) == 2 and req.method == "DELETE":
            try:
                id = int(parts[1])
            except ValueError:
                id = parts[1]
            if table.pop(id, None) is None:
                return self.reply(404, {"error": "no record %s in %s"
                                        % (parts[1], stream)})
            return self.reply(200, {"stream": stream, "deleted": 1,
                                    "count": len(table)})
        return None

    def fault(self, req):
        try:
            spec = json.loads(req.body.decode("utf-8") or "{}")
            ds = self.by_name(spec.get("dataset"))
            if ds is None:
                raise ValueError("which dataset? give \"dataset\"")
            status = int(spec.get("status", 500))
            if not 100 <= status <= 599:
                raise ValueError("status %d" % status)
            f = Fault(status, int(spec.get("count", 1)),
                      int(spec.get("after", 0)), spec.get("path"))
        except (ValueError, AttributeError, TypeError) as e:
            return self.reply(400, {"error": "fault: %s" % e})
        ds.faults.append(f)
        return self.reply(200, {"dataset": ds.name, "status": f.status,
                                "count": f.count, "after": f.after})
