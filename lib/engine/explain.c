/*
 * lib/engine/explain.c - the status views of one pod: PodStatus JSON
 * through the status helper, the `kubectl describe` Events section from
 * the pod's event log (events.c), and "explain": which rule holds a pod
 * or container in its state, the back-off step and the next deadline.
 */
#include <stdio.h>
#include <string.h>

#include "engine_int.h"
#include "events.h"

int podlife_engine_status_json(podlife_engine *e, const char *ns, const char *name, char **out)
{
	if (!e || !name || !out)
		return PODLIFE_EINVAL;
	pl_pod *p = pl_eng_find(e, ns, name);
	if (!p)
		return PODLIFE_ENOTFOUND;
	pl_status_view v;
	memset(&v, 0, sizeof v);
	v.st = &p->st;
	v.model = p->m;
	v.wall_offset_ms = pl_wall_offset(e);
	v.host_ip = NULL;
	char *text = NULL;
	int rc = pl_status_to_json_text(&v, &e->a, &text);
	if (rc)
		return rc;
	/* Owned strings of the public API are freed with podlife_free (libc). */
	char *copy = pl_strdup(pl_alloc_default(), text);
	pl_free(&e->a, text);
	if (!copy)
		return PODLIFE_ENOMEM;
	*out = copy;
	return PODLIFE_OK;
}

void pl_explain_secs(pl_buf *b, pl_ms ms)
{
	if (ms % 1000)
		pl_buf_printf(b, "%lld.%03llds", (long long)(ms / 1000), (long long)(ms % 1000));
	else
		pl_buf_printf(b, "%llds", (long long)(ms / 1000));
}

static int backoff_step(pl_ms delay, pl_ms initial, pl_ms max)
{
	int n = 1;
	for (pl_ms d = initial; d < delay && d < max; d *= 2)
		n++;
	return n;
}

static const char *rt_name(uint8_t rt)
{
	static const char *const n[] = {"none", "created", "running", "exited", "unknown"};
	return rt < PL_ARRAY_LEN(n) ? n[rt] : "?";
}

static void explain_ctr(podlife_engine *e, pl_pod *p, pl_ctr *c, pl_buf *b)
{
	pl_ms now = e->now;
	const pl_cstatus *st = c->st;
	static const char *const kinds[] = {"init container", "sidecar", "container"};
	pl_buf_printf(b, "%s %s: ", kinds[c->kind], c->spec->name);
	switch (st->state.kind) {
	case PL_CSTATE_WAITING:
		pl_buf_printf(b, "waiting (%s)", st->state.reason ? st->state.reason : "");
		break;
	case PL_CSTATE_RUNNING:
		pl_buf_puts(b, "running");
		break;
	case PL_CSTATE_TERMINATED:
		pl_buf_printf(b, "terminated (%s, exit code %d)",
		              st->state.reason ? st->state.reason : "", st->state.exit_code);
		break;
	default:
		pl_buf_puts(b, "no status");
	}
	pl_buf_printf(b, ", restarts %d, runtime %s\n", st->restart_count, rt_name(c->rt));
	if (c->op == PL_OP_PULL)
		pl_buf_printf(b, "  waiting for the pull of image \"%s\"\n", c->spec->image);
	if (c->op == PL_OP_POSTSTART)
		pl_buf_puts(b, "  postStart hook running: not reported running before it ends\n");
	if (c->op == PL_OP_PRESTOP)
		pl_buf_puts(b, "  preStop hook running; its time counts against the grace period\n");
	if (c->flags & PL_CF_KILLING) {
		pl_buf_printf(b, "  being stopped: grace %llds from ", (long long)c->kill_grace_s);
		pl_explain_secs(b, c->kill_start);
		pl_buf_puts(b, (c->flags & PL_CF_STOP_SENT) ? ", stop signal sent\n"
		                                            : ", stop signal not sent yet\n");
	}
	if (c->crash.delay) {
		pl_buf_printf(b, "  crash-loop back-off: step %d, delay ",
		              backoff_step(c->crash.delay, e->crash_initial, e->crash_max));
		pl_explain_secs(b, c->crash.delay);
		pl_buf_printf(b, " (initial %llds, max %llds, reset after 600s of running)\n",
		              (long long)(e->crash_initial / 1000), (long long)(e->crash_max / 1000));
		if (st->state.kind == PL_CSTATE_WAITING && st->state.reason &&
		    strcmp(st->state.reason, "CrashLoopBackOff") == 0) {
			pl_ms at = c->finished_at + c->crash.delay;
			pl_buf_puts(b, "  next restart at t=");
			pl_explain_secs(b, at);
			pl_buf_puts(b, " (in ");
			pl_explain_secs(b, at > now ? at - now : 0);
			pl_buf_puts(b, ", measured from the last exit)\n");
		}
	}
	pl_img_backoff *ib = pl_img_backoff_get(e, p, pl_image_hash(c->spec->image), false);
	if (ib && ib->b.delay && c->pull_failed) {
		pl_ms at = ib->b.last_update + ib->b.delay;
		pl_buf_printf(b, "  image pull back-off: step %d, delay ",
		              backoff_step(ib->b.delay, e->img_initial, e->img_max));
		pl_explain_secs(b, ib->b.delay);
		pl_buf_puts(b, ", next pull at t=");
		pl_explain_secs(b, at);
		pl_buf_puts(b, " (in ");
		pl_explain_secs(b, at > now ? at - now : 0);
		pl_buf_puts(b, ")\n");
	}
	if (c->rt == PL_RT_EXITED && c->kind != PL_CKIND_SIDECAR && !(c->flags & PL_CF_KILLING) &&
	    p->state == PL_POD_ACTIVE) {
		bool restart = c->kind == PL_CKIND_INIT
		                       ? (c->last_exit != 0 && strcmp(p->st.restart_policy, "Never") != 0)
		                       : pl_ctr_should_restart(e, p, c, c->last_exit);
		pl_buf_printf(b, "  exit code %d under restartPolicy %s%s: %s\n", c->last_exit,
		              c->spec->restart_policy ? c->spec->restart_policy : p->st.restart_policy,
		              c->spec->restart_policy ? " (container)" : "",
		              restart ? "restarted" : "not restarted");
	}
	pl_probes_explain(p, c, b);
}

int podlife_engine_explain(podlife_engine *e, const char *ns, const char *name,
                           const char *container, char **out)
{
	if (!e || !name || !out)
		return PODLIFE_EINVAL;
	pl_pod *p = pl_eng_find(e, ns, name);
	if (!p)
		return PODLIFE_ENOTFOUND;
	pl_eng_now(e);
	pl_buf b;
	pl_buf_init(&b, pl_alloc_default());
	bool found = false;
	if (!container) {
		found = true;
		pl_buf_printf(&b, "pod %s/%s: phase %s", p->ns, p->name, pl_phase_name(p->st.phase));
		if (p->st.reason)
			pl_buf_printf(&b, " (%s)", p->st.reason);
		pl_buf_puts(&b, "\n");
		switch (p->state) {
		case PL_POD_REJECTED:
			pl_buf_printf(&b, "  rejected at admission: %s\n",
			              p->st.message ? p->st.message : "");
			break;
		case PL_POD_DONE:
			pl_buf_puts(&b, "  finished: every container stopped, sandbox removed\n");
			break;
		case PL_POD_TERMINATING:
			pl_buf_printf(&b, "  terminating (grace %llds)%s\n", (long long)p->grace_s,
			              (p->flags & PL_PF_DELETED) ? ": deleted"
			              : (p->flags & PL_PF_DEADLINE) ? ": activeDeadlineSeconds exceeded"
			                                            : ": no container will run again");
			break;
		default:
			if (p->flags & PL_PF_UNKNOWN)
				pl_buf_puts(&b, "  the backend cannot report the containers: phase Unknown\n");
			else if (p->sb == PL_SB_CREATING)
				pl_buf_puts(&b, "  waiting for the pod sandbox\n");
			else if (p->sb == PL_SB_FAILED)
				pl_buf_puts(&b, "  sandbox creation failed; retried every 10s\n");
			else if (!(p->flags & PL_PF_INITIALIZED) && p->st.n_init)
				pl_buf_puts(&b, "  initializing: init containers run one at a time, in order\n");
			else
				pl_buf_printf(&b, "  running containers under restartPolicy %s\n",
				              p->st.restart_policy);
		}
		const pl_pod_spec *s = p->m->spec;
		if (PL_HAS(s, active_deadline_seconds) && p->st.start_time != PL_NEVER &&
		    p->state == PL_POD_ACTIVE) {
			pl_buf_puts(&b, "  activeDeadlineSeconds ends at t=");
			pl_explain_secs(&b, p->st.start_time + s->active_deadline_seconds * 1000);
			pl_buf_puts(&b, "\n");
		}
		pl_ms nd = p->wake.deadline;
		if (nd != PL_NEVER) {
			pl_buf_puts(&b, "  next engine action at t=");
			pl_explain_secs(&b, nd);
			pl_buf_puts(&b, "\n");
		}
	}
	for (size_t i = 0; i < p->nc; i++) {
		if (container && strcmp(container, p->c[i].spec->name) != 0)
			continue;
		found = true;
		explain_ctr(e, p, &p->c[i], &b);
	}
	if (!found) {
		pl_buf_free(&b);
		return PODLIFE_ENOTFOUND;
	}
	char *s = pl_buf_take(&b);
	if (!s)
		return PODLIFE_ENOMEM;
	*out = s;
	return PODLIFE_OK;
}

int podlife_engine_describe_events(podlife_engine *e, const char *ns, const char *name, char **out)
{
	if (!e || !name || !out)
		return PODLIFE_EINVAL;
	pl_pod *p = pl_eng_find(e, ns, name);
	if (!p)
		return PODLIFE_ENOTFOUND;
	if (!(e->flags & PODLIFE_ENGINE_KEEP_EVENTS))
		return PODLIFE_ESTATE;
	pl_eng_now(e);
	pl_event_log empty;
	pl_event_log *log = p->events;
	if (!log) {
		pl_event_log_init(&empty, &e->a, 0);
		log = &empty;
	}
	pl_buf b;
	pl_buf_init(&b, pl_alloc_default());
	int rc = pl_event_log_describe(log, e->now, pl_wall_offset(e), &b);
	if (log == &empty)
		pl_event_log_free(&empty);
	if (rc) {
		pl_buf_free(&b);
		return rc;
	}
	char *s = pl_buf_take(&b);
	if (!s)
		return PODLIFE_ENOMEM;
	*out = s;
	return PODLIFE_OK;
}
