; store_up.s -- stores 0xBAD upward from the end of its own image, one word
; after another, until the hardware stops it: through its own stack, then at
; the limit (base/limit: the next partition is the victim's) or at the first
; page with no mapping (paged).  Exit 0 would mean it was never stopped.
        .text
start:  LI      R1, 0xBAD
        LI      R2, image_end
loop:   STORE   R1, [R2]
        ADD     R2, #4
        JMP     loop
        .data
image_end: .word 0
