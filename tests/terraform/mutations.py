"""Mutation check of the Terraform tests (run by scripts/terraform-mutations.sh).

Each mutation weakens one security property of a scratch copy of terraform/ by an exact text
replacement, and names the test file that must then fail. The copy is restored after each
mutation. The script prints a table and fails if any mutation survives (its test file still
passes), if a mutation no longer applies (the text it replaces is gone or not unique: a
mutation must never rot silently), or if a test file fails before any mutation.

Usage: mutations.py TERRAFORM_COPY [TERRAFORM_COPY...]
Each copy (terraform/ with ../functions/functions.json beside it, already initialised with
TF_DATA_DIR=$MUTATION_WORK/data-<copy index>-<directory, "/" as "_">: app, bootstrap, modules_<name>) serves one worker: mutations run
in parallel, one per copy, so no two mutations are ever applied to the same files.
"""
import os
import queue
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

# (id, what the mutation does, directory, file, text replaced, replacement, test file)
# scan-star and the five after the issue-20 entries that follow it (bisect-off to
# queue-no-batch-failures) are the ones issue 9 lists; the rest guard the other properties the suite claims.
MUTATIONS = [
    ("scan-star", "grant dynamodb:Scan on \"*\" to every table user",
     "app", "iam.tf",
     '        p.resource == "events_table" && length(setsubtract(p.actions, ["dynamodb:Query"])) > 0 ? [{',
     '        p.resource == "events_table" ? [{ Sid = "Mutant", Effect = "Allow", Action = ["dynamodb:Scan"], Resource = ["*"] }] : [],\n'
     '        p.resource == "events_table" && length(setsubtract(p.actions, ["dynamodb:Query"])) > 0 ? [{',
     "tests/grants.tftest.hcl"),
    ("alias-follows-version", "the live alias follows every published version (Terraform undoes the deploy step's canary and rollback)",
     "modules/lambda_function", "main.tf",
     "ignore_changes = [function_version, routing_config]", "ignore_changes = [routing_config]",
     "tests/alias.tftest.hcl"),
    ("image-by-tag", "Image functions run the release tag instead of the recorded digest",
     "app", "main.tf",
     '"${var.image_repository_prefix}/${lower(name)}@${var.image_digests[name]}"',
     '"${var.image_repository_prefix}/${lower(name)}:${var.release_version}"',
     "tests/stack.tftest.hcl"),
    ("key-reader-decrypts", "the read-only role may decrypt with the keys, not only read them",
     "modules/kms_key", "main.tf",
     "    Action    = local.reader_actions\n", '    Action    = concat(local.reader_actions, ["kms:Decrypt"])\n',
     "tests/kms_key.tftest.hcl"),
    ("canary-ignores-api-errors", "a routed function's canary no longer watches the API's 5xx rate",
     "app", "outputs.tf",
     'length(try(f.routes, [])) > 0 ? [module.monitoring.api_error_rate_alarm_names["5xx"]] : []', "[]",
     "tests/monitoring.tftest.hcl"),
    ("bisect-off", "stream mapping stops bisecting failed batches",
     "app", "triggers.tf",
     "bisect_batch_on_function_error     = true", "bisect_batch_on_function_error     = false",
     "tests/triggers.tftest.hcl"),
    ("retries-unlimited", "stream mapping retries until the record expires (-1)",
     "app", "triggers.tf",
     "stream_retry_attempts = 10", "stream_retry_attempts = -1",
     "tests/triggers.tftest.hcl"),
    ("no-failure-destination", "stream mapping has no on-failure destination",
     "app", "triggers.tf",
     "on_failure_destination_arn         = module.stream_failures.arn", "on_failure_destination_arn         = null",
     "tests/triggers.tftest.hcl"),
    ("stream-no-batch-failures", "stream mapping ignores partial batch responses",
     "app", "triggers.tf",
     'function_response_types            = ["ReportBatchItemFailures"]', "function_response_types            = []",
     "tests/triggers.tftest.hcl"),
    ("queue-no-batch-failures", "queue mapping ignores partial batch responses",
     "app", "triggers.tf",
     'function_response_types = ["ReportBatchItemFailures"]', "function_response_types = []",
     "tests/triggers.tftest.hcl"),
    ("visibility-30s", "uploads queue visibility timeout of 30 s",
     "app", "main.tf",
     "visibility_timeout_seconds = max(30, 6 * local.uploads_consumer_timeout)", "visibility_timeout_seconds = 30",
     "tests/triggers.tftest.hcl"),
    ("stream-latest", "stream mapping starts at LATEST",
     "app", "triggers.tf",
     'starting_position                  = "TRIM_HORIZON"', 'starting_position                  = "LATEST"',
     "tests/triggers.tftest.hcl"),
    ("record-age-unlimited", "stream mapping keeps records until the stream drops them (-1)",
     "app", "triggers.tf",
     "stream_max_record_age = 21600", "stream_max_record_age = -1",
     "tests/triggers.tftest.hcl"),
    ("query-whole-table", "dynamodb:Query on the table instead of the named indexes",
     "app", "iam.tf",
     'Resource = [for i in sort(try(p.indexes, [])) : "${module.events_table.arn}/index/${i}"]',
     "Resource = [module.events_table.arn]",
     "tests/grants.tftest.hcl"),
    ("list-any-prefix", "s3:ListBucket without the tenants/ prefix condition",
     "app", "iam.tf",
     '          Condition = { StringLike = { "s3:prefix" = ["tenants/*"] } }\n', "",
     "tests/grants.tftest.hcl"),
    ("data-key-direct", "data key usable directly, not only through S3",
     "app", "iam.tf",
     "          Condition = local.via_s3\n", "",
     "tests/grants.tftest.hcl"),
    ("schedule-invokes-anything", "schedule role may invoke every function",
     "app", "triggers.tf",
     "Resource = [module.functions[each.value.function].alias_arn]", 'Resource = ["*"]',
     "tests/roles.tftest.hcl"),
    ("role-pattern-covers-deploy-roles", "deploy role writes roles matching role/functions* (itself included)",
     "bootstrap", "deploy_policies.tf",
     'Resource  = ["${local.app_arn}:iam::${local.account}:role/functions/${env}/*"]',
     'Resource  = ["${local.app_arn}:iam::${local.account}:role/functions*"]',
     "tests/escalation.tftest.hcl"),
    ("passrole-any-service", "function roles may be passed to any service",
     "bootstrap", "deploy_policies.tf",
     '            Condition = { StringEquals = { "iam:PassedToService" = "lambda.amazonaws.com" } }\n', "",
     "tests/scoping.tftest.hcl"),
    ("no-self-guardrail", "no explicit deny on changing deploy roles",
     "bootstrap", "deploy_policies.tf",
     'Action = ["iam:*"]', 'Action = ["iam:TagPolicy"]',
     "tests/escalation.tftest.hcl"),
    ("state-any-environment", "deploy role reads and writes every environment's state",
     "bootstrap", "deploy_policies.tf",
     'Resource = ["${module.state_bucket.arn}/app/${env}.tfstate", "${module.state_bucket.arn}/app/${env}.tfstate.tflock"]',
     'Resource = ["${module.state_bucket.arn}/app/*"]',
     "tests/escalation.tftest.hcl"),
    ("boundary-all-tables", "permissions boundary allows every table in the account",
     "bootstrap", "../modules/permissions_boundary/main.tf",
     'Resource = [format("${local.region_arn}:table/functions-${var.environment}-*", "dynamodb")]',
     'Resource = [format("${local.region_arn}:table/*", "dynamodb")]',
     "tests/boundary.tftest.hcl"),
    ("boundary-without-versions", "permissions boundary without the object-version actions DeleteFile needs",
     "app", "../modules/permissions_boundary/main.tf",
     'Action   = ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:GetObject", "s3:PutObject"]',
     'Action   = ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]',
     "tests/roles.tftest.hcl"),
    ("backend-without-key", "backend config without kms_key_id (S3 backend then sends AES256)",
     "bootstrap", "outputs.tf",
     '      "kms_key_id   = \\"${module.key.arn}\\"",\n', "",
     "tests/state.tftest.hcl"),
    # Monitoring (issue 13): alarms reach a person, cover every DLQ, fire before the timeout,
    # the dashboard draws only emitted metrics, and the deploy role manages only its own.
    ("alarms-notify-nobody", "alarms have no alarm or OK action",
     "app", "../modules/monitoring/main.tf",
     "actions   = [aws_sns_topic.alarms.arn]", "actions   = []",
     "tests/monitoring.tftest.hcl"),
    ("dlq-unwatched", "the stream failures queue's DLQ has no alarm",
     "app", "monitoring.tf",
     '      "stream-failures-dlq" = module.stream_failures.dlq_name\n', "",
     "tests/monitoring.tftest.hcl"),
    ("duration-at-timeout", "p99 duration alarm at 100% of the timeout (fires only once it times out)",
     "app", "../modules/monitoring/main.tf",
     "floor(f.timeout_seconds * 1000 * local.t.duration_timeout_share)", "floor(f.timeout_seconds * 1000)",
     "tests/monitoring.tftest.hcl"),
    ("dashboard-unemitted-metric", "the dashboard draws a metric nobody emits",
     "app", "../modules/monitoring/dashboard.tf",
     '{ metric = "ConcurrentExecutions", stat = "Maximum" }', '{ metric = "ConcurrentExecution", stat = "Maximum" }',
     "tests/monitoring.tftest.hcl"),
    ("deploy-alarms-any-environment", "deploy role manages every environment's alarms",
     "bootstrap", "deploy_policies.tf",
     'format("${local.region_arn}:alarm:functions-${env}-*", "cloudwatch")', 'format("${local.region_arn}:alarm:functions-*", "cloudwatch")',
     "tests/escalation.tftest.hcl"),
    # Conditions, which a comparison of Action and Resource alone does not see.
    ("state-key-any-service", "the deploy role may use the state key directly, not only through S3 (no kms:ViaService)",
     "bootstrap", "deploy_policies.tf",
     '            Sid       = "StateKeyViaS3"\n            Effect    = "Allow"\n            Action    = ["kms:Decrypt", "kms:GenerateDataKey"]\n'
     '            Resource  = [module.key.arn]\n            Condition = { StringEquals = { "kms:ViaService" = ["s3.${var.region}.amazonaws.com"] } }\n',
     '            Sid       = "StateKeyViaS3"\n            Effect    = "Allow"\n            Action    = ["kms:Decrypt", "kms:GenerateDataKey"]\n'
     "            Resource  = [module.key.arn]\n",
     "tests/escalation.tftest.hcl"),
    ("key-tagging-any-environment", "the deploy role may tag keys of any environment (no aws:RequestTag/Environment)",
     "bootstrap", "deploy_policies.tf",
     '            Resource  = [format("${local.region_arn}:key/*", "kms")]\n            Condition = { StringEquals = { "aws:RequestTag/Environment" = env } }\n',
     '            Resource  = [format("${local.region_arn}:key/*", "kms")]\n',
     "tests/escalation.tftest.hcl"),
    ("uploads-queue-any-bucket", "S3 may send to the uploads queue for any bucket (no aws:SourceArn)",
     "app", "main.tf",
     '        ArnEquals    = { "aws:SourceArn" = module.data_bucket.arn }\n', "",
     "tests/triggers.tftest.hcl"),
    # Releases only main can write (issue 20): the deploy and read-only roles read, the
    # release role alone publishes and signs, and only on main or a v* tag.
    ("deploy-artifact-write", "a deploy role may write release artifacts again (s3:PutObject)",
     "bootstrap", "deploy_policies.tf",
     '            Sid      = "ReadArtifacts"\n            Effect   = "Allow"\n            Action   = ["s3:GetObject", "s3:GetObjectVersion"]\n',
     '            Sid      = "ReadArtifacts"\n            Effect   = "Allow"\n            Action   = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"]\n',
     "tests/release.tftest.hcl"),
    ("deploy-image-push", "a deploy role may push images again (ecr:PutImage and the layer uploads)",
     "bootstrap", "deploy_policies.tf",
     'Action   = ["ecr:BatchGetImage", "ecr:DescribeImages", "ecr:GetDownloadUrlForLayer"]',
     'Action   = ["ecr:BatchGetImage", "ecr:CompleteLayerUpload", "ecr:DescribeImages", "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"]',
     "tests/release.tftest.hcl"),
    ("release-trust-any-ref", "the release role trusts any job of the repository (sub repo:<repo>:*, no ref pin)",
     "bootstrap", "../modules/github_oidc/main.tf",
     '    ? "repo:${var.repository}:ref:${ref}"\n', '    ? "repo:${var.repository}:*"\n',
     "tests/release.tftest.hcl"),
    ("deploy-may-sign", "a deploy role may sign release manifests (kms:Sign)",
     "bootstrap", "deploy_policies.tf",
     'Action   = ["kms:DescribeKey", "kms:GetPublicKey", "kms:Verify"]',
     'Action   = ["kms:DescribeKey", "kms:GetPublicKey", "kms:Sign", "kms:Verify"]',
     "tests/release.tftest.hcl"),
    ("readonly-write-verb", "read-only roles keep Put* verbs of the deploy statements",
     "bootstrap", "release.tf",
     'readonly_verb = "^[a-z0-9-]+:(Get|Describe|List)[A-Za-z]*$"',
     'readonly_verb = "^[a-z0-9-]+:(Get|Describe|List|Put)[A-Za-z]*$"',
     "tests/release.tftest.hcl"),
    ("signing-key-deploy-signs", "the signing key's policy lets the deploy and read-only roles sign",
     "bootstrap", "release.tf",
     '        Action    = ["kms:DescribeKey", "kms:GetPublicKey", "kms:Verify"]\n',
     '        Action    = ["kms:DescribeKey", "kms:GetPublicKey", "kms:Sign", "kms:Verify"]\n',
     "tests/release.tftest.hcl"),
]


def run_test(copy, directory, test_file):
    """Runs one test file in copy (index, root); returns (passed, seconds, failed run names)."""
    index, root = copy
    start = time.monotonic()
    data_dir = f"data-{index}-{directory.replace('/', '_')}"
    env = dict(os.environ, TF_DATA_DIR=os.path.join(os.environ["MUTATION_WORK"], data_dir))
    result = subprocess.run(
        ["terraform", "test", "-no-color", "-filter=" + test_file],
        cwd=os.path.join(root, directory), env=env, capture_output=True, text=True)
    failed = [line.split('"')[1] for line in result.stdout.splitlines()
              if line.strip().startswith("run ") and line.rstrip().endswith("fail")]
    return result.returncode == 0, time.monotonic() - start, failed


def mutate_and_test(copies, mutation):
    ident, what, directory, name, old, new, test_file = mutation
    copy = copies.get()
    try:
        path = os.path.join(copy[1], directory, name)
        original = open(path, encoding="utf-8").read()
        if original.count(old) != 1:
            return (ident, what, f"{directory}/{name}", "-", f"NOT APPLIED ({original.count(old)} matches)", 0.0)
        with open(path, "w", encoding="utf-8") as f:
            f.write(original.replace(old, new))
        try:
            ok, seconds, failed = run_test(copy, directory, test_file)
        finally:
            with open(path, "w", encoding="utf-8") as f:
                f.write(original)
        caught_by = ", ".join(failed) if failed else ("(plan error)" if not ok else "-")
        print(f"  {ident}: {'SURVIVED' if ok else 'caught'} ({seconds:.1f} s)", flush=True)
        return (ident, what, f"{directory}/{name}", caught_by, "SURVIVED" if ok else "caught", seconds)
    finally:
        copies.put(copy)


def main():
    copies = queue.Queue()
    for index, root in enumerate(sys.argv[1:]):
        copies.put((index, root))
    workers = copies.qsize()

    def baseline_test(entry):
        directory, test_file = entry
        copy = copies.get()
        try:
            ok, seconds, failed = run_test(copy, directory, test_file)
        finally:
            copies.put(copy)
        print(f"baseline {directory}/{test_file}: {'pass' if ok else 'FAIL ' + ', '.join(failed)} ({seconds:.1f} s)", flush=True)
        return ok

    # The unmutated test files must pass, or a failing mutant would mean nothing; skipped when
    # the caller has just run them (MUTATION_BASELINE=0, scripts/test.sh after terraform-test.sh).
    baseline = sorted({(m[2], m[6]) for m in MUTATIONS}) if os.environ.get("MUTATION_BASELINE", "1") != "0" else []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        baseline_failed = not all(pool.map(baseline_test, baseline))
    if baseline_failed:
        print("a test file fails before any mutation: the mutation results would mean nothing")
        print("terraform-mutations: 0 passed, 1 failed")
        return 1

    with ThreadPoolExecutor(max_workers=workers) as pool:
        rows = list(pool.map(lambda m: mutate_and_test(copies, m), MUTATIONS))
    survived = sum(1 for r in rows if r[4] == "SURVIVED")
    broken = sum(1 for r in rows if r[4].startswith("NOT APPLIED"))

    print()
    print("| mutation | what it breaks | file | failing runs | result | s |")
    print("| --- | --- | --- | --- | --- | ---: |")
    for ident, what, where, caught_by, result, seconds in rows:
        print(f"| {ident} | {what} | {where} | {caught_by} | {result} | {seconds:.1f} |")
    caught = len(rows) - survived - broken
    print()
    print(f"{caught} of {len(rows)} mutations caught, {survived} survived, {broken} not applied")
    print(f"terraform-mutations: {caught} passed, {survived + broken} failed")
    return 0 if survived == 0 and broken == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
