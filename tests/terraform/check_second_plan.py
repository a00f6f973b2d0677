"""Checks a second `terraform plan` against moto (`terraform show -json` on stdin).

It must change nothing, except what moto is known not to keep (design.md section 4): a
function's kms_key_arn and logging_config (so Lambda publishes a new version; the live alias
stays where it is, since the deploy step owns it: ignore_changes), queue attributes whose JSON moto re-serialises (equal once decoded), and the
empty image_config block moto invents for image functions.
Anything else is a real drift and fails.
"""
import json
import sys

MOTO_DROPS = {
    "aws_lambda_function": {"kms_key_arn", "logging_config", "version", "qualified_arn",
                            "qualified_invoke_arn", "last_modified"},
}
JSON_ATTRIBUTES = {"aws_sqs_queue": {"redrive_policy", "redrive_allow_policy", "policy"}}
# moto returns an empty image_config block for image functions where AWS returns none.
EMPTY_IMAGE_CONFIG = [{"command": [], "entry_point": [], "working_directory": ""}]


def same_json(a, b):
    try:
        return json.loads(a) == json.loads(b)
    except (TypeError, ValueError):
        return False


plan = json.load(sys.stdin)
problems, tolerated = [], 0
for change in plan.get("resource_changes", []):
    actions = change["change"]["actions"]
    if actions == ["no-op"] or actions == ["read"]:
        continue
    kind = change["type"]
    if actions != ["update"]:
        problems.append(f"{change['address']}: {actions}")
        continue
    before, after = change["change"]["before"] or {}, change["change"]["after"] or {}
    unknown = change["change"].get("after_unknown") or {}
    for key in sorted(set(before) | set(after) | set(unknown)):
        if unknown.get(key) is True or before.get(key) != after.get(key):
            if key in MOTO_DROPS.get(kind, set()):
                tolerated += 1
            elif key in JSON_ATTRIBUTES.get(kind, set()) and same_json(before.get(key), after.get(key)):
                tolerated += 1
            elif (kind, key) == ("aws_lambda_function", "image_config") \
                    and before.get(key) == EMPTY_IMAGE_CONFIG and not after.get(key):
                tolerated += 1
            else:
                problems.append(f"{change['address']}.{key}: {before.get(key)!r} -> {after.get(key)!r}")

if problems:
    print("the second plan changes more than moto's known gaps:")
    print("\n".join(problems))
    sys.exit(1)
print(f"no changes besides {tolerated} attribute(s) moto does not keep (design.md section 4)")
