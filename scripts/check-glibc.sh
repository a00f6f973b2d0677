#!/usr/bin/env bash
# Fails when any ELF file under the given paths needs a glibc/libstdc++ symbol version that
# provided.al2023 lacks (GLIBC_2.34, GLIBCXX_3.4.29, CXXABI_1.3.13). package.sh runs it on
# every package; the deploy workflow runs it again on what the AL2023 container built.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/glibc.sh"
if [[ $# -eq 0 || "$1" == "-h" || "$1" == "--help" ]]; then
  echo "Usage: scripts/check-glibc.sh PATH...   (files or folders; every ELF file is checked)"
  [[ $# -eq 0 ]] && exit 2 || exit 0
fi
require_python
check_symbol_versions "$@"
