#!/usr/bin/env python3
# json-check.py SCHEMA FILE DOCS
# Validates every line of FILE (gupctl --json prints one document a line)
# against SCHEMA with python3-jsonschema, and that there are DOCS of them.
# Says what it found on one line; exits 0 only if all of it holds.
import json
import sys

import jsonschema
import jsonschema.exceptions

# The schema's branch ($defs) for each document's "command".
BRANCH = {"info": "info", "pin": "pin", "query": "query_doc", "unpin": "unpin_doc",
          "matrix": "matrix", "watch": "watch", "experiment": "experiment",
          "experiment list": "experiment_list",
          "experiment coherence": "experiment_coherence", "bench": "bench",
          "profiles": "profiles", "profiles-matrix": "profiles_matrix"}
schema_path, path, want = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(schema_path) as f:
    schema = json.load(f)
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
docs = errors = 0
first = ""
with open(path) as f:
    for n, line in enumerate(f, 1):
        docs += 1
        try:
            doc = json.loads(line)
        except ValueError as e:
            errors += 1
            first = first or f"line {n}: not JSON: {e}"
            continue
        found = list(validator.iter_errors(doc))
        if found:
            errors += len(found)
            # oneOf hides the reason: say what the command's own branch says
            cmd = doc.get("command") if isinstance(doc, dict) else None
            if cmd in BRANCH:
                sub = {k: v for k, v in schema.items() if k != "oneOf"}
                sub["$ref"] = "#/$defs/" + BRANCH[cmd]
                e = jsonschema.exceptions.best_match(
                    jsonschema.Draft202012Validator(sub).iter_errors(doc)) or found[0]
            else:
                e = found[0]
            where = "/".join(str(p) for p in e.absolute_path)
            first = first or f"line {n}: {where}: {e.message[:200]}"
print(f"{docs} documents (want {want}), {errors} schema errors{': ' + first if first else ''}")
sys.exit(0 if docs == want and not errors else 1)
