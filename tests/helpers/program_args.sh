# Sourced by tests/lib.sh and tests/paging.sh: the arguments a program in
# programs/ asks to be run with.
# program_args FILE: `-- ARG...` for a program whose header has a `; args:`
# line (programs/echo_args.s), nothing for the others.
program_args() {
    local a
    a=$(sed -n 's/^; args: *//p' "$1" | head -n 1)
    [ -n "$a" ] && echo "-- $a"
    return 0
}

# arg_block_words FILE: the words of the argument block the OS writes for
# that `; args:` line (os/args.c: argc, argv[0..argc-1], 0, the strings).
arg_block_words() {
    local file=$1 a name strings n
    a=$(sed -n 's/^; args: *//p' "$file" | head -n 1)
    [ -z "$a" ] && { echo 0; return; }
    name=$(basename "$file")
    strings=$((${#name} + 1))
    n=0
    for w in $a; do strings=$((strings + ${#w} + 1)); n=$((n + 1)); done
    echo $((n + 3 + (strings + 3) / 4))
}
