/*
 * The natural figure of each study (see plot.h): which columns of its rows
 * go on which axis, with units.  The first figure whose x column varies is
 * drawn, so `tlbsim --tlb 8,16,32` draws misses against entries and
 * `tlbsim --frames 2..10` page faults against frames.
 */
#include <stdio.h>
#include <string.h>

#include "plot.h"

#include "../sim/options.h"

typedef struct {
    const char *command;
    plot_spec_t spec;
} figure_t;

static const figure_t figures[] = {
    {"refs", {.x = "frames", .y = "faults", .series = {"policy"}, .xlabel = "frames",
              .ylabel = "page faults (count)", .title = "Page faults against frames"}},
    {"tlbsim", {.x = "tlb_entries", .y = "miss_rate", .series = {"page_size", "tlb_ways", "tlb_policy", "frames"},
                .xlabel = "TLB entries (log2 scale)", .ylabel = "TLB miss rate (% of references)",
                .title = "TLB miss rate against entries", .logx = true, .yscale = 100}},
    {"tlbsim", {.x = "frames", .y = "page_faults", .series = {"replace", "page_size"}, .xlabel = "frames",
                .ylabel = "page faults (count)", .title = "Page faults against frames"}},
    {"tlbsim", {.x = "page_size", .y = "miss_rate", .series = {"tlb_entries", "tlb_ways", "tlb_policy"},
                .xlabel = "page size (bytes, log2 scale)", .ylabel = "TLB miss rate (% of references)",
                .title = "TLB miss rate against page size", .logx = true, .yscale = 100}},
    {"run", {.x = "frames", .y = "page_faults", .series = {"replace", "program", "page_size"}, .xlabel = "frames",
             .ylabel = "page faults (count)", .title = "Page faults against frames"}},
    {"run", {.x = "tlb_entries", .y = "tlb_misses", .series = {"page_size", "tlb_ways", "tlb_policy", "program"},
             .xlabel = "TLB entries (log2 scale)", .ylabel = "TLB misses (count)", .title = "TLB misses against entries",
             .logx = true}},
    {"run", {.x = "mode", .y = "cycles", .series = {"program"}, .xlabel = "memory-management scheme",
             .ylabel = "cycles (count)", .title = "Cycles per scheme", .bars = true}},
    {"thrash", {.x = "degree", .y = "cpu_utilisation", .series = {"allocator"},
                .xlabel = "degree of multiprogramming (processes)", .ylabel = "CPU utilisation (%)",
                .title = "CPU utilisation against the degree of multiprogramming", .yscale = 100}},
    {"workload", {.x = "time", .y = "holes_per_block", .series = {"fit"}, .xlabel = "time (time units)",
                  .ylabel = "holes per allocated block (ratio)", .title = "Holes per block over time"}},
    {"compare", {.x = "scheme", .y = "cycles", .series = {"program"}, .xlabel = "memory-management scheme",
                 .ylabel = "cycles (count)", .title = "Cycles per scheme", .bars = true}},
};

const plot_spec_t *figure_for(const char *command, const rows_t *rows)
{
    const plot_spec_t *first = NULL;
    for (size_t i = 0; i < sizeof figures / sizeof figures[0]; i++) {
        if (strcmp(figures[i].command, command))
            continue;
        const plot_spec_t *spec = &figures[i].spec;
        const char *two[2];
        int x = rows_column(rows, spec->x);
        if (x >= 0 && rows_distinct(rows, x, two, 2) > 1)
            return spec;
        first = first ? first : spec;
    }
    return first;
}

const char *figure_subject(const rows_t *rows)
{
    static const char *const subjects[] = {"trace", "program", "reference_string", "workload"};
    static char text[160];
    for (size_t s = 0; s < sizeof subjects / sizeof subjects[0]; s++) {
        const char *values[2];
        int c = rows_column(rows, subjects[s]);
        int n = c < 0 ? 0 : rows_distinct(rows, c, values, 2);
        if (n == 1) {
            snprintf(text, sizeof text, "%s%s", strlen(values[0]) > 120 ? "..." : "",
                     values[0] + (strlen(values[0]) > 120 ? strlen(values[0]) - 120 : 0));
            return text;
        }
        if (n > 1)
            return s == 0 ? "several traces" : s == 1 ? "several programs" : "several inputs";
    }
    return "";
}

bool study_emit(const rows_t *rows, const char *command, const study_output_t *out)
{
    if (!rows_save(rows, command, out->csv, out->json))
        return false;
    if (!out->plot)
        return true;
    char err[512];
    const plot_spec_t *spec = figure_for(command, rows);
    if (!spec) {
        fprintf(stderr, "mmulab %s: --plot: this study has no figure\n", command);
        return false;
    }
    if (!plot_rows(out->plot, rows, spec, figure_subject(rows), err, sizeof err)) {
        fprintf(stderr, "mmulab %s: %s\n", command, err);
        return false;
    }
    return true;
}

static bool set_plot_path(void *target, const char *text, char *why, size_t len)
{
    if (!plot_path_ok(text, why, len))
        return false;
    ((study_output_t *)target)->plot = text;
    return true;
}

static const opt_spec_t study_output_specs[] = {
    {"--csv", .kind = OPT_STRING, .value_name = "FILE", OPT_AT(study_output_t, csv),
     .help = "write the rows (one per point, with its whole configuration) as CSV"},
    {"--json", .kind = OPT_STRING, .value_name = "FILE", OPT_AT(study_output_t, json),
     .help = "the same rows as a JSON array of objects"},
    {"--plot", .kind = OPT_CUSTOM, .value_name = "FILE", .hook = set_plot_path,
     .help = "draw the study's figure with gnuplot: FILE.png or FILE.svg"},
};

opt_table_t study_output_table(study_output_t *out)
{
    return (opt_table_t){.specs = study_output_specs, .n = OPT_COUNT(study_output_specs), .target = out};
}
