/*
 * Shared-memory segments (paged mode): the seed's "region associated to a
 * shared memory area: shared, variable size, without support (fill with
 * zero), protection specified in mapping" (slide 39), with System V's
 * calls: shmget(key, size) finds or makes a segment, shmat(id, addr) maps it
 * into the caller (at addr, or where the OS chooses: several processes may
 * see it at different virtual addresses), shmdt(addr) unmaps it.
 *
 * The pages of a segment are shared frames: the first process to touch a
 * page gets a zeroed frame (or the segment's saved copy); every other
 * attached process that touches it maps the same frame (frames_add_owner),
 * so a store by one is seen by all at once.  When the frame leaves memory
 * (eviction, or the last mapping going away) a changed page is saved in the
 * segment, which outlives its attachments.  A segment has at most
 * OS_FRAME_MAX_OWNERS attachments, so a frame's owner list stays complete.
 * The same lookup shares the pages of a file that several processes map
 * MAP_SHARED (the same file offset, at any address), and library code: a
 * page of a library's code that no writable region shares, at the same
 * address in two processes (a library is relocated alike for the same
 * address), is one frame for both.
 *
 * Segmented mode (docs/segmentation.md, the lecture's sharing with
 * segments): shmat gives the caller a segment of its own table -- at the
 * segment number addr names, or the lowest free one -- whose descriptor
 * points at the object's one block, with the permissions asked for
 * (SHM_RDONLY: no W); the first mapping makes the block (the object's
 * saved bytes, zeros at first), the last one to go saves its bytes in the
 * object and frees it (os/segment.c).
 */
#include <stdlib.h>
#include <string.h>

#include "../mmu/pte.h"
#include "services.h"
#include "syscall.h"

#define SHM_MAX_SEGMENTS 16
#define SHM_MAX_BYTES (16u << 20)
_Static_assert(SHM_MAX_SEGMENTS <= 32, "private_segments has a bit per segment");

struct shm_segment {
    uint32_t key;      /* 0: private (IPC_PRIVATE)                        */
    uint32_t pages;    /* 0: the slot is free                             */
    uint32_t attached; /* mappings now                                    */
    uint8_t **copy;    /* per page: its saved bytes, or NULL (zeros)      */
    bool in_memory;    /* segmented mode: its block, while it is mapped    */
    uint32_t block;
};

struct shm_table {
    struct shm_segment seg[SHM_MAX_SEGMENTS];
};


void shm_fill_page(const struct shm_segment *seg, uint32_t index, uint8_t *buf, uint32_t page_size)
{
    if (index < seg->pages && seg->copy[index])
        memcpy(buf, seg->copy[index], page_size);
}

void shm_save_page(struct shm_segment *seg, uint32_t index, const uint8_t *page, uint32_t page_size)
{
    if (index >= seg->pages || (!seg->copy[index] && !(seg->copy[index] = malloc(page_size))))
        return;
    memcpy(seg->copy[index], page, page_size);
}

void shm_attach_count(struct shm_segment *seg, int delta) { seg->attached += (uint32_t)delta; }

void shm_block_moved(struct shm_segment *seg, uint32_t new_base) { seg->block = new_base; }

void shm_keep_bytes(os_t *os, struct shm_segment *seg, uint32_t base)
{
    const uint32_t page = page_size_of(os);
    uint8_t *bytes = malloc(page);
    for (uint32_t i = 0; bytes && i < seg->pages; i++)
        if (machine_phys_read(os->m, base + i * page, bytes, page))
            shm_save_page(seg, i, bytes, page);
    free(bytes);
    seg->in_memory = false;
}

/* The object's bytes as one array (its saved pages, zeros elsewhere). */
static uint8_t *shm_contents(const os_t *os, const struct shm_segment *seg)
{
    const uint32_t page = page_size_of(os);
    uint8_t *bytes = calloc(seg->pages, page);
    for (uint32_t i = 0; bytes && i < seg->pages; i++)
        shm_fill_page(seg, i, bytes + (size_t)i * page, page);
    return bytes;
}

void shm_destroy(os_t *os)
{
    for (int i = 0; os->shm && i < SHM_MAX_SEGMENTS; i++) {
        for (uint32_t k = 0; k < os->shm->seg[i].pages; k++)
            free(os->shm->seg[i].copy[k]);
        free(os->shm->seg[i].copy);
    }
    free(os->shm);
    os->shm = NULL;
}

/* Is page vaddr of p covered by no writable region (pure code)? */
static bool read_only_page(const process_t *p, uint32_t vaddr, uint32_t page)
{
    for (int i = 0; i < p->nregions; i++)
        if (vaddr / page >= p->regions[i].start / page && vaddr < p->regions[i].end && (p->regions[i].perm & PTE_W))
            return false;
    return true;
}

/* Does q's mapping qm hold the same page as p's mapping m?  The address of
 * that page in q, or 0.  Shared memory: the same segment, anywhere; a file
 * both map MAP_SHARED: the same file offset, anywhere; library code: the
 * same library at the same address (relocated alike), on a page no writable
 * region shares. */
static uint32_t same_page(const os_t *os, const process_t *p, const svc_map_t *m, const process_t *q,
                          const svc_map_t *qm, uint32_t vaddr)
{
    uint32_t page = page_size_of(os), qva = qm->start + (vaddr - m->start);
    if (m->segment)
        return qm->segment == m->segment && qva < qm->end ? qva : 0;
    if (m->kind == REGION_MAPPED_FILE) {
        uint64_t at = m->offset + (vaddr - m->start);
        bool same_file = qm->kind == REGION_MAPPED_FILE && qm->shared && qm->host_fd >= 0 && qm->dev == m->dev &&
                         qm->ino == m->ino;
        return same_file && at >= qm->offset && at - qm->offset < qm->end - qm->start
                   ? qm->start + (uint32_t)(at - qm->offset)
                   : 0;
    }
    bool same_library = m->kind == REGION_LIB_CODE && qm->kind == REGION_LIB_CODE && !strcmp(m->name, qm->name) &&
                        qm->start == m->start && qm->end == m->end;
    return same_library && read_only_page(p, vaddr, page) && read_only_page(q, vaddr, page) ? vaddr : 0;
}

bool services_shared_frame(os_t *os, const process_t *p, uint32_t vaddr, uint32_t *frame)
{
    const svc_map_t *m = map_covering(p, vaddr);
    uint32_t pte;
    if (!m || !(m->segment || m->kind == REGION_LIB_CODE || (m->kind == REGION_MAPPED_FILE && m->shared)))
        return false;
    for (int pid = 1; pid <= os_process_count(os); pid++) {
        process_t *q = os_process(os, pid);
        for (int i = 0; q != p && q->state == PROC_READY && q->svc && i < q->svc->nmaps; i++) {
            uint32_t qva = same_page(os, p, m, q, &q->svc->maps[i], vaddr);
            if (qva && os_pte(os, pid, qva >> os->m->cfg.page_shift, &pte) && pte_valid((pte_t){pte})) {
                *frame = pte_ppn((pte_t){pte});
                return true;
            }
        }
    }
    return false;
}

/* ---- the calls ------------------------------------------------------------------------ */

/* shmget: a key names a segment every process may attach (by the key or the
 * id); key 0 (IPC_PRIVATE) makes a new segment only its creator and the
 * children it forks (and theirs) may attach: the right is a bit in the
 * process's services, which fork copies. */
static uint32_t sys_shmget(os_t *os, process_t *p, uint32_t key, uint32_t size)
{
    struct proc_services *svc = services_of(p);
    if (!size || size > SHM_MAX_BYTES)
        return err_code(E_INVAL);
    if (!svc || (!os->shm && !(os->shm = calloc(1, sizeof *os->shm))))
        return err_code(E_NOMEM);
    uint32_t pages = (size + page_size_of(os) - 1) / page_size_of(os);
    int free_slot = -1;
    for (int i = 0; i < SHM_MAX_SEGMENTS; i++) {
        struct shm_segment *s = &os->shm->seg[i];
        if (s->pages && key && s->key == key)
            return s->pages >= pages ? (uint32_t)i + 1 : err_code(E_INVAL);
        if (!s->pages && free_slot < 0)
            free_slot = i;
    }
    if (free_slot < 0)
        return err_code(E_NOMEM);
    struct shm_segment *s = &os->shm->seg[free_slot];
    if (!(s->copy = calloc(pages, sizeof *s->copy)))
        return err_code(E_NOMEM);
    s->key = key, s->pages = pages, s->attached = 0;
    if (!key)
        svc->private_segments |= 1u << free_slot;
    return (uint32_t)free_slot + 1;
}

static struct shm_segment *segment_of(os_t *os, uint32_t id)
{
    if (!os->shm || id < 1 || id > SHM_MAX_SEGMENTS || !os->shm->seg[id - 1].pages)
        return NULL;
    return &os->shm->seg[id - 1];
}

/* Segmented: the object as a segment of p's table at the number addr
 * names (a segment's first address), or the lowest free one. */
static uint32_t seg_shmat(os_t *os, process_t *p, struct shm_segment *seg, uint32_t addr, bool read_only)
{
    const uint32_t ob = os->m->cfg.seg_offset_bits, size = seg->pages * page_size_of(os);
    const uint32_t segno = addr ? addr >> ob : segments_free_number(p, UINT32_MAX);
    if (size > 1u << ob || (addr && (addr & ((1u << ob) - 1) || !segments_number_free(p, segno))))
        return err_code(E_INVAL); /* larger than a segment, not a segment's start, or a number in use */
    if (segno == UINT32_MAX)
        return err_code(E_NOMEM);
    uint8_t *content = seg->in_memory ? NULL : shm_contents(os, seg);
    if (!seg->in_memory && !content)
        return err_code(E_NOMEM);
    const uint32_t perm = SEC_R | (read_only ? 0 : SEC_W);
    const uint32_t block = seg->in_memory ? seg->block : UINT32_MAX; /* UINT32_MAX: a new one */
    const uint32_t base = segments_map_shm(os, p, segno, seg, block, size, perm, content);
    free(content);
    if (base == UINT32_MAX)
        return err_code(E_NOMEM);
    seg->block = base, seg->in_memory = true;
    seg->attached++;
    return segno << ob;
}

static uint32_t sys_shmat(os_t *os, process_t *p, uint32_t id, uint32_t addr, uint32_t flags)
{
    struct shm_segment *seg = segment_of(os, id);
    const bool read_only = flags & G_SHM_RDONLY;
    if (!os->pager && os->cfg.mode != OS_SEG)
        return err_code(E_NODEV);
    if (!seg)
        return err_code(E_INVAL);
    if (!seg->key && !(p->svc && p->svc->private_segments >> (id - 1) & 1))
        return err_code(E_ACCES); /* another process's private segment */
    if (seg->attached >= OS_FRAME_MAX_OWNERS)
        return err_code(E_MFILE); /* a frame lists at most this many mappings */
    if (!os->pager)
        return seg_shmat(os, p, seg, addr, read_only);
    uint32_t size = seg->pages * page_size_of(os);
    if (addr % page_size_of(os) || (addr && ((uint64_t)addr + size > (1ull << 32) || overlaps(p, addr, addr + size, false))))
        return err_code(E_INVAL);
    uint32_t start = addr ? addr : choose_address(os, p, size);
    if (!start)
        return err_code(E_NOMEM);
    svc_map_t m = {.start = start, .end = start + size, .host_fd = -1, .shared = true, .kind = REGION_SHARED_MEMORY,
                   .segment = seg};
    snprintf(m.name, sizeof m.name, "segment %u", id);
    if (!mmap_add(os, p, &m, REGION_SHARED_MEMORY, PTE_R | (read_only ? 0 : PTE_W)))
        return err_code(E_NOMEM);
    seg->attached++;
    return start;
}

static uint32_t sys_shmdt(os_t *os, process_t *p, uint32_t addr)
{
    if (os->cfg.mode == OS_SEG)
        return segments_remove(os, p, addr, REGION_SHARED_MEMORY) ? 0 : err_code(E_INVAL);
    for (int i = 0; p->svc && i < p->svc->nmaps; i++) {
        svc_map_t *m = &p->svc->maps[i];
        if (m->segment && m->start == addr) {
            pager_unmap_range(os, p, m->start, m->end); /* a changed page is saved in the segment */
            m->segment->attached--;
            m->host_fd = -2; /* counted */
            remove_map(p, i);
            return 0;
        }
    }
    return err_code(E_INVAL);
}

bool shm_syscall(os_t *os, process_t *p, uint32_t number, const uint32_t *r, uint32_t *result)
{
    switch (number) {
    case SYS_SHMGET: *result = sys_shmget(os, p, r[1], r[2]); return true;
    case SYS_SHMAT: *result = sys_shmat(os, p, r[1], r[2], r[3]); return true;
    case SYS_SHMDT: *result = sys_shmdt(os, p, r[1]); return true;
    default: return false;
    }
}
