"""datasets_examples.py: the datasets examples/ scripts are tested against.

    GitHub   /repos/OWNER/REPO/issues, .../issues/N, .../issues/N/comments:
             a token in `Authorization: Bearer` (or `token`), per_page/page
             paging with Link headers, `since` on updated_at, sort and
             direction, X-RateLimit-* headers
    Stripe   /v1/customers, /v1/charges (and /v1/STREAM/ID): a key in
             `Authorization: Bearer`, {"object":"list","data":[...],
             "has_more":..} newest first, limit, starting_after,
             ending_before, created[gt|gte|lt|lte] on epoch seconds

Registered in datasets.KINDS by datasets.py. Data files:
tests/data/github/github.json, tests/data/stripe/stripe.json, written
deterministically by `python3 tests/mock/datasets_examples.py [DIR]`
(t-examples.sh checks the committed files are what it makes).

github.json: the repository integ-test/widgets, its token, 12 issues
(#1..#12, updated_at ascending with the number from 2024-11-06T00:11:00Z
to 2024-11-10T02:12:00Z, #5 and #10 closed) and 12 comments (n % 3 on
issue n). stripe.json: the key, 25 customers created an hour apart from
2024-11-01 (two in the same second: the 12th and 13th), 13 charges.
"""

import datetime
import json
import os
import re
import sys
import urllib.parse

from datasets import Dataset, DatasetError, header, instant


def bearer(req):
    """The token of an `Authorization: Bearer T` (or `token T`) header."""
    v = header(req.headers, "Authorization") or ""
    m = re.fullmatch(r"(?i:bearer|token)\s+(\S+)\s*", v)
    return m.group(1) if m else None


# ---------------------------------------------------------------------------
# GitHub REST: issues of one repository, and their comments


class GitHub(Dataset):
    name = "github"
    streams = ("issues", "comments")
    options = dict(Dataset.options, token=str)
    LIST = re.compile(r"/repos/([^/]+)/([^/]+)/issues")
    ONE = re.compile(r"/repos/([^/]+)/([^/]+)/issues/([0-9]+)(/comments)?")

    def __init__(self, base_url, opts, basedir):
        super().__init__(base_url, opts, basedir)
        self.token = self.opts.get("token") or self.config.get("token")
        self.repo = self.config.get("repo")
        if not self.token or not self.repo:
            raise DatasetError("dataset github: %s needs a token and a repo"
                               % self.file)
        self.remaining = 5000
        self.stats.update(unauthorized=0)

    def check(self, stream, r):
        if not isinstance(r["id"], int):
            raise ValueError("a %s record needs an integer id" % stream)
        for f in ("created_at", "updated_at"):
            try:
                instant(r.get(f))
            except (ValueError, TypeError):
                raise ValueError("record %d: %s is not an ISO 8601 date-time"
                                 % (r["id"], f))
        if stream == "issues" and not isinstance(r.get("number"), int):
            raise ValueError("issue %d: no integer number" % r["id"])
        if stream == "comments" and \
                not re.search(r"/issues/[0-9]+$", str(r.get("issue_url"))):
            raise ValueError("comment %d: no issue_url" % r["id"])

    def owns(self, req):
        return req.path.startswith("/repos/")

    def message(self, status, text, hdrs=()):
        return self.json(status, {
            "message": text,
            "documentation_url": "https://docs.github.com/rest"}, hdrs)

    def fault_reply(self, status):
        return self.message(status, "Server Error" if status >= 500
                            else "injected fault")

    def handle(self, req):
        if bearer(req) != self.token:
            self.stats["unauthorized"] += 1
            return self.message(401, "Bad credentials")
        self.remaining = max(1, self.remaining - 1)
        hdrs = [b"X-RateLimit-Limit: 5000",
                b"X-RateLimit-Remaining: %d" % self.remaining,
                b"X-RateLimit-Reset: 4102444800"]
        if req.method not in ("GET", "HEAD"):
            return self.message(404, "Not Found", hdrs)
        m = self.LIST.fullmatch(req.path)
        if m:
            if "%s/%s" % m.groups() != self.repo:
                return self.message(404, "Not Found", hdrs)
            return self.list(req, "issues", None, hdrs)
        m = self.ONE.fullmatch(req.path)
        if not m or "%s/%s" % m.groups()[:2] != self.repo:
            return self.message(404, "Not Found", hdrs)
        number = int(m.group(3))
        issue = next((r for r in self.records["issues"].values()
                      if r["number"] == number), None)
        if issue is None:
            return self.message(404, "Not Found", hdrs)
        if m.group(4):
            return self.list(req, "comments", number, hdrs)
        return self.json(200, issue, hdrs)

    def list(self, req, stream, number, hdrs):
        args = req.args

        def arg(name, default):
            return args[name][-1] if args.get(name) else default
        try:
            per_page = min(100, max(1, int(arg("per_page", "30"))))
            page = max(1, int(arg("page", "1")))
        except ValueError:
            per_page, page = 30, 1      # GitHub ignores nonsense here
        since = arg("since", None)
        if since is not None:
            try:
                since = instant(since)
            except ValueError:
                return self.json(422, {"message": "Validation Failed",
                                       "errors": [{"field": "since",
                                                   "code": "invalid"}]},
                                 hdrs)
        recs = list(self.records[stream].values())
        if stream == "comments":
            recs = [r for r in recs
                    if r["issue_url"].endswith("/issues/%d" % number)]
            sort, desc = "created", False       # comments: oldest first
        else:
            state = arg("state", "open")
            if state != "all":
                recs = [r for r in recs if r.get("state") == state]
            sort = arg("sort", "created")
            if sort not in ("created", "updated", "comments"):
                sort = "created"
            desc = arg("direction", "desc") != "asc"
        if since is not None:
            recs = [r for r in recs if instant(r["updated_at"]) >= since]
        if sort == "comments":
            recs.sort(key=lambda r: (r.get("comments", 0), r["id"]),
                      reverse=desc)
        else:
            recs.sort(key=lambda r: (instant(r[sort + "_at"]), r["id"]),
                      reverse=desc)
        last = max(1, -(-len(recs) // per_page))
        body = recs[(page - 1) * per_page:page * per_page]

        def link(p, rel):
            q = [(k, v) for k, vs in args.items() for v in vs if k != "page"]
            q.append(("page", str(p)))
            return '<%s%s?%s>; rel="%s"' % (self.base, req.path,
                                             urllib.parse.urlencode(q), rel)
        links = []
        if page > 1:
            links += [link(page - 1, "prev"), link(1, "first")]
        if page < last:
            links += [link(page + 1, "next"), link(last, "last")]
        if links:
            hdrs = hdrs + [b"Link: " + ", ".join(links).encode()]
        return self.json(200, body, hdrs)


# ---------------------------------------------------------------------------
# Stripe: list objects, newest first, cursors by id


class Stripe(Dataset):
    name = "stripe"
    streams = ("customers", "charges")
    options = dict(Dataset.options, token=str)
    PATH = re.compile(r"/v1/(customers|charges)(?:/([A-Za-z0-9_]+))?")
    BOUNDS = {"gt": lambda c, v: c > v, "gte": lambda c, v: c >= v,
              "lt": lambda c, v: c < v, "lte": lambda c, v: c <= v}

    def __init__(self, base_url, opts, basedir):
        super().__init__(base_url, opts, basedir)
        self.token = self.opts.get("token") or self.config.get("token")
        if not self.token:
            raise DatasetError("dataset stripe: no token= and no token in %s"
                               % self.file)
        self.stats.update(unauthorized=0)

    def check(self, stream, r):
        if not isinstance(r["id"], str) or not isinstance(r.get("created"),
                                                          int):
            raise ValueError("a %s record needs a string id and an integer "
                             "created" % stream)

    def owns(self, req):
        return req.path.startswith("/v1/")

    def error(self, status, message, kind="invalid_request_error", **more):
        return self.json(status, {"error": dict(more, type=kind,
                                                message=message)})

    def fault_reply(self, status):
        return self.error(status, "An unknown error occurred", "api_error")

    def handle(self, req):
        if bearer(req) != self.token:
            self.stats["unauthorized"] += 1
            return self.error(401, "Invalid API Key provided.")
        m = self.PATH.fullmatch(req.path)
        if not m:
            return self.error(404, "Unrecognized request URL (GET: %s)."
                              % req.path)
        stream, id = m.groups()
        table = self.records[stream]
        if id is not None:
            if id not in table:
                return self.error(404, "No such %s: '%s'"
                                  % (stream[:-1], id), code="resource_missing")
            return self.json(200, table[id])
        args = req.args
        limit = args.get("limit", ["10"])[-1]
        if not re.fullmatch(r"[0-9]+", limit) or not 1 <= int(limit) <= 100:
            return self.error(400, "Invalid limit: must be between 1 and 100",
                              param="limit")
        limit = int(limit)
        recs = list(table.values())
        for op, test in self.BOUNDS.items():
            name = "created[%s]" % op
            if name in args:
                v = args[name][-1]
                if not re.fullmatch(r"[0-9]+", v):
                    return self.error(400, "Invalid integer: %s" % v,
                                      param=name)
                recs = [r for r in recs if test(r["created"], int(v))]
        recs.sort(key=lambda r: (r["created"], r["id"]), reverse=True)
        for name in ("starting_after", "ending_before"):
            if name in args:
                cur = args[name][-1]
                if cur not in table:
                    return self.error(400, "No such %s: '%s'"
                                      % (stream[:-1], cur), param=name,
                                      code="resource_missing")
                k = (table[cur]["created"], cur)
                if name == "starting_after":
                    recs = [r for r in recs if (r["created"], r["id"]) < k]
                    page, more = recs[:limit], len(recs) > limit
                else:
                    recs = [r for r in recs if (r["created"], r["id"]) > k]
                    page, more = recs[-limit:], len(recs) > limit
                break
        else:
            page, more = recs[:limit], len(recs) > limit
        return self.json(200, {"object": "list", "url": "/v1/" + stream,
                               "has_more": more, "data": page})


# ---------------------------------------------------------------------------
# The data files, deterministic: python3 tests/mock/datasets_examples.py

WORDS = ("parser crash on empty body, retry storm after 503, docs typo in "
         "README, Link header with two rels, gzip not decoded, timeout too "
         "short on slow links, state lost on SIGTERM, schema widening drops "
         "nulls, flaky test on CI, 64-bit ids rounded, Unicode names "
         "mangled, progress line on a pipe").split(", ")
LOGINS = ("ada", "grace", "linus", "margaret", "dennis", "barbara")


def ts(day, minute):
    t = datetime.datetime(2024, 11, day, tzinfo=datetime.timezone.utc) + \
        datetime.timedelta(minutes=minute)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def github_data():
    repo = "integ-test/widgets"
    api = "%URL/repos/" + repo
    issues, comments = [], []
    cid = 2400000001
    for n in range(1, 13):
        created = ts(1 + n // 4, 37 * n)
        updated = ts(6 + n // 3, 11 * n)
        ncom = n % 3
        issue = {
            "id": 2600000000 + n * 7919, "node_id": "I_kwDOmock%04d" % n,
            "number": n, "title": WORDS[n - 1],
            "state": "closed" if n % 5 == 0 else "open",
            "user": {"login": LOGINS[n % 6], "id": 1000 + n % 6},
            "labels": [{"name": "bug"}] if n % 2 else [],
            "comments": ncom, "created_at": created, "updated_at": updated,
            "closed_at": updated if n % 5 == 0 else None,
            "body": "Seen with integ %d.%d." % (n % 2, n),
            "url": "%s/issues/%d" % (api, n),
            "comments_url": "%s/issues/%d/comments" % (api, n),
            "html_url": "https://github.com/%s/issues/%d" % (repo, n),
        }
        issues.append(issue)
        for c in range(ncom):
            comments.append({
                "id": cid, "issue_url": issue["url"],
                "user": {"login": LOGINS[(n + c + 1) % 6]},
                "body": "Comment %d on #%d." % (c + 1, n),
                "created_at": ts(6 + n // 3, 11 * n - 5 + c),
                "updated_at": ts(6 + n // 3, 11 * n - 5 + c)})
            cid += 1
    return {"repo": repo, "token": "ghp_mockTOKEN0123456789abcdefABCDEF0123",
            "streams": {"issues": issues, "comments": comments}}


def stripe_data():
    names = ("Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra",
             "Barbara Liskov", "Donald Knuth", "Frances Allen", "John Backus",
             "Karen Spärck Jones", "Ken Thompson", "Dennis Ritchie",
             "Margaret Hamilton", "Niklaus Wirth", "Leslie Lamport",
             "Radia Perlman", "Tony Hoare", "Hedy Lamarr", "Claude Shannon",
             "Sophie Wilson", "Fran Bilas", "Jean Sammet", "Adele Goldberg",
             "Butler Lampson", "Shafi Goldwasser", "Whitfield Diffie")
    base = 1730419200                   # 2024-11-01T00:00:00Z
    customers, charges = [], []
    for i, name in enumerate(names, 1):
        cid = "cus_Mock%010d" % (i * 104729 % 9999999967)
        created = base + i * 3607
        if i in (12, 13):               # two created in the same second
            created = base + 12 * 3607
        customers.append({
            "id": cid, "object": "customer", "created": created,
            "name": name, "email": "%s@example.com"
            % name.split()[-1].lower().replace("ä", "a"),
            "balance": 0, "currency": "usd", "livemode": False,
            "metadata": {"n": str(i)}})
        if i % 2:
            charges.append({
                "id": "ch_Mock%010d" % (i * 7727), "object": "charge",
                "created": created + 60, "amount": 500 + 137 * i,
                "currency": "usd", "customer": cid, "paid": True,
                "status": "succeeded"})
    return {"token": "sk_test_mockKEY0123456789abcdefABCDEF",
            "streams": {"customers": customers, "charges": charges}}


def main():
    """Writes DIR/github/github.json and DIR/stripe/stripe.json; DIR is
    the first argument, else tests/data."""
    data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), os.pardir, "data")
    for name, make in (("github", github_data), ("stripe", stripe_data)):
        os.makedirs(os.path.join(data, name), exist_ok=True)
        with open(os.path.join(data, name, name + ".json"), "w",
                  encoding="utf-8") as f:
            json.dump(make(), f, indent=1, ensure_ascii=False)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
