/*
 * lib/engine/printer.c - the `kubectl get pods` columns STATUS, READY and
 * RESTARTS (printPod in pkg/printers/internalversion/printers.go) and
 * kubectl's short human durations (HumanDuration in
 * k8s.io/apimachinery/pkg/util/duration).  Pure functions, no allocation.
 */
#include "engine/status.h"

#include <stdio.h>
#include <string.h>

/* Floor division of engine ms to whole seconds: API times carry seconds. */
static pl_ms floor_seconds(pl_ms t)
{
	pl_ms s = t / 1000;
	if (t % 1000 < 0)
		s--;
	return s * 1000;
}

void pl_human_duration(pl_ms d, char *buf, size_t len)
{
	if (!buf || len == 0)
		return;
	/* int(d.Seconds()) truncates toward zero, as C division does. */
	int64_t seconds = d / 1000;
	if (seconds < -1) {
		snprintf(buf, len, "<invalid>");
		return;
	}
	if (seconds < 0) {
		snprintf(buf, len, "0s");
		return;
	}
	if (seconds < 60 * 2) {
		snprintf(buf, len, "%llds", (long long)seconds);
		return;
	}
	int64_t minutes = d / 60000;
	if (minutes < 10) {
		int64_t s = seconds % 60;
		if (s == 0)
			snprintf(buf, len, "%lldm", (long long)minutes);
		else
			snprintf(buf, len, "%lldm%llds", (long long)minutes, (long long)s);
		return;
	}
	if (minutes < 60 * 3) {
		snprintf(buf, len, "%lldm", (long long)minutes);
		return;
	}
	int64_t hours = d / 3600000;
	if (hours < 8) {
		int64_t m = minutes % 60;
		if (m == 0)
			snprintf(buf, len, "%lldh", (long long)hours);
		else
			snprintf(buf, len, "%lldh%lldm", (long long)hours, (long long)m);
		return;
	}
	if (hours < 48) {
		snprintf(buf, len, "%lldh", (long long)hours);
		return;
	}
	if (hours < 24 * 8) {
		int64_t h = hours % 24;
		if (h == 0)
			snprintf(buf, len, "%lldd", (long long)(hours / 24));
		else
			snprintf(buf, len, "%lldd%lldh", (long long)(hours / 24), (long long)h);
		return;
	}
	if (hours < 24 * 365 * 2) {
		snprintf(buf, len, "%lldd", (long long)(hours / 24));
		return;
	}
	if (hours < 24 * 365 * 8) {
		int64_t dy = (hours / 24) % 365;
		if (dy == 0)
			snprintf(buf, len, "%lldy", (long long)(hours / 24 / 365));
		else
			snprintf(buf, len, "%lldy%lldd", (long long)(hours / 24 / 365), (long long)dy);
		return;
	}
	snprintf(buf, len, "%lldy", (long long)(hours / 24 / 365));
}

/* The latest lastState.terminated.finishedAt seen so far. */
typedef struct restart_date {
	bool set;
	pl_ms at;
} restart_date;

static void track_date(restart_date *d, const pl_cstatus *c)
{
	if (c->last_state.kind != PL_CSTATE_TERMINATED)
		return;
	pl_ms t = floor_seconds(c->last_state.finished_at);
	if (!d->set || d->at < t) {
		d->set = true;
		d->at = t;
	}
}

static bool cond_true(const pl_pod_status *st, pl_cond_type t)
{
	return st->conditions[t].present && st->conditions[t].status;
}

/* Name order of the API's containerStatuses (SortedContainerStatuses). */
static int name_cmp(const pl_cstatus *a, size_t ia, const pl_cstatus *b, size_t ib)
{
	int c = strcmp(a->name ? a->name : "", b->name ? b->name : "");
	if (c != 0)
		return c;
	return ia < ib ? -1 : ia > ib;
}

static bool nonempty(const char *s)
{
	return s && *s;
}

void pl_compute_columns(const pl_pod_status *st, pl_ms now, pl_columns *out)
{
	if (!out)
		return;
	memset(out, 0, sizeof(*out));
	if (!st) {
		snprintf(out->status, sizeof(out->status), "Unknown");
		snprintf(out->ready, sizeof(out->ready), "0/0");
		snprintf(out->restarts_text, sizeof(out->restarts_text), "0");
		return;
	}
	char reason[sizeof(out->status)];
	int restarts = 0, sidecar_restarts = 0;
	size_t total = st->n_regular, ready = 0;
	restart_date last = {false, 0}, sidecar_last = {false, 0};

	snprintf(reason, sizeof(reason), "%s",
	         nonempty(st->reason) ? st->reason : pl_phase_name(st->phase));
	if (st->conditions[PL_COND_SCHEDULED].present &&
	    pl_streq(st->conditions[PL_COND_SCHEDULED].reason, "SchedulingGated"))
		snprintf(reason, sizeof(reason), "SchedulingGated");

	for (size_t i = 0; i < st->n_init; i++)
		if (st->init[i].kind == PL_CKIND_SIDECAR)
			total++;

	/* Init container loop, over the entries the status list holds. */
	bool initializing = false;
	size_t idx = 0;
	for (size_t i = 0; i < st->n_init; i++) {
		const pl_cstatus *c = &st->init[i];
		if (!c->has_status)
			continue;
		size_t pos = idx++;
		bool sidecar = c->kind == PL_CKIND_SIDECAR;
		restarts += c->restart_count;
		track_date(&last, c);
		if (sidecar) {
			sidecar_restarts += c->restart_count;
			track_date(&sidecar_last, c);
		}
		if (c->state.kind == PL_CSTATE_TERMINATED && c->state.exit_code == 0)
			continue;
		if (sidecar && c->started == 1) {
			if (c->ready)
				ready++;
			continue;
		}
		if (c->state.kind == PL_CSTATE_TERMINATED) {
			if (!nonempty(c->state.reason)) {
				if (c->state.signal != 0)
					snprintf(reason, sizeof(reason), "Init:Signal:%d", c->state.signal);
				else
					snprintf(reason, sizeof(reason), "Init:ExitCode:%d",
					         c->state.exit_code);
			} else {
				snprintf(reason, sizeof(reason), "Init:%s", c->state.reason);
			}
		} else if (c->state.kind == PL_CSTATE_WAITING && nonempty(c->state.reason) &&
		           strcmp(c->state.reason, "PodInitializing") != 0) {
			snprintf(reason, sizeof(reason), "Init:%s", c->state.reason);
		} else {
			snprintf(reason, sizeof(reason), "Init:%zu/%zu", pos, st->n_init);
		}
		initializing = true;
		break;
	}

	if (!initializing || cond_true(st, PL_COND_INITIALIZED)) {
		restarts = sidecar_restarts;
		last = sidecar_last;
		bool has_running = false;
		/* Walk the name-sorted list from last to first without
		 * allocating: each step takes the greatest entry below the
		 * previous one. */
		const pl_cstatus *prev = NULL;
		size_t prev_i = 0;
		for (;;) {
			const pl_cstatus *pick = NULL;
			size_t pick_i = 0;
			for (size_t i = 0; i < st->n_regular; i++) {
				const pl_cstatus *c = &st->regular[i];
				if (!c->has_status)
					continue;
				if (prev && name_cmp(c, i, prev, prev_i) >= 0)
					continue;
				if (!pick || name_cmp(c, i, pick, pick_i) > 0) {
					pick = c;
					pick_i = i;
				}
			}
			if (!pick)
				break;
			prev = pick;
			prev_i = pick_i;
			const pl_cstatus *c = pick;
			restarts += c->restart_count;
			track_date(&last, c);
			if (c->state.kind == PL_CSTATE_WAITING && nonempty(c->state.reason)) {
				snprintf(reason, sizeof(reason), "%s", c->state.reason);
			} else if (c->state.kind == PL_CSTATE_TERMINATED) {
				if (nonempty(c->state.reason))
					snprintf(reason, sizeof(reason), "%s", c->state.reason);
				else if (c->state.signal != 0)
					snprintf(reason, sizeof(reason), "Signal:%d", c->state.signal);
				else
					snprintf(reason, sizeof(reason), "ExitCode:%d", c->state.exit_code);
			} else if (c->ready && c->state.kind == PL_CSTATE_RUNNING) {
				has_running = true;
				ready++;
			}
		}
		if (strcmp(reason, "Completed") == 0 && has_running)
			snprintf(reason, sizeof(reason), "%s",
			         cond_true(st, PL_COND_READY) ? "Running" : "NotReady");
	}

	if (st->terminating && pl_streq(st->reason, "NodeLost"))
		snprintf(reason, sizeof(reason), "Unknown");
	else if (st->terminating && st->phase != PL_PHASE_SUCCEEDED &&
	         st->phase != PL_PHASE_FAILED)
		snprintf(reason, sizeof(reason), "Terminating");

	memcpy(out->status, reason, sizeof(out->status));
	snprintf(out->ready, sizeof(out->ready), "%zu/%zu", ready, total);
	out->restarts = restarts;
	if (restarts != 0 && last.set) {
		char age[32];
		pl_human_duration(now - last.at, age, sizeof(age));
		snprintf(out->restarts_text, sizeof(out->restarts_text), "%d (%s ago)", restarts,
		         age);
	} else {
		snprintf(out->restarts_text, sizeof(out->restarts_text), "%d", restarts);
	}
}
