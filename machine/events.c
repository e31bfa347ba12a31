/*
 * The event bus: a short list of observers called in order for each event.
 */
#include "events.h"

const ev_info_t ev_info[EV_COUNT] = {
#define EV_INFO(name, label, cat, a, b, c, d) [EV_##name] = {label, cat, {a, b, c, d}},
    EVENT_TABLE(EV_INFO)
#undef EV_INFO
};

void evbus_init(evbus_t *bus)
{
    bus->count = 0;
    bus->running_pid = 0;
}

bool evbus_subscribe(evbus_t *bus, ev_observer_fn fn, void *ctx)
{
    if (bus->count == EV_MAX_OBSERVERS)
        return false;
    bus->fn[bus->count] = fn;
    bus->ctx[bus->count] = ctx;
    bus->count++;
    return true;
}

void evbus_unsubscribe(evbus_t *bus, ev_observer_fn fn, void *ctx)
{
    for (int i = 0; i < bus->count; i++)
        if (bus->fn[i] == fn && bus->ctx[i] == ctx) {
            for (int j = i + 1; j < bus->count; j++) {
                bus->fn[j - 1] = bus->fn[j];
                bus->ctx[j - 1] = bus->ctx[j];
            }
            bus->count--;
            return;
        }
}

void ev_publish(evbus_t *bus, const event_t *ev)
{
    event_t stamped;
    if (ev->pid == EV_PID_RUNNING) {
        stamped = *ev;
        stamped.pid = bus->running_pid;
        ev = &stamped;
    }
    for (int i = 0; i < bus->count; i++)
        bus->fn[i](bus->ctx[i], ev);
}
