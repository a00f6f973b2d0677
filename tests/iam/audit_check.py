#!/usr/bin/env python3
"""Least privilege, proven by traffic.

Reads the IAM decisions the local cloud's AWS endpoint recorded during a whole end-to-end run
(scripts/local.sh --iam-audit FILE: one JSON line per decision) and the grants the stack rendered
(the app stack's output function_policies: every policy document attached to each function role,
from the outputs.json the run used), and checks:

  * every grant — (function, policy document, Allow statement, action, resource) — granted some
    allowed call of that function (the endpoint records every inline policy statement that allowed
    each call), or is listed in tests/iam/kept-grants.txt with the reason it is kept;
  * every entry of kept-grants.txt (a pattern, * any run of characters) names grants that exist and
    were all unused (a stale reason fails);
  * no call was outside the endpoint's map of AWS operations (iam-unmapped).

Prints one line per grant and exits non-zero on any failure.

Usage: audit_check.py AUDIT_JSONL OUTPUTS_JSON [KEPT_GRANTS_TXT]
"""
import json
import re
import sys
from pathlib import Path


def pattern(text: str, ignore_case: bool) -> re.Pattern:
    # IAM wildcards: * any run of characters, ? one character.
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text)
    return re.compile(f"^{body}$", re.IGNORECASE if ignore_case else 0)


def as_list(value):
    return value if isinstance(value, list) else [value]


def load_grants(outputs: dict) -> list:
    names = outputs["function_names"]["value"]  # manifest name -> deployed name
    grants = []
    for function, documents in outputs["function_policies"]["value"].items():
        for document_name, text in sorted(documents.items()):
            for statement in as_list(json.loads(text)["Statement"]):
                if statement.get("Effect") != "Allow":
                    continue
                for action in as_list(statement["Action"]):
                    for resource in as_list(statement["Resource"]):
                        grants.append({
                            "function": function,
                            "deployed": names[function],
                            "document": document_name,
                            "sid": statement.get("Sid", "?"),
                            "id": f"{function} {document_name}/{statement.get('Sid', '?')} {action} {resource}",
                            "action": pattern(action, True),
                            "resource": pattern(resource, False),
                        })
    return grants


def load_kept(path: Path) -> dict:
    kept = {}
    if not path.exists():
        return kept
    for number, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        grant, sep, reason = line.partition(" -- ")
        if not sep or not reason.strip():
            raise SystemExit(f"{path}:{number}: each line is '<function> <document>/<sid> <action> <resource> -- <reason>'")
        kept[grant.strip()] = (pattern(grant.strip(), False), reason.strip())
    return kept


def granted_by(decision: dict) -> set:
    """(inline policy name, Sid) of every statement that granted the call: the local cloud writes
    "role <role>, inline '<name>' :: <Sid>" joined by " | "."""
    found = set()
    for part in (decision.get("granted_by") or "").split(" | "):
        source, _, sid = part.partition(" :: ")
        match = re.search(r", inline '(.*)'$", source)
        if match:
            found.add((match.group(1), sid))
    return found


def main() -> int:
    if len(sys.argv) not in (3, 4):
        print(__doc__)
        return 2
    audit_path, outputs_path = Path(sys.argv[1]), Path(sys.argv[2])
    kept_path = Path(sys.argv[3]) if len(sys.argv) == 4 else Path(__file__).with_name("kept-grants.txt")
    if not audit_path.exists() or audit_path.stat().st_size == 0:
        print(f"FAIL no IAM decisions were recorded in {audit_path}: did the end-to-end run use --iam-audit?")
        return 1
    lines = [json.loads(line) for line in audit_path.read_text().splitlines() if line.strip()]
    decisions = [l for l in lines if l.get("event") == "iam-decision"]
    unmapped = [l for l in lines if l.get("event") == "iam-unmapped"]
    allowed = [d for d in decisions if d["decision"] == "Allowed" and d.get("function")]
    grants = load_grants(json.loads(outputs_path.read_text()))
    kept = load_kept(kept_path)

    failures = 0
    matched = {line: 0 for line in kept}
    for grant in grants:
        uses = sum(1 for d in allowed if d["function"] == grant["deployed"]
                   and (grant["document"], grant["sid"]) in granted_by(d)
                   and grant["action"].match(d["action"]) and grant["resource"].match(d["resource"]))
        keeping = [line for line, (rx, _) in kept.items() if rx.match(grant["id"])]
        for line in keeping:
            matched[line] += 1
        if uses:
            print(f"  used  {uses:5d}  {grant['id']}")
            for line in keeping:
                failures += 1
                print(f"  FAIL  kept-grants.txt keeps a grant the run used (narrow or drop '{line}'): {grant['id']}")
        elif keeping:
            print(f"  kept      -  {grant['id']}  ({kept[keeping[0]][1]})")
        else:
            failures += 1
            print(f"  FAIL unused  {grant['id']}: no call of the end-to-end run needed it; remove the grant "
                  f"from functions/functions.json, or list it in {kept_path.name} with the reason it is kept")
    for line, count in matched.items():
        if count == 0:
            failures += 1
            print(f"  FAIL  kept-grants.txt names no grant the stack renders: {line}")
    for call in unmapped:
        failures += 1
        print(f"  FAIL  unmapped call by {call.get('function') or call.get('principal')}: {call.get('operation')}")
    denied = [d for d in decisions if d["decision"] != "Allowed"]
    print(f"audit: {len(decisions)} decisions ({len(allowed)} allowed to functions, {len(denied)} denied), "
          f"{len(grants)} grants, {len(kept)} kept with a reason, {len(unmapped)} unmapped calls")
    for d in denied:
        print(f"  denied  {d.get('function') or d.get('principal')}  {d['action']}  {d['resource']}  ({d.get('denied_by')}, via {d.get('via')})")
    print("audit_check: " + ("ok" if failures == 0 else f"{failures} failures"))
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
