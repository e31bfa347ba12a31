# Shared helpers for the shell suites (tests/programs.sh, tests/inputs.sh).
#
# A case is written as
#
#     begin "programs: vcopy.s under hwreloc"
#     mm run --mode hwreloc --check programs/vcopy.s
#     want_rc 0
#     want_err "check programs/vcopy.s: ok ("
#     end
#
# `mm` runs mmulab with stdout in $T/out and stderr in $T/err and its exit
# status in $RC; any run that dies on a signal, exits with a status outside
# 0..2, prints a sanitizer report or hangs past $MM_TIMEOUT seconds fails the
# case whatever else it asserts.  Every want_* adds a reason to fail; `end`
# counts the case as passed or failed and prints the reasons of a failure.
# The suite ends with `finish`, which prints `N passed, N failed` and exits
# non-zero if a case failed.  V=1 prints every case.

OUT=${OUT:-build}
M=${M:-$OUT/mmulab}
MM_TIMEOUT=${MM_TIMEOUT:-20}
PASSED=0
FAILED=0
CASE=""
WHY=""
RC=0
T=$(mktemp -d "${TMPDIR:-/tmp}/mmulab-test.XXXXXX")
trap 'rm -rf "$T"' EXIT

[ -x "$M" ] || { echo "no $M: build it first (make OUT=$OUT)"; exit 2; }

# A sanitizer or a signal: the one kind of failure no expected status excuses.
crash_report() { # file rc
    if [ "$2" -ge 124 ]; then
        [ "$2" -eq 124 ] && echo "hung (killed after ${MM_TIMEOUT}s)" || echo "died with status $2"
        return 0
    fi
    if grep -q -e 'Sanitizer' -e 'runtime error:' "$1" 2>/dev/null; then
        echo "sanitizer report: $(grep -m1 -e 'Sanitizer' -e 'runtime error:' "$1")"
        return 0
    fi
    [ "$2" -gt 2 ] && { echo "exit status $2 (mmulab only uses 0, 1 and 2)"; return 0; }
    return 1
}

begin() { CASE=$1; WHY=""; }
fail_because() { WHY="$WHY
    - $*"; }

# mm ARGS...: run mmulab (stdin from /dev/null).
mm() {
    timeout "$MM_TIMEOUT" "$M" "$@" >"$T/out" 2>"$T/err" </dev/null
    RC=$?
    local why
    if why=$(crash_report "$T/err" "$RC"); then
        fail_because "mmulab $*: $why"
    fi
    return 0
}

want_rc() { [ "$RC" -eq "$1" ] || fail_because "exit status $RC, want $1 (stderr: $(head -c 300 "$T/err" | tr '\n' '|'))"; }
want_err() { grep -qF -- "$1" "$T/err" || fail_because "stderr lacks '$1' (stderr: $(head -c 300 "$T/err" | tr '\n' '|'))"; }
want_err_re() { grep -qE -- "$1" "$T/err" || fail_because "stderr does not match /$1/ (stderr: $(head -c 300 "$T/err" | tr '\n' '|'))"; }
want_out() { grep -qF -- "$1" "$T/out" || fail_because "stdout lacks '$1' (stdout: $(head -c 300 "$T/out" | tr '\n' '|'))"; }
want_out_re() { grep -qE -- "$1" "$T/out" || fail_because "stdout does not match /$1/"; }
# want_eq WHAT GOT WANT
want_eq() { [ "$2" = "$3" ] || fail_because "$1: got '$2', want '$3'"; }
want() { # DESCRIPTION COMMAND...: the command must succeed
    local what=$1
    shift
    "$@" >/dev/null 2>&1 || fail_because "$what"
}

end() {
    if [ -z "$WHY" ]; then
        PASSED=$((PASSED + 1))
        [ -n "${V:-}" ] && echo "  ok    $CASE"
    else
        FAILED=$((FAILED + 1))
        echo "  FAIL  $CASE$WHY"
    fi
    return 0
}

finish() {
    echo "$PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ]
}

# jflat FILE: the JSON in FILE as `path=value` lines, one per scalar, with
# object keys and array indices joined by dots (processes.0.exit_code=0);
# an empty object or array prints `path={}` or `path=[]`.  Written in awk
# because a python3 start costs more than a whole mmulab run.
jflat() {
    awk 'BEGIN { RS = "\001" }
    function tok(   c, t) {
        if (pushed != "") { t = pushed; pushed = ""; return t }
        sub(/^[ \t\r\n]+/, "", s)
        if (s == "") return ""
        c = substr(s, 1, 1)
        if (index("{}[]:,", c)) { s = substr(s, 2); return c }
        if (c == "\"") {
            match(s, /^"([^"\\]|\\.)*"/)
            t = substr(s, 2, RLENGTH - 2); s = substr(s, RLENGTH + 1); return "S" t
        }
        match(s, /^[-+0-9.eEa-z]+/)
        if (RLENGTH <= 0) { bad = 1; s = ""; return "" }
        t = substr(s, 1, RLENGTH); s = substr(s, RLENGTH + 1); return "V" t
    }
    function join(p, k) { return p == "" ? k : p "." k }
    function value(path,   t, k, i) {
        t = tok()
        if (t == "{") {
            t = tok()
            if (t == "}") { print path "={}"; return }
            for (;;) {
                if (substr(t, 1, 1) != "S" || tok() != ":") { bad = 1; return }
                value(join(path, substr(t, 2)))
                t = tok()
                if (t == "}") return
                if (t != ",") { bad = 1; return }
                t = tok()
            }
        }
        if (t == "[") {
            t = tok()
            if (t == "]") { print path "=[]"; return }
            pushed = t
            for (i = 0; ; i++) {
                value(join(path, i))
                t = tok()
                if (t == "]") return
                if (t != ",") { bad = 1; return }
            }
        }
        if (t == "" || index("}],:", t)) { bad = 1; return }
        print path "=" substr(t, 2)
    }
    { s = $0; value(""); if (bad || tok() != "") { print "jflat: not JSON" > "/dev/stderr"; exit 1 } }' "$1"
}

# jv FILE PATH: one value of the JSON in FILE (see jflat), e.g. jv j faults.protection
jv() { jflat "$1" | awk -v k="$2" 'index($0, k "=") == 1 { print substr($0, length(k) + 2); exit }'; }


# program_args, arg_block_words: a program's `; args:` line
. "$(dirname "${BASH_SOURCE[0]}")/helpers/program_args.sh"
