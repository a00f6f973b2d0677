# TEST ONLY (tests/roles.tftest.hcl): the grants of some roles that no Allow statement of a
# permissions boundary covers, as IAM matches Action and Resource patterns: "*" any run of
# characters, "?" any one, actions case-insensitively, resources case-sensitively, the whole
# string at once (the boundary's wildcards are all in the resource part of its ARNs). A granted
# pattern counts as covered when the boundary's pattern matches it as text; so that this never
# covers more than it grants, a boundary's "?" does not match a granted "*".
#
# Not evaluated: the boundary's conditions (kms:ResourceAliases on keys), which only AWS can;
# a grant on a key counts as covered whatever the key's aliases. A granted statement without
# Action or Resource (NotAction, NotResource) fails the run instead of passing it.

variable "boundary" {
  type        = string
  description = "The boundary document (JSON)."
}

variable "policies" {
  type        = map(map(string))
  description = "The policy documents (JSON) attached to each role, by role and policy name."
}

locals {
  # An IAM pattern as an anchored regular expression.
  allows = [
    for s in jsondecode(var.boundary).Statement : {
      actions   = [for a in flatten([s.Action]) : "^${replace(replace(replace(lower(a), "/[.+^$(){}|\\[\\]\\\\]/", "\\$0"), "*", ".*"), "?", "[^*]")}$"]
      resources = [for r in flatten([s.Resource]) : "^${replace(replace(replace(r, "/[.+^$(){}|\\[\\]\\\\]/", "\\$0"), "*", ".*"), "?", "[^*]")}$"]
    } if s.Effect == "Allow"
  ]

  grants = flatten([
    for role, documents in var.policies : [
      for name, document in documents : [
        for s in jsondecode(document).Statement : [
          for a in flatten([s.Action]) : [
            for r in flatten([s.Resource]) : { role = role, policy = name, action = a, resource = r }
          ]
        ] if s.Effect == "Allow"
      ]
    ]
  ])
}

output "checked" {
  description = "How many (role, action, resource) grants were checked."
  value       = length(local.grants)
}

output "outside" {
  description = "The grants no Allow statement of the boundary covers, as \"<role> (<policy>): <action> on <resource>\"."
  value = [
    for g in local.grants : "${g.role} (${g.policy}): ${g.action} on ${g.resource}" if !anytrue([
      for b in local.allows : anytrue([for p in b.actions : can(regex(p, lower(g.action)))]) && anytrue([for p in b.resources : can(regex(p, g.resource))])
    ])
  ]
}
