variable "repository" {
  description = "GitHub repository allowed to assume the role, as \"owner/name\" (exact casing: the token's sub claim is compared case-sensitively)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$", var.repository))
    error_message = "repository must be \"owner/name\" (owner: letters, digits, hyphens; name: letters, digits, dots, hyphens, underscores)."
  }
}

variable "environments" {
  description = "GitHub environments whose jobs may assume the role (matched exactly; no wildcards). Protect them with required reviewers in GitHub. Give either environments or refs."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = (length(var.environments) > 0) != (length(var.refs) > 0)
    error_message = "Give exactly one of environments (at least one GitHub environment) or refs."
  }

  validation {
    condition     = alltrue([for e in var.environments : can(regex("^[A-Za-z0-9._-]{1,255}$", e))]) && length(distinct(var.environments)) == length(var.environments)
    error_message = "environments must be distinct names of letters, digits, dots, hyphens or underscores (no wildcards, spaces or colons)."
  }
}

variable "refs" {
  description = "Git refs whose jobs without a GitHub environment may assume the role, e.g. [\"refs/heads/main\", \"refs/tags/v*\"] (sub repo:<repository>:ref:<ref>; IAM's * and ? allowed, then matched with StringLike). Pull requests never match. An alternative to environments."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for r in var.refs : can(regex("^refs/(heads|tags)/[A-Za-z0-9._/*?-]+$", r)) && !can(regex("^refs/(heads|tags)/[*?]", r))]) && length(distinct(var.refs)) == length(var.refs)
    error_message = "refs must be distinct refs/heads/<branch> or refs/tags/<tag> (wildcards * and ? only after a literal first character, e.g. refs/tags/v*)."
  }
}

variable "job_workflow" {
  description = "With refs: pin the role to one workflow file, \"<owner>/<repo>/.github/workflows/<file>.yml\", at the ref the job runs on (sub repo:<repository>:ref:<ref>:job_workflow_ref:<job_workflow>@<ref>). Needs the repository's OIDC subject template to include repo, context and job_workflow_ref. With environments use job_workflow_ref."
  type        = string
  default     = null

  validation {
    condition     = var.job_workflow == null || (length(var.refs) > 0 && can(regex("^[A-Za-z0-9-]+/[A-Za-z0-9._-]+/\\.github/workflows/[A-Za-z0-9._-]+\\.ya?ml$", coalesce(var.job_workflow, "-"))))
    error_message = "job_workflow must be null, or (with refs) <owner>/<repo>/.github/workflows/<file>.yml without a ref."
  }
}

variable "job_workflow_ref" {
  description = "With environments: pin the role to one workflow file at one ref, e.g. \"example-org/functions/.github/workflows/deploy.yml@refs/heads/main\"; null accepts any workflow of the repository that runs in the environment. Needs the repository's OIDC subject template set to include repo, context and job_workflow_ref. With refs use job_workflow."
  type        = string
  default     = null

  validation {
    condition     = var.job_workflow_ref == null || (length(var.refs) == 0 && can(regex("^[A-Za-z0-9-]+/[A-Za-z0-9._-]+/\\.github/workflows/[A-Za-z0-9._-]+\\.ya?ml@refs/(heads|tags)/[A-Za-z0-9._/-]+$", coalesce(var.job_workflow_ref, "-"))))
    error_message = "job_workflow_ref must be null or <owner>/<repo>/.github/workflows/<file>.yml@refs/heads/<branch> (or refs/tags/<tag>), and only with environments."
  }
}

variable "create_provider" {
  description = "Create the account's GitHub OIDC provider. Set to false when the account already has one (there can be only one per URL) and pass provider_arn."
  type        = bool
  default     = true
  nullable    = false
}

variable "provider_arn" {
  description = "ARN of the existing GitHub OIDC provider; required when create_provider is false and must be null otherwise."
  type        = string
  default     = null

  validation {
    condition = (var.create_provider
      ? var.provider_arn == null
    : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/token\\.actions\\.githubusercontent\\.com$", var.provider_arn)))
    error_message = "provider_arn must be the ARN of the token.actions.githubusercontent.com OIDC provider when create_provider is false, and null when create_provider is true."
  }
}

variable "thumbprint_list" {
  description = "Certificate thumbprints of token.actions.githubusercontent.com. AWS no longer checks them for this provider (it trusts GitHub's certificate through its own root CAs), but the API stores them; the default is GitHub's documented pair."
  type        = list(string)
  default = [
    "6938fd4d98bab03faadb97b34396831e3780aea1",
    "1c58a3a8518e8759bf075b76b750d4f2df264fcd",
  ]
  nullable = false

  validation {
    condition     = length(var.thumbprint_list) >= 1 && length(var.thumbprint_list) <= 5 && alltrue([for t in var.thumbprint_list : can(regex("^[0-9a-fA-F]{40}$", t))])
    error_message = "thumbprint_list must hold 1 to 5 SHA-1 thumbprints of 40 hex characters."
  }
}

variable "role_name" {
  description = "Name of the deploy role that workflows assume."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.role_name))
    error_message = "role_name must be 1-64 characters of letters, digits and +=,.@_-."
  }
}

variable "policy_documents" {
  description = "IAM policy documents (JSON) attached to the deploy role as inline policies, keyed by a short name; one per concern (e.g. \"artifacts-write\", \"terraform-state\")."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for k, v in var.policy_documents : can(regex("^[A-Za-z0-9+=,.@_-]{1,100}$", k)) && can(jsondecode(v))])
    error_message = "policy_documents keys must be 1-100 characters of letters, digits and +=,.@_- and every value must be a JSON policy document."
  }
}

variable "managed_policy_documents" {
  description = "IAM policy documents (JSON) created as customer managed policies named <role_name>-<key> and attached to the role; for documents that do not fit IAM's 10,240-character total of a role's inline policies."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = length(var.managed_policy_documents) <= 10 && alltrue([for k, v in var.managed_policy_documents : can(regex("^[A-Za-z0-9+=,.@_-]{1,60}$", k)) && can(jsondecode(v)) && length(v) <= 6144])
    error_message = "managed_policy_documents may hold at most 10 documents (IAM's default per role), keys of 1-60 characters of letters, digits and +=,.@_-, each a JSON policy of at most 6,144 characters."
  }
}

variable "max_session_duration" {
  description = "Longest session, in seconds, a workflow can request for the role (3600-43200)."
  type        = number
  default     = 3600
  nullable    = false

  validation {
    condition     = var.max_session_duration >= 3600 && var.max_session_duration <= 43200 && floor(var.max_session_duration) == var.max_session_duration
    error_message = "max_session_duration must be a whole number of seconds between 3600 and 43200."
  }
}

variable "tags" {
  description = "Tags merged into every taggable resource of the module (the stack's provider adds default_tags)."
  type        = map(string)
  default     = {}
  nullable    = false
}
