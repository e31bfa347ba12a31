// GTKWave save file from an FST's hierarchy (see gtkw.h).  The FST reader
// is the one Verilator's FST writer links (gtkwave/fstapi.c); the enum
// table is generated into rtl_enums.h from rtl/*.sv at build time.
#include "gtkw.h"

#include <gtkwave/fstapi.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace {

struct rtl_enum_value_t {
    const char *scope, *type; // scope: the module that declares it, "" for the package
    int width, value;
    const char *name;
};
struct rtl_enum_signal_t {
    const char *module, *signal, *scope, *type;
};
struct rtl_instance_t {
    const char *instance, *module;
};

#include "rtl_enums.h"

// GTKWave's trace flags (its analyzer.h): @22 hex, @28 binary, @2024 a file
// filter over decimal; a group opens with @800200 and closes with @1000200.
const char *const FLAG_HEX = "22", *const FLAG_BIN = "28", *const FLAG_FILTERED = "2024";
const char *const FLAG_GROUP_BEGIN = "800200", *const FLAG_GROUP_END = "1000200";

struct signal {
    std::string path;  // as GTKWave names it: TOP.mmulab_top.u_core.state_q[2:0]
    uint32_t width;
    int filter;        // 0: none, else the ^N of its filter file
};

struct group {
    std::string scope, title;
    std::vector<signal> signals;
};

const char *module_of(const std::string &instance)
{
    for (const auto &i : rtl_instances)
        if (instance == i.instance)
            return i.module;
    return nullptr;
}

// "pc_q [31:0]" -> "pc_q[31:0]"; base name "pc_q".
std::string gtkwave_name(const char *fst_name, std::string *base)
{
    std::string n(fst_name);
    size_t space = n.find(" [");
    if (space != std::string::npos)
        n.erase(space, 1);
    *base = n.substr(0, n.find('['));
    return n;
}

const rtl_enum_signal_t *enum_signal(const char *module, const std::string &base)
{
    for (const auto &s : rtl_enum_signals)
        if (module && !strcmp(s.module, module) && base == s.signal)
            return &s;
    return nullptr;
}

// Verilator names a for loop's scope unnamedblkN; its variables are counters.
bool in_unnamed_block(const std::vector<std::string> &scopes)
{
    for (const auto &s : scopes)
        if (s.rfind("unnamedblk", 0) == 0)
            return true;
    return false;
}

std::string stem_of(const std::string &path)
{
    size_t dot = path.rfind('.'), slash = path.rfind('/');
    return dot != std::string::npos && (slash == std::string::npos || dot > slash) ? path.substr(0, dot) : path;
}

std::string absolute(const std::string &path)
{
    char *real = realpath(path.c_str(), nullptr);
    std::string out = real ? real : path;
    free(real);
    return out;
}

// Write TYPE's filter file ("value name" lines); false if it cannot.
bool write_filter(const std::string &file, const rtl_enum_signal_t *s)
{
    FILE *f = fopen(file.c_str(), "w");
    if (!f)
        return false;
    for (const auto &v : rtl_enum_values)
        if (!strcmp(v.scope, s->scope) && !strcmp(v.type, s->type))
            fprintf(f, "%d %s\n", v.value, v.name);
    return fclose(f) == 0;
}

// Read the FST's scopes and variables into groups, one per scope, and
// assign each enum-typed signal its filter (writing the filter files).
bool read_groups(const char *fst_path, const std::string &stem, std::vector<group> *groups,
                 std::vector<std::string> *filters, char *err, size_t errlen)
{
    void *fst = fstReaderOpen(fst_path);
    if (!fst) {
        snprintf(err, errlen, "--fst %s: cannot read the waveform back", fst_path);
        return false;
    }
    std::vector<std::string> scopes;
    std::vector<size_t> open;  // index in groups of each open scope
    std::map<std::string, int> filter_of;
    bool ok = true;
    while (fstHier *h = fstReaderIterateHier(fst)) {
        if (h->htyp == FST_HT_SCOPE) {
            scopes.push_back(h->u.scope.name);
            std::string path, title;
            for (const auto &s : scopes)
                path += (path.empty() ? "" : ".") + s;
            const char *module = module_of(h->u.scope.name);
            title = path + (module ? std::string(" (") + module + ")" : "");
            groups->push_back({path, title, {}});
            open.push_back(groups->size() - 1);
        } else if (h->htyp == FST_HT_UPSCOPE && !scopes.empty()) {
            scopes.pop_back();
            open.pop_back();
        } else if (h->htyp == FST_HT_VAR && !open.empty() && h->u.var.typ != FST_VT_VCD_PARAMETER &&
                   !in_unnamed_block(scopes)) { // constants and loop counters are noise
            group &g = (*groups)[open.back()];
            std::string base, name = gtkwave_name(h->u.var.name, &base);
            const char *module = module_of(scopes.back());
            if (!module && scopes.back().rfind("mmulab_", 0) == 0)
                module = scopes.back().c_str(); // the top module's scope is its name
            signal sig = {g.scope + "." + name, h->u.var.length, 0};
            if (const rtl_enum_signal_t *e = enum_signal(module, base)) {
                std::string key = std::string(*e->scope ? e->scope : "pkg") + "." + e->type;
                auto found = filter_of.find(key);
                if (found == filter_of.end()) {
                    std::string file = stem + "." + key + ".filter";
                    ok = ok && write_filter(file, e);
                    filters->push_back(absolute(file));
                    found = filter_of.emplace(key, (int)filters->size()).first;
                }
                sig.filter = found->second;
            }
            g.signals.push_back(sig);
        }
    }
    fstReaderClose(fst);
    if (!ok)
        snprintf(err, errlen, "--fst %s: cannot write a filter file beside it (%s)", fst_path, strerror(errno));
    return ok;
}

} // namespace

bool gtkw_write(const char *fst_path, char *err, size_t errlen)
{
    std::string stem = stem_of(fst_path), save = stem + ".gtkw";
    std::vector<group> groups;
    std::vector<std::string> filters;
    if (!read_groups(fst_path, stem, &groups, &filters, err, errlen))
        return false;
    FILE *f = fopen(save.c_str(), "w");
    if (!f) {
        snprintf(err, errlen, "--fst %s: cannot write %s", fst_path, save.c_str());
        return false;
    }
    fprintf(f, "[*] mmulab cosim --fst: signals grouped by module, enumerated types by name\n");
    fprintf(f, "[dumpfile] \"%s\"\n[savefile] \"%s\"\n[timestart] 0\n", absolute(fst_path).c_str(),
            absolute(save).c_str());
    fprintf(f, "[sst_expanded] 1\n[signals_width] 300\n[sst_width] 250\n");
    for (const group &g : groups) {
        if (g.signals.empty())
            continue;
        fprintf(f, "@%s\n-%s\n", FLAG_GROUP_BEGIN, g.title.c_str());
        for (const signal &s : g.signals) {
            if (s.filter)
                fprintf(f, "@%s\n^%d %s\n%s\n", FLAG_FILTERED, s.filter, filters[(size_t)s.filter - 1].c_str(),
                        s.path.c_str());
            else
                fprintf(f, "@%s\n%s\n", s.width > 1 ? FLAG_HEX : FLAG_BIN, s.path.c_str());
        }
        fprintf(f, "@%s\n-%s\n", FLAG_GROUP_END, g.title.c_str());
    }
    bool ok = !ferror(f);
    ok = fclose(f) == 0 && ok;
    if (!ok)
        snprintf(err, errlen, "--fst %s: writing %s failed", fst_path, save.c_str());
    return ok;
}
