; programs/link/unused.s -- static linking (docs/services.md): an archive
; member nobody references, so `mmulab ld` leaves it out of the link.
        .global never_called
        .text
never_called: RET
