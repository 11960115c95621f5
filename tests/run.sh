#!/bin/sh
# run.sh - runs every test program given and prints one closing line,
# "tests: N passed, N failed", over all of them.  Each program is a `check`
# suite printing "NN%: Checks: C, Failures: F, Errors: E".
# The programs run from the project's root with FIVESTAR naming the binary.
# A test case without a timeout of its own gets 120 s, not check's 4 s:
# a loaded two-core CI machine must not turn slowness into failures.
CK_DEFAULT_TIMEOUT=${CK_DEFAULT_TIMEOUT:-120}; export CK_DEFAULT_TIMEOUT
passed=0; failed=0; broken=""
for t in "$@"; do
    out=$("$t" 2>&1); rc=$?
    printf '%s\n' "$out" | grep -v '^Running suite' 
    line=$(printf '%s\n' "$out" | grep -E '[0-9]+%: Checks: [0-9]+' | tail -1)
    if [ -z "$line" ]; then
        echo "$t: no result line (exit $rc)"; failed=$((failed + 1)); broken="$broken $t"; continue
    fi
    c=$(echo "$line" | sed -E 's/.*Checks: ([0-9]+).*/\1/')
    f=$(echo "$line" | sed -E 's/.*Failures: ([0-9]+).*/\1/')
    e=$(echo "$line" | sed -E 's/.*Errors: ([0-9]+).*/\1/')
    passed=$((passed + c - f - e)); failed=$((failed + f + e))
    [ "$rc" -ne 0 ] && [ $((f + e)) -eq 0 ] && { failed=$((failed + 1)); broken="$broken $t"; }
done
[ -n "$broken" ] && echo "failed programs:$broken"
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
