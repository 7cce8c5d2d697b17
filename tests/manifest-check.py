#!/usr/bin/env python3
"""manifest-check.py SCHEMA MANIFEST: exit 0 when the manifest (YAML or
JSON) passes the JSON Schema, 1 with the reason when it does not."""
import json
import sys

import jsonschema
import yaml

schema = json.load(open(sys.argv[1]))
doc = yaml.safe_load(open(sys.argv[2]))
try:
    jsonschema.Draft7Validator(schema).validate(doc)
except jsonschema.ValidationError as e:
    print("%s: %s" % (sys.argv[2], e.message), file=sys.stderr)
    sys.exit(1)
