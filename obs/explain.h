/*
 * Explanations: an observer of the event stream that turns each decision --
 * a TLB miss and its walk, a page fault, the replacement policy's victim and
 * why, a write-back, a copy-on-write break, a protection fault, a swap, a
 * compaction move, a context switch -- into one sentence saying what
 * happened, why, and what it cost (docs/explain.md).
 *
 * Events of one access arrive in order (the miss, its walk steps, the trap,
 * the handler, the policy's choice, the eviction, the disk transfers, the
 * fault's summary last), so the explainer gathers them into a story and
 * writes the story's sentence when it is complete.  It knows only what the
 * events say: `mmulab run --explain`, `mmulab explain TRACE` and the viewer
 * all read the same stream and tell the same story.
 */
#ifndef MMULAB_EXPLAIN_H
#define MMULAB_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../machine/events.h"

/* What a sentence is about; a story has every kind it touched. */
#define EXPLAIN_KIND_TABLE(X)                                            \
    X(TLB, "tlb", "TLB misses and their page-table walks")              \
    X(FAULT, "fault", "page faults")                                    \
    X(EVICT, "evict", "evictions: the policy's victim and why")         \
    X(WRITEBACK, "writeback", "dirty pages written back")               \
    X(COW, "cow", "copy-on-write breaks")                               \
    X(PROTECTION, "protection", "protection faults and kills")          \
    X(SWAP, "swap", "whole processes rolled out and in")                \
    X(COMPACT, "compaction", "partitions moved by compaction")          \
    X(SWITCH, "switch", "context switches")

typedef enum {
#define EXPLAIN_ENUM(name, word, help) EXPLAIN_##name,
    EXPLAIN_KIND_TABLE(EXPLAIN_ENUM)
#undef EXPLAIN_ENUM
    EXPLAIN_KIND_COUNT
} explain_kind_t;
extern const char *const explain_kind_word[EXPLAIN_KIND_COUNT];
extern const char *const explain_kind_help[EXPLAIN_KIND_COUNT];

typedef struct {
    unsigned kinds; /* bit per explain_kind_t; 0: every kind       */
    int pid;        /* only this process's stories; 0: every one   */
    bool state;     /* also the policy's state before each choice  */
} explain_filter_t;

/* "fault,evict,P2,state" (any order; empty: everything) into *f; false with
 * a message naming the bad word and the allowed ones. */
bool explain_filter_parse(const char *text, explain_filter_t *f, char *err, size_t errlen);

typedef struct explainer explainer_t;

/* Sentences go to out (NULL: kept only for explain_last). */
explainer_t *explain_create(FILE *out, const explain_filter_t *filter);
/* The observer: evbus_subscribe(bus, explain_observe, explainer). */
void explain_observe(void *explainer, const event_t *ev);
/* Write the story in progress, if any (the end of the stream). */
void explain_flush(explainer_t *x);
void explain_destroy(explainer_t *x);
/* The last sentence written (or "" before any), for the viewer. */
const char *explain_last(const explainer_t *x);
/* How many sentences were written. */
unsigned long explain_count(const explainer_t *x);

#endif
