"""Counts a `terraform test` log for scripts/terraform-test.sh: "PASSED FAILED".

A run counts as one test, except a rejection round (`run "reject_round_N"`), which counts one
test per bad value it tries: the entries of its expect_failures. Terraform fails a round when
any one of them is not refused, so each bad value is still checked on its own.

usage: tftest_counts.py MODULE_DIR TEST_LOG
"""
import pathlib
import re
import sys

module, log = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]).read_text()


def round_sizes(test_file):
    """{run name: number of expect_failures entries} for the rounds of one test file."""
    text = test_file.read_text()
    sizes = {}
    for match in re.finditer(r'^run "(reject_round_[0-9]+)" \{(.*?)^\}', text, re.M | re.S):
        failures = re.search(r"expect_failures\s*=\s*\[(.*?)\]", match.group(2), re.S)
        sizes[match.group(1)] = len(re.findall(r"\bvar\.[A-Za-z0-9_]+", failures.group(1))) if failures else 1
    return sizes


passed = failed = 0
sizes = {}
for line in log.splitlines():
    file_line = re.match(r"^(tests/[^ ]+\.tftest\.hcl)\.\.\. in progress", line)
    if file_line:
        sizes = round_sizes(module / file_line.group(1))
        continue
    run_line = re.match(r'^\s+run "([^"]+)"\.\.\. (pass|fail)', line)
    if run_line:
        weight = sizes.get(run_line.group(1), 1)
        if run_line.group(2) == "pass":
            passed += weight
        else:
            failed += weight
print(passed, failed)
