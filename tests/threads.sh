#!/usr/bin/env bash
# tests/threads.sh -- threads (os/threads.c, docs/services.md "Threads"):
# programs/threads.s under paged and refused elsewhere; thread-stack regions
# in the region table with the seed's characteristics, grown on demand and
# stopped at their limit; thread_join's error codes; the process ending with
# its last thread, with exit() from any thread and with a fault in any
# thread; the region table filling up.
# Usage: OUT=build tests/threads.sh   (V=1 lists every case); the last line
# is `N passed, N failed`.
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

# ---- programs/threads.s ------------------------------------------------------------

begin "threads.s under paged: the total of both workers, exit 0"
mm run --mode paged --check programs/threads.s
want_rc 0
want_eq "output" "$(cat "$T/out")" "total=8002000"
want_err "check programs/threads.s: ok (2 expectations)"
want_err "paged: 3 processes"
end

begin "threads.s under paged with a tiny quantum (the lock under many switches)"
mm run --mode paged --quantum 50 programs/threads.s
want_rc 0
want_eq "output" "$(cat "$T/out")" "total=8002000"
end

for opts in "--page-size 512" "--frames 4" "--replace opt --frames 4" "--asid-bits 0" "--levels 3" "--prefault"; do
    begin "threads.s under paged $opts"
    mm run --mode paged --check $opts programs/threads.s
    want_rc 0
    want_eq "output" "$(cat "$T/out")" "total=8002000"
    end
done

begin "--audit: a thread's stores land in its own process's memory"
mm run --mode paged --audit programs/threads.s
want_rc 0
want_err "audit: 0 stores outside the storing process's memory"
end

begin "--stats-json: each thread is a row with its own instructions; page faults are the address space's"
mm run --mode paged --stats-json "$T/j" programs/threads.s
want_rc 0
jflat "$T/j" >"$T/flat"
for i in 1 2; do # each worker: 2 x 2000 loop iterations of 5 instructions
    n=$(sed -n "s/^processes.$i.instructions=//p" "$T/flat")
    [ "${n:-0}" -gt 20000 ] || fail_because "thread row $i: $n instructions"
    want_eq "thread row $i page faults" "$(sed -n "s/^processes.$i.page_faults=//p" "$T/flat")" 0
done
n=$(sed -n "s/^processes.0.page_faults=//p" "$T/flat")
[ "${n:-0}" -ge 4 ] || fail_because "the leader counts the space's page faults (both stacks' 2 pages): $n"
end

for mode in bare swreloc hwreloc; do
    begin "threads.s under $mode: thread_create refused, exit 3"
    mm run --mode "$mode" --check programs/threads.s
    want_rc 0
    want_err "first exit code 3"
    want_err "check programs/threads.s: ok"
    end
done

# thread_create's exact error code outside paged mode: exit(-result)
cat >"$T/refused.s" <<'EOF'
        .text
start:  LOAD    R1, #worker
        LOAD    R2, #0
        SYSCALL #22                     ; thread_create
        NEG     R0
        MOV     R1, R0                  ; exit(-result)
        SYSCALL #0
worker: SYSCALL #23
EOF
for mode in bare swreloc hwreloc; do
    begin "thread_create under $mode returns -ENODEV (19)"
    mm run --mode "$mode" "$T/refused.s"
    want_rc 0
    want_err "first exit code 19"
    end
done
cat >"$T/refused_calls.s" <<'EOF'
        .text
start:  LOAD    R1, #2
        SYSCALL #24                     ; thread_join(2)
        MOV     R5, R0
        LOAD    R1, #5
        SYSCALL #23                     ; thread_exit(5): refused, returns
        ADD     R0, R5
        NEG     R0
        MOV     R1, R0                  ; exit(19 + 19)
        SYSCALL #0
EOF
begin "thread_join and thread_exit under hwreloc return -ENODEV"
mm run --mode hwreloc "$T/refused_calls.s"
want_rc 0
want_err "first exit code 38"
end

# ---- regions: two thread stacks, grown on demand, kept until joined -----------------

# The main thread makes two threads that each touch 6000 bytes below their
# SP (a second page of 4 KiB) and end; the main thread calls thread_exit(7)
# without joining them, so the process ends with its last thread and the
# region table at the end still holds both stacks.
cat >"$T/keep.s" <<'EOF'
        .text
start:  LOAD    R1, #worker
        LOAD    R2, #0
        SYSCALL #22
        LOAD    R1, #worker
        LOAD    R2, #1
        SYSCALL #22
        LOAD    R1, #7
        SYSCALL #23                     ; thread_exit(7): its threads carry on
        LOAD    R1, #99                 ; never reached
        SYSCALL #0
worker: LEA     R3, [SP+-6000]
        STORE   R1, [R3]                ; the stack grows a page
        LOAD    R4, [R3]
        ADD     R4, #1
        STORE   R4, [SP+-4]
        MOV     R1, R4
        SYSCALL #23                     ; thread_exit(i + 1)
EOF
begin "--regions lists both thread stacks: no support, rw-, private, variable"
mm run --mode paged --regions "$T/keep.s"
want_rc 0
want_err "first exit code 7"
want_eq "thread-stack rows" "$(grep -c '^  thread stack ' "$T/out")" 2
want_eq "their characteristics" \
    "$(grep '^  thread stack ' "$T/out" | awk '{print $5, $6, $7, $8, $9}' | sort -u)" "none (zeros) rw- private variable"
want_out "process 2 (keep.s): a thread of process 1"
want_out "process 3 (keep.s): a thread of process 1"
end

begin "each thread stack grew on demand from one page to two"
sizes=$(grep '^  thread stack ' "$T/out" | while read -r _ _ start end _; do echo $((end - start)); done | sort -u)
want_eq "thread stack sizes" "$sizes" 8192
starts=$(grep '^  thread stack ' "$T/out" | awk '{print $3}' | sort -u | wc -l)
want_eq "distinct stacks" "$starts" 2
stack_end=$(awk '$1 == "stack" {print $3}' "$T/out") # the stack may grow 1 MiB down from its end
for s in $(grep '^  thread stack ' "$T/out" | awk '{print $4}'); do
    [ $((s)) -le $((stack_end - 0x100000 - 4096)) ] ||
        fail_because "thread stack ending $s is not below the stack's growth limit and a guard page"
done
end

begin "the region table without growth: one page each"
sed 's/SP+-6000/SP+-8/' "$T/keep.s" >"$T/keep1.s"
mm run --mode paged --regions "$T/keep1.s"
want_rc 0
sizes=$(grep '^  thread stack ' "$T/out" | while read -r _ _ start end _; do echo $((end - start)); done | sort -u)
want_eq "thread stack sizes" "$sizes" 4096
end

begin "a joined thread's stack region is gone from the table"
cat >"$T/joined.s" <<'EOF'
        .text
start:  LOAD    R1, #worker
        SYSCALL #22
        MOV     R1, R0
        SYSCALL #24                     ; thread_join
        MOV     R1, R0                  ; exit(its code)
        SYSCALL #0
worker: STORE   R1, [SP+-4]
        LOAD    R1, #6
        SYSCALL #23
EOF
mm run --mode paged --regions "$T/joined.s"
want_rc 0
want_err "first exit code 6"
want_eq "thread-stack rows" "$(grep -c '^  thread stack ' "$T/out")" 0
end

begin "a thread stack stops growing at its limit (64 KiB): the fault stops the process"
cat >"$T/deep.s" <<'EOF'
        .text
start:  LOAD    R1, #worker
        SYSCALL #22
        MOV     R1, R0
        SYSCALL #24
        LOAD    R1, #0
        SYSCALL #0
worker: MOV     R3, SP                  ; touch a word every 4 KiB, down and down
down:   SUB     R3, #4096
        STORE   R3, [R3]
        JMP     down
EOF
mm run --mode paged --regions "$T/deep.s"
want_rc 1
want_err_re "process 2 \(deep.s\) stopped: page fault: page not mapped; store at pc 0x[0-9a-f]+, logical address 0xffeed000"
want_out_re "^  thread stack  0xffeee000 0xffefe000 " # grown to exactly 64 KiB
want_err_re "process 1 \(deep.s\) stopped with process 2"
end

# ---- thread_join's error codes ----------------------------------------------------------

cat >"$T/join.s" <<'EOF'
        .text
start:  LOAD    R1, #99
        SYSCALL #24                     ; no such thread: -ESRCH
        CMP     R0, #-3
        JNZ     bad10
        LOAD    R1, #0
        SYSCALL #24                     ; tid 0: -ESRCH
        CMP     R0, #-3
        JNZ     bad11
        LOAD    R1, #1
        SYSCALL #24                     ; itself: -EDEADLK
        CMP     R0, #-35
        JNZ     bad12
        LI      R1, 0xFFFFFFFF
        SYSCALL #24                     ; -1: -ESRCH
        CMP     R0, #-3
        JNZ     bad13
        LOAD    R1, #worker
        SYSCALL #22
        MOV     R6, R0
        MOV     R1, R6
        SYSCALL #24                     ; its code, 5
        CMP     R0, #5
        JNZ     bad14
        MOV     R1, R6
        SYSCALL #24                     ; joined already: -ESRCH
        CMP     R0, #-3
        JNZ     bad15
        LOAD    R1, #0
        SYSCALL #0
bad10:  LOAD    R1, #10
        SYSCALL #0
bad11:  LOAD    R1, #11
        SYSCALL #0
bad12:  LOAD    R1, #12
        SYSCALL #0
bad13:  LOAD    R1, #13
        SYSCALL #0
bad14:  LOAD    R1, #14
        SYSCALL #0
bad15:  LOAD    R1, #15
        SYSCALL #0
worker: LOAD    R1, #5
        SYSCALL #23
EOF
begin "thread_join: bad tids get -ESRCH, itself -EDEADLK, twice -ESRCH"
mm run --mode paged "$T/join.s"
want_rc 0
want_err "first exit code 0"
end

cat >"$T/forkjoin.s" <<'EOF'
        .text
start:  SYSCALL #15                     ; fork
        CMP     R0, #0
        JZ      child
        MOV     R1, R0                  ; join the child process: not a thread
        SYSCALL #24
        NEG     R0
        MOV     R1, R0
        SYSCALL #0                      ; exit(ESRCH)
child:  LOAD    R1, #0
        SYSCALL #0
EOF
begin "thread_join of another process (a forked child) gets -ESRCH"
mm run --mode paged "$T/forkjoin.s"
want_rc 0
want_err "first exit code 3"
end

# ---- how a process ends -------------------------------------------------------------

cat >"$T/exit_from_thread.s" <<'EOF'
        .text
start:  LOAD    R1, #worker
        SYSCALL #22
spin:   JMP     spin                    ; never ends by itself
worker: LOAD    R1, #9
        SYSCALL #0                      ; exit(9): the whole process
EOF
begin "exit() in a thread ends the whole process, main thread included"
mm run --mode paged "$T/exit_from_thread.s"
want_rc 0
want_err "first exit code 9"
end

cat >"$T/fault_in_thread.s" <<'EOF'
        .text
start:  LOAD    R1, #worker
        SYSCALL #22
spin:   JMP     spin
worker: LUI     R2, #0x800              ; 0x00800000: in no region
        LOAD    R3, [R2]
        SYSCALL #23
EOF
begin "a fault in a thread stops the whole process"
mm run --mode paged "$T/fault_in_thread.s"
want_rc 1
want_err_re "process 2 \(fault_in_thread.s\) stopped: .*0x00800000"
want_err_re "process 1 \(fault_in_thread.s\) stopped with process 2"
end

cat >"$T/halt.s" <<'EOF'
        .text
start:  LOAD    R1, #worker
        SYSCALL #22
        MOV     R1, R0
        SYSCALL #24                     ; HALT in the thread is thread_exit(0)
        ADD     R0, #4
        MOV     R1, R0
        SYSCALL #0                      ; exit(4)
worker: HALT
EOF
begin "HALT in a thread ends that thread alone (code 0)"
mm run --mode paged "$T/halt.s"
want_rc 0
want_err "first exit code 4"
end

cat >"$T/shared.s" <<'EOF'
        .text
start:  LOAD    R1, #worker
        LOAD    R2, #41
        SYSCALL #22
        MOV     R1, R0
        SYSCALL #24
        LOAD    R1, /word               ; the thread's store, seen here
        SYSCALL #0
worker: INC     R1                      ; R1 = the argument
        STORE   R1, /word
        SYSCALL #23
        .data
word:   .word   0
EOF
begin "a thread gets its argument in R1 and shares the process's memory"
mm run --mode paged "$T/shared.s"
want_rc 0
want_err "first exit code 42"
end

# ---- the region table fills up ----------------------------------------------------------

cat >"$T/many.s" <<'EOF'
        .text
start:  LOAD    R6, #0                  ; threads made
more:   LOAD    R1, #worker
        SYSCALL #22
        CMP     R0, #0
        JLT     full
        INC     R6
        CMP     R6, #100
        JLT     more
        LOAD    R1, #1
        SYSCALL #0
full:   NEG     R0                      ; exit(the error code) once
        MOV     R1, R0                  ; the table is full
        SYSCALL #0
worker: SYSCALL #23
EOF
begin "thread_create with the region table full returns -ENOMEM (12)"
mm run --mode paged "$T/many.s"
want_rc 0
want_err "first exit code 12"
end

finish
