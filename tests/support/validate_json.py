#!/usr/bin/env python3
"""Validates JSON documents against a JSON Schema (draft 4/6/7), for tests.

usage: validate_json.py SCHEMA FILE...

Prints one line per file, "ok FILE" or "invalid FILE: <path>: <message>"
(every error), and exits 1 when any file is invalid, 2 on a usage error.
Uses python3-jsonschema (Debian); the SARIF 2.1.0 schema is draft 4.
"""
import json
import sys

import jsonschema


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as handle:
        schema = json.load(handle)
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    failed = False
    for path in argv[2:]:
        try:
            with open(path, encoding="utf-8") as handle:
                document = json.load(handle)
        except (OSError, ValueError) as error:
            print(f"invalid {path}: not JSON: {error}")
            failed = True
            continue
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        if errors:
            failed = True
            for error in errors[:20]:
                where = "/".join(str(part) for part in error.absolute_path)
                print(f"invalid {path}: /{where}: {error.message[:300]}")
        else:
            print(f"ok {path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
