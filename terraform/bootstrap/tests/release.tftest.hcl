# Releases only main can write, read from the policies as built (terraform test, mocked
# provider): no deploy or read-only role may write an artifact, push an image or sign, and
# the deploy guardrails deny it outright; the release role can, and nothing else; the
# read-only roles hold read verbs only; only the release role may sign with the signing key;
# the release role's trust admits main and v* tags only, the read-only roles' main only (the
# StringLike patterns evaluated as IAM does: * any run of characters, ? any one).

mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks"
}

variables {
  repository            = "example-org/functions"
  break_glass_role_arns = ["arn:aws:iam::111122223333:role/break-glass"]

  artifact_object = "arn:aws:s3:::functions-artifacts-111122223333/1.2.3/ListObjects.zip"
  artifact_bucket = "arn:aws:s3:::functions-artifacts-111122223333"
  repository_arn  = "arn:aws:ecr:eu-west-1:111122223333:repository/functions/listobjects"
  signing_key     = "arn:aws:kms:eu-west-1:111122223333:key/5e5e5e5e-1a1a-4b4b-8c8c-d9d9d9d9d9d9"
  push_actions    = ["ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"]
}

run "only_the_release_role_writes_releases" {
  command = plan

  variables {
    # What a deploy or read-only role may do on a release artifact or image at most.
    reads = {
      (var.artifact_object) = ["s3:GetObject", "s3:GetObjectVersion"]
      (var.artifact_bucket) = ["s3:ListBucket"]
      (var.repository_arn)  = ["ecr:BatchGetImage", "ecr:DescribeImages", "ecr:GetDownloadUrlForLayer"]
    }
  }

  # Every Allow of every deploy and read-only document, matched against the release resources
  # as IAM matches (actions case-insensitively); a "*" resource must not carry a write either,
  # and kms:Sign is allowed on no key. Before the guardrails: an Allow that only a Deny holds
  # back is still a finding here.
  assert {
    condition = length([
      for g in flatten([
        for role, docs in merge({ for env, d in output.deploy_policies : "functions-deploy-${env}" => d }, { for env, d in output.readonly_policies : "functions-readonly-${env}" => d }) : [
          for concern, doc in docs : [
            for s in jsondecode(doc).Statement : [
              for a in s.Action : [for r in s.Resource : { role = role, sid = s.Sid, action = a, resource = r }]
            ] if s.Effect == "Allow"
          ]
        ]
      ]) : "${g.role} ${g.sid}: ${g.action} on ${g.resource}"
      if anytrue([
        for arn, allowed in var.reads :
        g.resource != "*" && can(regex("^${replace(replace(replace(g.resource, "/[.+^$(){}|\\[\\]\\\\]/", "\\$0"), "*", ".*"), "?", ".")}$", arn))
        && !contains([for x in allowed : lower(x)], lower(g.action))
        && split(":", g.action)[0] == split(":", arn)[2]
      ]) || (g.resource == "*" && can(regex("^(s3:putobject|ecr:(putimage|initiatelayerupload|uploadlayerpart|completelayerupload|getauthorizationtoken))", lower(g.action)))) || lower(g.action) == "kms:sign"
    ]) == 0
    error_message = "A deploy or read-only role may write a release: ${jsonencode([
      for g in flatten([
        for role, docs in merge({ for env, d in output.deploy_policies : "functions-deploy-${env}" => d }, { for env, d in output.readonly_policies : "functions-readonly-${env}" => d }) : [
          for concern, doc in docs : [
            for s in jsondecode(doc).Statement : [
              for a in s.Action : [for r in s.Resource : { role = role, sid = s.Sid, action = a, resource = r }]
            ] if s.Effect == "Allow"
          ]
        ]
      ]) : "${g.role} ${g.sid}: ${g.action} on ${g.resource}"
      if anytrue([
        for arn, allowed in var.reads :
        g.resource != "*" && can(regex("^${replace(replace(replace(g.resource, "/[.+^$(){}|\\[\\]\\\\]/", "\\$0"), "*", ".*"), "?", ".")}$", arn))
        && !contains([for x in allowed : lower(x)], lower(g.action))
        && split(":", g.action)[0] == split(":", arn)[2]
      ]) || (g.resource == "*" && can(regex("^(s3:putobject|ecr:(putimage|initiatelayerupload|uploadlayerpart|completelayerupload|getauthorizationtoken))", lower(g.action)))) || lower(g.action) == "kms:sign"
    ])}"
  }

  # And the guardrails deny it, unconditionally, whatever a deploy role is given later.
  assert {
    condition = alltrue(flatten([
      for env, docs in output.deploy_policies : [
        for probe in concat(
          [{ action = "s3:PutObject", arn = var.artifact_object }, { action = "s3:PutObjectAcl", arn = var.artifact_object }, { action = "kms:Sign", arn = var.signing_key }],
          [for a in var.push_actions : { action = a, arn = var.repository_arn }],
          ) : anytrue([
            for d in jsondecode(docs["guardrails"]).Statement :
            d.Effect == "Deny" && !can(d.Condition)
            && anytrue([for da in d.Action : can(regex("^${replace(replace(lower(da), ".", "\\."), "*", ".*")}$", lower(probe.action)))])
            && anytrue([for dr in d.Resource : can(regex("^${replace(replace(dr, ".", "\\."), "*", ".*")}$", probe.arn))])
        ])
      ]
    ]))
    error_message = "Every deploy role's guardrails must deny writing artifacts, pushing images and signing releases."
  }

  # The release role can: publish artifacts, push images (after a registry login), sign.
  assert {
    condition = alltrue([
      for probe in concat(
        [{ action = "s3:PutObject", arn = var.artifact_object }, { action = "s3:GetObject", arn = var.artifact_object }, { action = "s3:ListBucket", arn = var.artifact_bucket }],
        [{ action = "ecr:GetAuthorizationToken", arn = "*" }, { action = "kms:Sign", arn = var.signing_key }, { action = "kms:GetPublicKey", arn = var.signing_key }],
        [for a in var.push_actions : { action = a, arn = var.repository_arn }],
        ) : anytrue(flatten([
          for concern, doc in output.release_policies : [
            for s in jsondecode(doc).Statement : s.Effect == "Allow" && contains(s.Action, probe.action) && anytrue([for r in s.Resource : can(regex("^${replace(replace(r, ".", "\\."), "*", ".*")}$", probe.arn))])
          ]
      ]))
    ])
    error_message = "The release role must be able to publish artifacts, push images and sign release manifests."
  }

  # And nothing else: only the artifact bucket, the bootstrap key (through S3), the function
  # repositories and the signing key; "*" only for the registry login. No state, no app.
  assert {
    condition = alltrue(flatten([
      for concern, doc in output.release_policies : [
        for s in jsondecode(doc).Statement : [
          for r in s.Resource : s.Effect == "Allow" && (
            r == "*" ? s.Action == ["ecr:GetAuthorizationToken"] :
            contains([var.artifact_bucket, "${var.artifact_bucket}/*", "arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0", var.signing_key], r) || startswith(r, "arn:aws:ecr:eu-west-1:111122223333:repository/functions/")
          )
        ]
      ]
    ]))
    error_message = "The release role may reach only the artifact bucket, the bootstrap key, the function repositories and the signing key."
  }

  assert {
    condition = alltrue(flatten([
      for concern, doc in output.release_policies : [
        for s in jsondecode(doc).Statement : try(s.Condition, null) == { StringEquals = { "kms:ViaService" = ["s3.eu-west-1.amazonaws.com"] } } if contains(s.Resource, "arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0")
      ]
    ]))
    error_message = "The release role may use the bootstrap key only through S3."
  }
}

run "readonly_roles_hold_read_verbs_only" {
  command = plan

  # Get*, Describe*, List* and API Gateway's GET; kms:Decrypt only for the state, through S3.
  assert {
    condition = length([
      for x in flatten([
        for env, docs in output.readonly_policies : [
          for concern, doc in docs : [
            for s in jsondecode(doc).Statement : [
              for a in s.Action : "${env} ${concern}/${s.Sid}: ${a}"
              if !(s.Effect == "Allow" && (can(regex("^[a-z0-9-]+:(Get|Describe|List)[A-Za-z]*$", a)) || a == "apigateway:GET" || (a == "kms:Decrypt" && concern == "state" && try(s.Condition, null) == { StringEquals = { "kms:ViaService" = ["s3.eu-west-1.amazonaws.com"] } })))
            ]
          ]
        ]
      ]) : x
    ]) == 0
    error_message = "A read-only role holds more than read verbs: ${jsonencode(flatten([
      for env, docs in output.readonly_policies : [
        for concern, doc in docs : [
          for s in jsondecode(doc).Statement : [
            for a in s.Action : "${env} ${concern}/${s.Sid}: ${a}"
            if !(s.Effect == "Allow" && (can(regex("^[a-z0-9-]+:(Get|Describe|List)[A-Za-z]*$", a)) || a == "apigateway:GET" || (a == "kms:Decrypt" && concern == "state" && try(s.Condition, null) == { StringEquals = { "kms:ViaService" = ["s3.eu-west-1.amazonaws.com"] } })))
          ]
        ]
      ]
    ]))}"
  }

  # Every derived statement is its deploy statement narrowed to its reads: the same Sid,
  # resources and condition, a subset of its actions, so it reaches nothing the deploy role
  # cannot (escalation.tftest.hcl proves what that is).
  assert {
    condition = alltrue(flatten([
      for env, docs in output.readonly_policies : [
        for concern, doc in docs : [
          for s in jsondecode(doc).Statement : anytrue([
            for d in jsondecode(output.deploy_policies[env][concern]).Statement :
            d.Sid == s.Sid && d.Resource == s.Resource && try(d.Condition, null) == try(s.Condition, null) && length(setsubtract(s.Action, d.Action)) == 0
          ])
        ] if concern != "state"
      ]
    ]))
    error_message = "A read-only statement is not its deploy statement narrowed to reads."
  }

  # State: its own environment's state object and the bucket listing, nothing of the lock.
  assert {
    condition = alltrue([
      for env, docs in output.readonly_policies : toset(flatten([for s in jsondecode(docs["state"]).Statement : s.Resource])) == toset([
        "arn:aws:s3:::functions-tfstate-111122223333", "arn:aws:s3:::functions-tfstate-111122223333/app/${env}.tfstate", "arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0",
      ])
    ])
    error_message = "A read-only role reads its own environment's state only."
  }

  assert {
    condition     = alltrue([for env, docs in output.readonly_policies : !contains(keys(docs), "guardrails") && length(docs) > 5])
    error_message = "A read-only role has a document per deploy concern (guardrails aside)."
  }
}

run "only_the_release_role_may_sign" {
  command = plan

  variables {
    release_role = "arn:aws:iam::111122223333:role/functions-release"
    verifiers = [
      "arn:aws:iam::111122223333:role/functions-deploy-dev", "arn:aws:iam::111122223333:role/functions-deploy-prod", "arn:aws:iam::111122223333:role/functions-deploy-stage",
      "arn:aws:iam::111122223333:role/functions-readonly-dev", "arn:aws:iam::111122223333:role/functions-readonly-prod", "arn:aws:iam::111122223333:role/functions-readonly-stage",
    ]
  }

  # Any Allow that could cover kms:Sign (kms:Sign itself or a wildcard) names the release role
  # alone, with the signing algorithm pinned.
  assert {
    condition = alltrue([
      for s in jsondecode(output.release_signing_key_policy).Statement :
      s.Principal == { AWS = var.release_role } && try(s.Condition, null) == { StringEquals = { "kms:SigningAlgorithm" = "ECDSA_SHA_256" } }
      if s.Effect == "Allow" && anytrue([for a in flatten([s.Action]) : can(regex("^${replace(replace(lower(a), ".", "\\."), "*", ".*")}$", "kms:sign"))])
    ]) && length([for s in jsondecode(output.release_signing_key_policy).Statement : s if s.Effect == "Allow" && contains(flatten([s.Action]), "kms:Sign")]) == 1
    error_message = "Only the release role may sign (ECDSA_SHA_256): ${output.release_signing_key_policy}"
  }

  assert {
    condition = anytrue([
      for s in jsondecode(output.release_signing_key_policy).Statement :
      s.Effect == "Deny" && s.Principal == { AWS = "*" } && s.Action == ["kms:Sign"] && try(s.Condition, null) == { ArnNotEquals = { "aws:PrincipalArn" = var.release_role } }
    ])
    error_message = "The key policy must deny signing to everyone but the release role."
  }

  assert {
    condition = one([for s in jsondecode(output.release_signing_key_policy).Statement : s if s.Sid == "AllowVerifiers"]) == {
      Sid = "AllowVerifiers", Effect = "Allow", Principal = { AWS = var.verifiers }, Action = ["kms:DescribeKey", "kms:GetPublicKey", "kms:Verify"], Resource = "*"
    }
    error_message = "The deploy and read-only roles (only they) may verify."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(output.release_signing_key_policy).Statement :
      s.Effect == "Deny" || contains([jsonencode(["arn:aws:iam::111122223333:role/break-glass"]), jsonencode(var.release_role), jsonencode(var.verifiers)], jsonencode(s.Principal.AWS))
    ]) && !strcontains(output.release_signing_key_policy, ":root") && !strcontains(output.release_signing_key_policy, "kms:CreateGrant")
    error_message = "Nothing is delegated to IAM (no account root) and no grant can be created."
  }

  assert {
    condition = [for s in jsondecode(output.release_signing_key_policy).Statement : s.Principal.AWS if s.Sid == "AllowKeyAdministrators"] == [["arn:aws:iam::111122223333:role/break-glass"]] && alltrue([
      for s in jsondecode(output.release_signing_key_policy).Statement : !contains(s.Action, "kms:Sign") && !contains(s.Action, "kms:Verify") if s.Sid == "AllowKeyAdministrators"
    ])
    error_message = "The break-glass roles administer the key and do not use it."
  }

  # The policy the key is created with, before the roles exist: administrators and the deny.
  assert {
    condition     = [for s in jsondecode(aws_kms_key.release_signing.policy).Statement : s.Sid] == ["AllowKeyAdministrators", "DenySigningByAnyoneElse"]
    error_message = "The key must be created with its administrators and the signing deny only."
  }
}

run "release_trust_admits_main_and_v_tags_only" {
  command = plan

  variables {
    admitted = ["repo:example-org/functions:ref:refs/heads/main", "repo:example-org/functions:ref:refs/tags/v1.2.3"]
    refused = [
      "repo:example-org/functions:ref:refs/heads/feature",
      "repo:example-org/functions:ref:refs/heads/main-old",
      "repo:example-org/functions:ref:refs/heads/v1",
      "repo:example-org/functions:ref:refs/tags/1.2.3",
      "repo:example-org/functions:pull_request",
      "repo:example-org/functions:environment:prod",
      "repo:example-org/functions:environment:dev",
      "repo:example-org/functions-fork:ref:refs/heads/main",
      "repo:other-org/functions:ref:refs/tags/v1.2.3",
    ]
  }

  # A subject is admitted when the (single) statement's conditions all hold: aud by
  # StringEquals; sub by StringEquals or, as IAM evaluates StringLike, by a pattern whose *
  # matches any run of characters and ? any one.
  assert {
    condition = [
      for sub in concat(var.admitted, var.refused) : alltrue([
        for op, kv in jsondecode(module.release.trust_policy).Statement[0].Condition : alltrue([
          for key, want in kv : anytrue([
            for p in flatten([want]) : op == "StringEquals" ? p == (key == "token.actions.githubusercontent.com:aud" ? "sts.amazonaws.com" : sub) :
            op == "StringLike" ? can(regex("^${replace(replace(replace(p, "/[.+^$(){}|\\[\\]\\\\]/", "\\$0"), "*", ".*"), "?", ".")}$", key == "token.actions.githubusercontent.com:aud" ? "sts.amazonaws.com" : sub)) : false
          ])
        ])
      ])
    ] == concat([for s in var.admitted : true], [for s in var.refused : false])
    error_message = "The release role's trust must admit main and v* tags only: ${module.release.trust_policy}"
  }

  assert {
    condition     = toset(flatten([for op, kv in jsondecode(module.release.trust_policy).Statement[0].Condition : keys(kv)])) == toset(["token.actions.githubusercontent.com:aud", "token.actions.githubusercontent.com:sub"]) && length(jsondecode(module.release.trust_policy).Statement) == 1
    error_message = "The release trust must be one statement conditioned on aud and sub."
  }

  assert {
    condition = alltrue([
      for env, r in module.readonly : jsondecode(r.trust_policy).Statement[0].Condition == {
        StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com", "token.actions.githubusercontent.com:sub" = ["repo:example-org/functions:ref:refs/heads/main"] }
      }
    ])
    error_message = "A read-only role must trust jobs on main only (exactly)."
  }
}

run "release_and_drift_workflows_are_pinned" {
  command = plan

  variables {
    release_workflow = ".github/workflows/release.yml"
    drift_workflow   = ".github/workflows/drift.yml"
    admitted = [
      "repo:example-org/functions:ref:refs/heads/main:job_workflow_ref:example-org/functions/.github/workflows/release.yml@refs/heads/main",
      "repo:example-org/functions:ref:refs/tags/v2.0.0:job_workflow_ref:example-org/functions/.github/workflows/release.yml@refs/tags/v2.0.0",
    ]
    refused = [
      "repo:example-org/functions:ref:refs/heads/main",
      "repo:example-org/functions:ref:refs/heads/main:job_workflow_ref:example-org/functions/.github/workflows/ci.yml@refs/heads/main",
      "repo:example-org/functions:ref:refs/heads/feature:job_workflow_ref:example-org/functions/.github/workflows/release.yml@refs/heads/feature",
      "repo:example-org/functions:pull_request:job_workflow_ref:example-org/functions/.github/workflows/release.yml@refs/pull/1/merge",
    ]
  }

  assert {
    condition = [
      for sub in concat(var.admitted, var.refused) : anytrue([
        for p in jsondecode(module.release.trust_policy).Statement[0].Condition.StringLike["token.actions.githubusercontent.com:sub"] :
        can(regex("^${replace(replace(replace(p, "/[.+^$(){}|\\[\\]\\\\]/", "\\$0"), "*", ".*"), "?", ".")}$", sub))
      ])
    ] == concat([for s in var.admitted : true], [for s in var.refused : false])
    error_message = "With release_workflow the release role must admit that workflow on main and v* tags only: ${module.release.trust_policy}"
  }

  assert {
    condition = alltrue([
      for env, r in module.readonly : jsondecode(r.trust_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == ["repo:example-org/functions:ref:refs/heads/main:job_workflow_ref:example-org/functions/.github/workflows/drift.yml@refs/heads/main"]
    ])
    error_message = "With drift_workflow each read-only role must admit that workflow on main only."
  }
}
