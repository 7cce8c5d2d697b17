#!/usr/bin/env python3
"""singer-rules.py: the rules Singer targets apply to what a tap writes.

    singer-rules.py [--closed] [FILE|-]

Python Singer targets (singer-python's, datamill target-postgres,
target-csv, target-jsonl, ...) validate with jsonschema's Draft4Validator
and refuse a "$schema" that names another draft. Checked here:

  SCHEMA  no "$schema" other than draft 4; a valid draft-4 schema; no
          keyword of a later draft (const, examples, if, ...); an object
          schema with properties; key_properties a list of its properties;
          bookmark_properties, when given, too
  RECORD  after its stream's SCHEMA; valid against it with Draft4Validator;
          a "version" an integer that an ACTIVATE_VERSION announced
  --closed  every member of a record's objects is declared where the
          schema lists properties (a target drops an undeclared column)

Problems go to stderr, one a line (the first 20); exit 0 clean, 1 not,
2 usage or no jsonschema module.
"""

import json
import sys

try:
    import jsonschema
except ImportError:
    print("singer-rules: no python3 jsonschema module", file=sys.stderr)
    sys.exit(2)

D4 = ("http://json-schema.org/draft-04/schema#",
      "http://json-schema.org/draft-04/schema")
LATER = {"const", "contains", "propertyNames", "examples", "if", "then",
         "else", "$comment", "readOnly", "writeOnly", "contentMediaType",
         "contentEncoding", "$defs", "dependentRequired",
         "dependentSchemas", "unevaluatedProperties", "prefixItems"}
SUBSCHEMA_MAPS = ("properties", "patternProperties", "definitions")
SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf")


def later_keywords(s, where, out):
    """Keywords of drafts after 4, anywhere in schema s."""
    if not isinstance(s, dict):
        return
    for k in LATER & set(s):
        out.append("%s: %s is not a draft-4 keyword" % (where, k))
    for k in ("exclusiveMinimum", "exclusiveMaximum"):
        if k in s and not isinstance(s[k], bool):
            out.append("%s: %s must be a boolean in draft 4" % (where, k))
    for m in SUBSCHEMA_MAPS:
        for name, sub in (s.get(m) or {}).items():
            later_keywords(sub, "%s.%s.%s" % (where, m, name), out)
    for m in SUBSCHEMA_LISTS:
        for i, sub in enumerate(s.get(m) or []):
            later_keywords(sub, "%s.%s[%d]" % (where, m, i), out)
    items = s.get("items")
    if isinstance(items, list):
        for i, sub in enumerate(items):
            later_keywords(sub, "%s.items[%d]" % (where, i), out)
    else:
        later_keywords(items, where + ".items", out)
    for k in ("additionalProperties", "additionalItems", "not"):
        later_keywords(s.get(k), "%s.%s" % (where, k), out)


def undeclared(schema, value, where, out):
    """Members of value's objects that schema does not declare."""
    if not isinstance(schema, dict):
        return
    if isinstance(value, dict) and isinstance(schema.get("properties"),
                                              dict):
        props = schema["properties"]
        for k, v in value.items():
            if k not in props:
                out.append("%s.%s is not declared" % (where, k))
            else:
                undeclared(props[k], v, "%s.%s" % (where, k), out)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for v in value:
            undeclared(schema["items"], v, where + "[]", out)


def check(lines, closed):
    problems = []
    schemas = {}
    versions = {}
    for n, line in enumerate(lines, 1):
        here = "line %d" % n
        try:
            m = json.loads(line)
        except ValueError as exc:
            problems.append("%s: not JSON: %s" % (here, exc))
            continue
        t = m.get("type")
        stream = m.get("stream")
        if t == "SCHEMA":
            s = m.get("schema")
            if not isinstance(s, dict):
                problems.append("%s: %s: no schema object" % (here, stream))
                continue
            if "$schema" in s and s["$schema"] not in D4:
                problems.append("%s: %s: Schema version must be Draft 4. "
                                "Found: %s" % (here, stream, s["$schema"]))
            try:
                jsonschema.Draft4Validator.check_schema(s)
            except jsonschema.SchemaError as exc:
                problems.append("%s: %s: not a draft-4 schema: %s"
                                % (here, stream, exc.message))
                continue
            later_keywords(s, "%s: %s: schema" % (here, stream), problems)
            props = s.get("properties")
            if s.get("type") not in ("object", ["object"], ["null", "object"],
                                     ["object", "null"]) or \
                    not isinstance(props, dict):
                problems.append("%s: %s: not an object schema with "
                                "properties" % (here, stream))
                props = {}
            kp = m.get("key_properties")
            if not isinstance(kp, list):
                problems.append("%s: %s: key_properties missing" %
                                (here, stream))
                kp = []
            for k in kp + list(m.get("bookmark_properties") or []):
                if k not in props:
                    problems.append("%s: %s: key or bookmark %s is not a "
                                    "property" % (here, stream, k))
            schemas[stream] = jsonschema.Draft4Validator(s)
        elif t == "RECORD":
            v = schemas.get(stream)
            if v is None:
                problems.append("%s: %s: RECORD before its SCHEMA"
                                % (here, stream))
                continue
            rec = m.get("record")
            for err in v.iter_errors(rec):
                problems.append("%s: %s: %s at %s" % (
                    here, stream, err.message,
                    "/".join(str(p) for p in err.absolute_path)))
                break
            if closed:
                undeclared(v.schema, rec, "%s: %s: record" % (here, stream),
                           problems)
            if "version" in m:
                ver = m["version"]
                if not isinstance(ver, int) or isinstance(ver, bool) or \
                        versions.get(stream) != ver:
                    problems.append("%s: %s: version %r was not activated"
                                    % (here, stream, ver))
        elif t == "ACTIVATE_VERSION":
            ver = m.get("version")
            if not isinstance(ver, int) or isinstance(ver, bool):
                problems.append("%s: %s: version must be an integer"
                                % (here, stream))
            versions[stream] = ver
    return problems


def main(argv):
    args = argv[1:]
    closed = "--closed" in args
    args = [a for a in args if a != "--closed"]
    if len(args) > 1 or any(a.startswith("-") and a != "-" for a in args):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    fp = sys.stdin if not args or args[0] == "-" else \
        open(args[0], encoding="utf-8")
    with fp:
        problems = check([ln for ln in fp if ln.strip()], closed)
    for p in problems[:20]:
        print("singer-rules: " + p, file=sys.stderr)
    if len(problems) > 20:
        print("singer-rules: and %d more" % (len(problems) - 20),
              file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
