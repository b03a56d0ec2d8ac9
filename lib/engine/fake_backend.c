/*
 * lib/engine/fake_backend.c - the scriptable in-memory backend of
 * podlife/fake.h: containers follow per-name step scripts, images can be
 * missing or fail to pull N times, and any backend call can be made to
 * fail (fault injection, counted over every slot).  Exits are kept in a
 * min-heap and reported to the attached engine by podlife_fake_advance.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "podlife/fake.h"

#include "engine_int.h"

typedef struct fk_ctr {
	bool used;
	int state;          /* 0 created, 1 running, 2 exited */
	uint32_t gen;
	char *ns, *pod, *name;
	char sandbox[48];
	uint64_t token;
	unsigned int attempt;
	podlife_fake_step step;
	pl_ms exit_at;      /* scheduled exit, PL_NEVER none */
	int exit_code, exit_signal;
	bool oom;
	bool lost;          /* podlife_fake_lose_container: not listed any more */
	pl_ms started, finished;
} fk_ctr;

typedef struct fk_script {
	char *name;
	podlife_fake_step *steps;
	size_t n;
	unsigned int start_fail; /* next starts that fail */
	char *start_msg;         /* their error text, owned */
} fk_script;

typedef struct fk_runs {
	char *key; /* ns/pod/container */
	unsigned long runs;
} fk_runs;

typedef struct fk_image {
	char *image;
	bool missing;
	unsigned int fail_left;
} fk_image;

/* A pull that finishes later (podlife_fake_pull_time). */
typedef struct fk_pull {
	int64_t at;
	uint64_t token;
	size_t image; /* index in images */
} fk_pull;

typedef struct fk_sandbox {
	bool used;
	uint32_t gen;
	bool running;
	uint64_t token;  /* for podlife_engine_notify_sandbox_lost */
	uint64_t key;    /* hash of namespace/name */
} fk_sandbox;

/* Scripted probe results for a container name and probe kind. */
typedef struct fk_probe_script {
	char *name;
	int kind;                /* podlife_probe_kind */
	uint8_t *results;        /* FK_PROBE_* */
	size_t n;
	size_t pos;              /* next result for the instance `id` */
	char id[PODLIFE_ID_MAX]; /* container instance the position counts for */
} fk_probe_script;

enum { FK_PROBE_OK = 0, FK_PROBE_FAIL, FK_PROBE_ERROR, FK_PROBE_TIMEOUT };

typedef struct fk_exit {
	pl_ms at;
	uint32_t idx, gen;
} fk_exit;

struct podlife_fake {
	pl_alloc a;
	podlife_backend be;
	const podlife_clock *clock;
	podlife_engine *engine;
	fk_ctr *ctrs;
	size_t n_ctrs, cap_ctrs;
	uint32_t *free_ctrs; /* removed slots, reused first */
	size_t n_free, cap_free;
	fk_sandbox *sbs;
	size_t n_sbs, cap_sbs;
	uint32_t *free_sbs;
	size_t n_free_sbs, cap_free_sbs;
	fk_script *scripts;
	size_t n_scripts;
	fk_runs *runs;      /* open addressing on key */
	size_t n_runs, cap_runs;
	fk_image *images;
	size_t n_images;
	fk_exit *heap;
	size_t n_heap, cap_heap;
	unsigned long calls, fail_nth;
	int exec_exit, http_status;
	int list_fails;
	int64_t pull_ms;     /* how long a pull takes; 0: at once */
	fk_pull *pulls;      /* pending pulls, in start order */
	size_t n_pulls, cap_pulls;
	podlife_fake_stats stats;
	podlife_probe_backend pb;      /* answers every probe from probe_scripts */
	fk_probe_script *probe_scripts;
	size_t n_probe_scripts;
};

static uint64_t fk_hash(const char *s);

/* ---- parsing ----------------------------------------------------------------------- */

int podlife_duration_parse(const char *text, int64_t *out_ms)
{
	if (!text || !out_ms || !*text)
		return PODLIFE_EINVAL;
	const char *s = text;
	int64_t total = 0;
	bool any = false;
	while (*s) {
		if (!isdigit((unsigned char)*s))
			return PODLIFE_EINVAL;
		errno = 0;
		char *end;
		double v = strtod(s, &end);
		if (errno || end == s || v < 0 || v > 1e12)
			return PODLIFE_EINVAL;
		s = end;
		double unit;
		if (*s == 0 && !any) {
			unit = 1000; /* bare number: seconds */
		} else if (strncmp(s, "ms", 2) == 0) {
			unit = 1;
			s += 2;
		} else if (*s == 'h') {
			unit = 3600000;
			s++;
		} else if (*s == 'm') {
			unit = 60000;
			s++;
		} else if (*s == 's') {
			unit = 1000;
			s++;
		} else {
			return PODLIFE_EINVAL;
		}
		total += (int64_t)(v * unit + 0.5);
		any = true;
	}
	*out_ms = total;
	return PODLIFE_OK;
}

static int step_parse(const char *s, size_t len, podlife_fake_step *st)
{
	char buf[128];
	if (len == 0 || len >= sizeof buf)
		return PODLIFE_EINVAL;
	memcpy(buf, s, len);
	buf[len] = 0;
	memset(st, 0, sizeof *st);
	char *at = strchr(buf, '@');
	if (at)
		*at++ = 0;
	if (at && podlife_duration_parse(at, &st->duration_ms) != PODLIFE_OK)
		return PODLIFE_EINVAL;
	if (strncmp(buf, "exit:", 5) == 0) {
		char *end;
		errno = 0;
		long v = strtol(buf + 5, &end, 10);
		if (errno || end == buf + 5 || *end || v < 0 || v > 255)
			return PODLIFE_EINVAL;
		st->action = PODLIFE_FAKE_EXIT;
		st->exit_code = (int)v;
		return PODLIFE_OK;
	}
	if (strcmp(buf, "oom") == 0) {
		st->action = PODLIFE_FAKE_OOM;
		st->exit_code = 137;
		return PODLIFE_OK;
	}
	if (at)
		return PODLIFE_EINVAL; /* run@... / hang@... */
	if (strcmp(buf, "run") == 0) {
		st->action = PODLIFE_FAKE_RUN;
		return PODLIFE_OK;
	}
	if (strcmp(buf, "hang") == 0) {
		st->action = PODLIFE_FAKE_HANG;
		return PODLIFE_OK;
	}
	return PODLIFE_EINVAL;
}

int podlife_fake_steps_parse(const char *text, podlife_fake_step **steps, size_t *n,
                             podlife_error **err)
{
	if (err)
		*err = NULL;
	if (!text || !steps || !n)
		return PODLIFE_EINVAL;
	size_t count = 1;
	for (const char *s = text; *s; s++)
		count += *s == ',';
	podlife_fake_step *v = malloc(count * sizeof *v);
	if (!v)
		return PODLIFE_ENOMEM;
	const char *s = text;
	for (size_t i = 0; i < count; i++) {
		const char *end = strchr(s, ',');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		if (step_parse(s, len, &v[i]) != PODLIFE_OK) {
			if (err)
				*err = pl_error_new(pl_alloc_default(), PODLIFE_EINVAL,
				                    "invalid step \"%.*s\": want exit:CODE@DUR, run, hang or oom@DUR",
				                    (int)(len > 100 ? 100 : len), s);
			free(v);
			return PODLIFE_EINVAL;
		}
		s = end ? end + 1 : s + len;
	}
	*steps = v;
	*n = count;
	return PODLIFE_OK;
}

/* ---- object -------------------------------------------------------------------------- */

static bool fault(podlife_fake *f, podlife_result *r)
{
	f->calls++;
	if (f->fail_nth && f->calls == f->fail_nth) {
		if (r)
			snprintf(r->message, sizeof r->message, "injected fault (backend call %lu)",
			         f->calls);
		return true;
	}
	return false;
}

static pl_ms fk_now(const podlife_fake *f)
{
	return f->clock->now_ms(f->clock->ud);
}

static fk_image *image_get(podlife_fake *f, const char *image, bool create)
{
	for (size_t i = 0; i < f->n_images; i++)
		if (strcmp(f->images[i].image, image) == 0)
			return &f->images[i];
	if (!create)
		return NULL;
	fk_image *v = pl_realloc(&f->a, f->images, (f->n_images + 1) * sizeof *v);
	if (!v)
		return NULL;
	f->images = v;
	char *s = pl_strdup(&f->a, image);
	if (!s)
		return NULL;
	memset(&v[f->n_images], 0, sizeof *v);
	v[f->n_images].image = s;
	return &v[f->n_images++];
}

static fk_script *script_for(podlife_fake *f, const char *name)
{
	for (size_t i = 0; i < f->n_scripts; i++)
		if (strcmp(f->scripts[i].name, name) == 0)
			return &f->scripts[i];
	return NULL;
}

static uint64_t fk_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

static bool runs_grow(podlife_fake *f)
{
	size_t cap = f->cap_runs ? f->cap_runs * 2 : 64;
	fk_runs *v = pl_calloc(&f->a, cap, sizeof *v);
	if (!v)
		return false;
	for (size_t i = 0; i < f->cap_runs; i++) {
		if (!f->runs[i].key)
			continue;
		size_t j = fk_hash(f->runs[i].key) & (cap - 1);
		while (v[j].key)
			j = (j + 1) & (cap - 1);
		v[j] = f->runs[i];
	}
	pl_free(&f->a, f->runs);
	f->runs = v;
	f->cap_runs = cap;
	return true;
}

/* How many runs this container (pod + name) had before; counts up.  A
 * hash table, so that big simulations stay linear. */
static unsigned long next_run(podlife_fake *f, const char *ns, const char *pod, const char *name)
{
	char key[512];
	snprintf(key, sizeof key, "%s/%s/%s", ns, pod, name);
	if ((f->n_runs + 1) * 2 > f->cap_runs && !runs_grow(f))
		return 0;
	size_t j = fk_hash(key) & (f->cap_runs - 1);
	while (f->runs[j].key) {
		if (strcmp(f->runs[j].key, key) == 0)
			return f->runs[j].runs++;
		j = (j + 1) & (f->cap_runs - 1);
	}
	f->runs[j].key = pl_strdup(&f->a, key);
	if (!f->runs[j].key)
		return 0;
	f->runs[j].runs = 1;
	f->n_runs++;
	return 0;
}

/* ---- exit heap ----------------------------------------------------------------------- */

static void heap_push(podlife_fake *f, pl_ms at, uint32_t idx, uint32_t gen)
{
	if (f->n_heap == f->cap_heap) {
		size_t cap = f->cap_heap ? f->cap_heap * 2 : 64;
		fk_exit *v = pl_realloc(&f->a, f->heap, cap * sizeof *v);
		if (!v)
			return;
		f->heap = v;
		f->cap_heap = cap;
	}
	size_t i = f->n_heap++;
	fk_exit x = {at, idx, gen};
	while (i > 0) {
		size_t pa = (i - 1) / 2;
		if (f->heap[pa].at <= at)
			break;
		f->heap[i] = f->heap[pa];
		i = pa;
	}
	f->heap[i] = x;
}

static void heap_pop(podlife_fake *f)
{
	fk_exit last = f->heap[--f->n_heap];
	size_t i = 0;
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		pl_ms best = last.at;
		if (l < f->n_heap && f->heap[l].at < best) {
			m = l;
			best = f->heap[l].at;
		}
		if (r < f->n_heap && f->heap[r].at < best)
			m = r;
		if (m == i)
			break;
		f->heap[i] = f->heap[m];
		i = m;
	}
	if (f->n_heap)
		f->heap[i] = last;
}

static bool exit_live(const podlife_fake *f, const fk_exit *x)
{
	const fk_ctr *c = &f->ctrs[x->idx];
	return c->used && c->gen == x->gen && c->state == 1 && c->exit_at == x->at;
}

static void schedule_exit(podlife_fake *f, fk_ctr *c, pl_ms at, int code, int sig, bool oom)
{
	if (c->exit_at != PL_NEVER && c->exit_at <= at)
		return; /* an earlier exit is already due */
	c->exit_at = at;
	c->exit_code = code;
	c->exit_signal = sig;
	c->oom = oom;
	heap_push(f, at, (uint32_t)(c - f->ctrs), c->gen);
}

/* ---- ids ----------------------------------------------------------------------------- */

static fk_ctr *ctr_by_id(podlife_fake *f, const char *id)
{
	unsigned long idx, gen;
	if (!id || sscanf(id, "fake-c%lu-%lu", &idx, &gen) != 2 || idx >= f->n_ctrs)
		return NULL;
	fk_ctr *c = &f->ctrs[idx];
	return c->used && c->gen == gen ? c : NULL;
}

static fk_sandbox *sb_by_id(podlife_fake *f, const char *id)
{
	unsigned long idx, gen;
	if (!id || sscanf(id, "fake-s%lu-%lu", &idx, &gen) != 2 || idx >= f->n_sbs)
		return NULL;
	fk_sandbox *s = &f->sbs[idx];
	return s->used && s->gen == gen ? s : NULL;
}

/* ---- slots --------------------------------------------------------------------------- */

/*
 * A slot of a growable table of `elem`-byte records: a freed one first,
 * else a new zeroed one at the end (the table doubles from `init`).
 */
static int slot_take(const pl_alloc *a, void **arr, size_t elem, size_t *n, size_t *cap,
                     size_t init, const uint32_t *free_list, size_t *n_free, size_t *idx)
{
	if (*n_free) {
		*idx = free_list[--*n_free];
		return PODLIFE_OK;
	}
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : init;
		char *v = pl_realloc(a, *arr, ncap * elem);
		if (!v)
			return PODLIFE_ENOMEM;
		memset(v + *cap * elem, 0, (ncap - *cap) * elem);
		*arr = v;
		*cap = ncap;
	}
	*idx = (*n)++;
	return PODLIFE_OK;
}

static int fk_sandbox_run(void *ud, const podlife_sandbox_config *cfg, uint64_t token,
                          podlife_result *r)
{
	podlife_fake *f = ud;
	if (fault(f, r))
		return PODLIFE_EBACKEND;
	size_t idx;
	if (slot_take(&f->a, (void **)&f->sbs, sizeof *f->sbs, &f->n_sbs, &f->cap_sbs, 16,
	              f->free_sbs, &f->n_free_sbs, &idx) != PODLIFE_OK)
		return PODLIFE_ENOMEM;
	fk_sandbox *s = &f->sbs[idx];
	s->used = true;
	s->running = true;
	s->gen++;
	s->token = token;
	char key[512];
	snprintf(key, sizeof key, "%s/%s", cfg->pod_namespace, cfg->pod_name);
	s->key = fk_hash(key);
	f->stats.live_sandboxes++;
	snprintf(r->id, sizeof r->id, "fake-s%zu-%u", idx, s->gen);
	snprintf(r->pod_ip, sizeof r->pod_ip, "10.88.%zu.%zu", (idx / 250) % 250, idx % 250 + 2);
	snprintf(r->netns_path, sizeof r->netns_path, "/var/run/netns/fake-%zu", idx);
	return PODLIFE_OK;
}

static int fk_sandbox_stop(void *ud, const char *id)
{
	podlife_fake *f = ud;
	if (fault(f, NULL))
		return PODLIFE_EBACKEND;
	fk_sandbox *s = sb_by_id(f, id);
	if (!s)
		return PODLIFE_ENOTFOUND;
	s->running = false;
	return PODLIFE_OK;
}

static int fk_sandbox_remove(void *ud, const char *id)
{
	podlife_fake *f = ud;
	if (fault(f, NULL))
		return PODLIFE_EBACKEND;
	fk_sandbox *s = sb_by_id(f, id);
	if (!s)
		return PODLIFE_ENOTFOUND;
	s->used = false;
	f->stats.live_sandboxes--;
	if (f->n_free_sbs == f->cap_free_sbs) {
		size_t cap = f->cap_free_sbs ? f->cap_free_sbs * 2 : 16;
		uint32_t *v = pl_realloc(&f->a, f->free_sbs, cap * sizeof *v);
		if (v) {
			f->free_sbs = v;
			f->cap_free_sbs = cap;
		}
	}
	if (f->n_free_sbs < f->cap_free_sbs)
		f->free_sbs[f->n_free_sbs++] = (uint32_t)(s - f->sbs);
	return PODLIFE_OK;
}

static void image_id(const char *image, podlife_result *r)
{
	snprintf(r->id, sizeof r->id, "sha256:%08x%08x", pl_image_hash(image),
	         pl_image_hash(image) ^ 0x5bd1e995u);
	r->size = 4 * 1024 * 1024 + (pl_image_hash(image) & 0xfffff);
}

static int fk_image_status(void *ud, const char *image, podlife_result *r)
{
	podlife_fake *f = ud;
	if (fault(f, r))
		return PODLIFE_EBACKEND;
	fk_image *im = image_get(f, image, false);
	r->present = !(im && im->missing);
	if (r->present)
		image_id(image, r);
	return PODLIFE_OK;
}

static int pull_finish(podlife_fake *f, fk_image *im, const char *image, podlife_result *r);

static int fk_image_pull(void *ud, const char *image, const podlife_auth *auth, size_t n_auth,
                         uint64_t token, podlife_result *r)
{
	podlife_fake *f = ud;
	PL_UNUSED(auth);
	PL_UNUSED(n_auth);
	PL_UNUSED(token);
	if (fault(f, r))
		return PODLIFE_EBACKEND;
	f->stats.pulls++;
	fk_image *im = image_get(f, image, f->pull_ms > 0);
	if (f->pull_ms > 0 && im) {
		if (f->n_pulls == f->cap_pulls) {
			size_t cap = f->cap_pulls ? f->cap_pulls * 2 : 8;
			fk_pull *v = pl_realloc(&f->a, f->pulls, cap * sizeof *v);
			if (!v)
				return PODLIFE_ENOMEM;
			f->pulls = v;
			f->cap_pulls = cap;
		}
		f->pulls[f->n_pulls].at = fk_now(f) + f->pull_ms;
		f->pulls[f->n_pulls].token = token;
		f->pulls[f->n_pulls].image = (size_t)(im - f->images);
		f->n_pulls++;
		return PODLIFE_PENDING;
	}
	return pull_finish(f, im, image, r);
}

/* The outcome of a pull of `image` (im may be NULL: present, no script). */
static int pull_finish(podlife_fake *f, fk_image *im, const char *image, podlife_result *r)
{
	if (im && im->fail_left) {
		im->fail_left--;
		snprintf(r->message, sizeof r->message,
		         "rpc error: code = NotFound desc = failed to pull and unpack image \"%s\": not found",
		         image);
		return PODLIFE_EBACKEND;
	}
	if (im)
		im->missing = false;
	image_id(image, r);
	return PODLIFE_OK;
}

static int fk_create(void *ud, const podlife_container_config *cfg, podlife_result *r)
{
	podlife_fake *f = ud;
	if (fault(f, r))
		return PODLIFE_EBACKEND;
	size_t idx;
	if (slot_take(&f->a, (void **)&f->ctrs, sizeof *f->ctrs, &f->n_ctrs, &f->cap_ctrs, 64,
	              f->free_ctrs, &f->n_free, &idx) != PODLIFE_OK)
		return PODLIFE_ENOMEM;
	fk_ctr *c = &f->ctrs[idx];
	uint32_t gen = c->gen + 1;
	memset(c, 0, sizeof *c);
	c->gen = gen;
	c->ns = pl_strdup(&f->a, cfg->pod_namespace);
	c->pod = pl_strdup(&f->a, cfg->pod_name);
	c->name = pl_strdup(&f->a, cfg->name);
	if (!c->ns || !c->pod || !c->name) {
		pl_free(&f->a, c->ns);
		pl_free(&f->a, c->pod);
		pl_free(&f->a, c->name);
		c->ns = c->pod = c->name = NULL;
		return PODLIFE_ENOMEM;
	}
	c->used = true;
	snprintf(c->sandbox, sizeof c->sandbox, "%s", cfg->sandbox_id);
	c->token = cfg->token;
	c->attempt = cfg->attempt;
	c->exit_at = PL_NEVER;
	c->finished = PL_NEVER;
	f->stats.creates++;
	f->stats.live_containers++;
	snprintf(r->id, sizeof r->id, "fake-c%zu-%u", idx, c->gen);
	return PODLIFE_OK;
}

static int fk_start(void *ud, const char *id, podlife_result *r)
{
	podlife_fake *f = ud;
	if (fault(f, r))
		return PODLIFE_EBACKEND;
	fk_ctr *c = ctr_by_id(f, id);
	if (!c)
		return PODLIFE_ENOTFOUND;
	if (c->state != 0)
		return PODLIFE_ESTATE;
	pl_ms now = fk_now(f);
	fk_script *s = script_for(f, c->name);
	if (s && s->start_fail) {
		s->start_fail--;
		snprintf(r->message, sizeof r->message, "%s", s->start_msg ? s->start_msg : "start failed");
		c->state = 2; /* containerd: exited 128, StartError */
		c->exit_code = 128;
		c->started = c->finished = now;
		return PODLIFE_EBACKEND;
	}
	unsigned long run = next_run(f, c->ns, c->pod, c->name);
	podlife_fake_step st = {PODLIFE_FAKE_RUN, 0, 0};
	if (s && s->n)
		st = s->steps[run < s->n ? run : s->n - 1];
	c->step = st;
	c->state = 1;
	c->started = now;
	f->stats.starts++;
	if (st.action == PODLIFE_FAKE_EXIT)
		schedule_exit(f, c, now + st.duration_ms, st.exit_code, 0, false);
	else if (st.action == PODLIFE_FAKE_OOM)
		schedule_exit(f, c, now + st.duration_ms, 137, 9, true);
	return PODLIFE_OK;
}

static int fk_stop(void *ud, const char *id, int sig, int64_t grace_s)
{
	podlife_fake *f = ud;
	if (fault(f, NULL))
		return PODLIFE_EBACKEND;
	fk_ctr *c = ctr_by_id(f, id);
	if (!c)
		return PODLIFE_ENOTFOUND;
	if (c->state != 1)
		return PODLIFE_OK;
	f->stats.stops++;
	pl_ms now = fk_now(f);
	switch (c->step.action) {
	case PODLIFE_FAKE_RUN:
		schedule_exit(f, c, now, 0, sig, false);
		break;
	case PODLIFE_FAKE_HANG:
		schedule_exit(f, c, now + grace_s * 1000, 137, 9, false);
		break;
	default:
		schedule_exit(f, c, now, 128 + sig, sig, false);
		break;
	}
	return PODLIFE_OK;
}

static int fk_remove(void *ud, const char *id)
{
	podlife_fake *f = ud;
	if (fault(f, NULL))
		return PODLIFE_EBACKEND;
	fk_ctr *c = ctr_by_id(f, id);
	if (!c)
		return PODLIFE_ENOTFOUND;
	pl_free(&f->a, c->ns);
	pl_free(&f->a, c->pod);
	pl_free(&f->a, c->name);
	c->ns = c->pod = c->name = NULL;
	c->used = false;
	if (f->n_free == f->cap_free) {
		size_t cap = f->cap_free ? f->cap_free * 2 : 64;
		uint32_t *v = pl_realloc(&f->a, f->free_ctrs, cap * sizeof *v);
		if (v) {
			f->free_ctrs = v;
			f->cap_free = cap;
		}
	}
	if (f->n_free < f->cap_free)
		f->free_ctrs[f->n_free++] = (uint32_t)(c - f->ctrs);
	f->stats.removes++;
	f->stats.live_containers--;
	return PODLIFE_OK;
}

static int fk_exec(void *ud, const char *id, const char *const *argv, size_t argc,
                   int64_t timeout_s, uint64_t token, podlife_result *r)
{
	podlife_fake *f = ud;
	PL_UNUSED(argv);
	PL_UNUSED(argc);
	PL_UNUSED(timeout_s);
	PL_UNUSED(token);
	if (fault(f, r))
		return PODLIFE_EBACKEND;
	fk_ctr *c = ctr_by_id(f, id);
	if (!c || c->state != 1)
		return PODLIFE_ENOTFOUND;
	f->stats.execs++;
	r->exit_code = f->exec_exit;
	return PODLIFE_OK;
}

static int fk_http(void *ud, const podlife_http_request *req, uint64_t token, podlife_result *r)
{
	podlife_fake *f = ud;
	PL_UNUSED(req);
	PL_UNUSED(token);
	if (fault(f, r))
		return PODLIFE_EBACKEND;
	f->stats.execs++;
	r->exit_code = f->http_status;
	return PODLIFE_OK;
}

/* "fake-c<idx>-<gen>" without printf: the listing formats every id. */
static void ctr_id(char *out, size_t idx, uint32_t gen)
{
	char tmp[24];
	size_t n = 0;
	memcpy(out, "fake-c", 6);
	out += 6;
	do {
		tmp[n++] = (char)('0' + idx % 10);
		idx /= 10;
	} while (idx);
	while (n)
		*out++ = tmp[--n];
	*out++ = '-';
	do {
		tmp[n++] = (char)('0' + gen % 10);
		gen /= 10;
	} while (gen);
	while (n)
		*out++ = tmp[--n];
	*out = '\0';
}

static int fk_list(void *ud, podlife_container_list_fn cb, void *cb_ud)
{
	podlife_fake *f = ud;
	if (f->list_fails || fault(f, NULL))
		return PODLIFE_EBACKEND;
	for (size_t i = 0; i < f->n_ctrs; i++) {
		const fk_ctr *c = &f->ctrs[i];
		if (!c->used || c->lost)
			continue;
		char id[64];
		ctr_id(id, i, c->gen);
		podlife_container_entry en;
		memset(&en, 0, sizeof en);
		en.id = id;
		en.sandbox_id = c->sandbox;
		en.pod_namespace = c->ns;
		en.pod_name = c->pod;
		en.name = c->name;
		en.attempt = c->attempt;
		en.running = c->state == 1 ? 1 : c->state == 2 ? 0 : -1;
		en.exit_code = c->exit_code;
		en.oom = c->oom;
		en.started_at_ms = c->started;
		en.finished_at_ms = c->finished;
		cb(cb_ud, &en);
	}
	return PODLIFE_OK;
}

static int fk_adopt(void *ud, const char *id, uint64_t token)
{
	podlife_fake *f = ud;
	fk_ctr *c = ctr_by_id(f, id);
	if (!c)
		return PODLIFE_ENOTFOUND;
	c->token = token;
	return PODLIFE_OK;
}

int podlife_fake_lose_sandbox(podlife_fake *f, const char *pod_namespace, const char *pod_name)
{
	if (!f || !pod_name)
		return PODLIFE_EINVAL;
	char key[512];
	snprintf(key, sizeof key, "%s/%s", pod_namespace && *pod_namespace ? pod_namespace : "default",
	         pod_name);
	uint64_t k = fk_hash(key);
	for (size_t i = 0; i < f->n_sbs; i++) {
		fk_sandbox *s = &f->sbs[i];
		if (!s->used || !s->running || s->key != k)
			continue;
		char id[64];
		snprintf(id, sizeof id, "fake-s%zu-%u", i, s->gen);
		/* its containers die without exit reports */
		for (size_t c = 0; c < f->n_ctrs; c++) {
			fk_ctr *ct = &f->ctrs[c];
			if (ct->used && ct->state == 1 && strcmp(ct->sandbox, id) == 0) {
				ct->state = 2;
				ct->exit_at = PL_NEVER;
				ct->exit_code = 137;
			}
		}
		s->running = false;
		return f->engine ? podlife_engine_notify_sandbox_lost(f->engine, s->token) : PODLIFE_OK;
	}
	return PODLIFE_ENOTFOUND;
}

int podlife_fake_lose_container(podlife_fake *f, const char *pod_namespace, const char *pod_name,
                                const char *container, int exit_code)
{
	if (!f || !pod_name || !container)
		return PODLIFE_EINVAL;
	const char *ns = pod_namespace && *pod_namespace ? pod_namespace : "default";
	for (size_t i = 0; i < f->n_ctrs; i++) {
		fk_ctr *c = &f->ctrs[i];
		if (!c->used || c->lost || c->state != 1 || strcmp(c->ns, ns) != 0 ||
		    strcmp(c->pod, pod_name) != 0 || strcmp(c->name, container) != 0)
			continue;
		/* no exit report: only container_list tells */
		c->state = 2;
		c->exit_at = PL_NEVER;
		c->exit_code = exit_code < 0 ? 137 : exit_code;
		c->exit_signal = 0;
		c->oom = false;
		c->finished = f->clock->now_ms(f->clock->ud);
		c->lost = exit_code < 0;
		return PODLIFE_OK;
	}
	return PODLIFE_ENOTFOUND;
}

/* ---- public ---------------------------------------------------------------------------- */

/* ---- probes --------------------------------------------------------------------- */

static fk_probe_script *probe_script_for(podlife_fake *f, const char *name, int kind)
{
	for (size_t i = 0; i < f->n_probe_scripts; i++)
		if (f->probe_scripts[i].kind == kind && strcmp(f->probe_scripts[i].name, name) == 0)
			return &f->probe_scripts[i];
	return NULL;
}

/* Every probe handler of the fake: the next scripted result of the
 * container instance (the script starts over for a new instance). */
static int fk_probe(void *ud, const podlife_probe_request *req, uint64_t token,
                    podlife_probe_result *res)
{
	podlife_fake *f = ud;
	PL_UNUSED(token);
	fk_probe_script *s = probe_script_for(f, req->container ? req->container : "", (int)req->kind);
	int r = FK_PROBE_OK;
	if (s) {
		const char *id = req->container_id ? req->container_id : "";
		if (strcmp(s->id, id) != 0) {
			snprintf(s->id, sizeof s->id, "%s", id);
			s->pos = 0;
		}
		r = s->results[s->pos < s->n ? s->pos : s->n - 1];
		if (s->pos < s->n)
			s->pos++;
	}
	switch (r) {
	case FK_PROBE_OK:
		res->outcome = PODLIFE_PROBE_SUCCESS;
		return PODLIFE_OK;
	case FK_PROBE_ERROR:
		snprintf(res->output, sizeof res->output, "fake probe error");
		return PODLIFE_EBACKEND;
	case FK_PROBE_TIMEOUT:
		return PODLIFE_PENDING; /* never answered: the engine's timeout */
	default:
		break;
	}
	res->outcome = PODLIFE_PROBE_FAILURE;
	switch (req->handler) {
	case PODLIFE_PROBE_HTTP_GET:
		snprintf(res->output, sizeof res->output, "HTTP probe failed with statuscode: 500");
		break;
	case PODLIFE_PROBE_TCP_SOCKET:
		snprintf(res->output, sizeof res->output, "dial tcp %s:%d: connect: connection refused",
		         req->host ? req->host : "", req->port);
		break;
	case PODLIFE_PROBE_GRPC:
		snprintf(res->output, sizeof res->output,
		         "service unhealthy (responded with \"NOT_SERVING\")");
		break;
	default:
		break; /* exec: the command printed nothing */
	}
	return PODLIFE_OK;
}

const podlife_probe_backend *podlife_fake_probes(podlife_fake *f)
{
	return f ? &f->pb : NULL;
}

static int probe_error(podlife_error **err, const char *what, const char *arg, const char *want)
{
	if (err)
		*err = pl_error_new(pl_alloc_default(), PODLIFE_EINVAL, "invalid %s \"%s\": %s", what, arg,
		                    want);
	return PODLIFE_EINVAL;
}

int podlife_fake_probe(podlife_fake *f, const char *container, podlife_probe_kind kind,
                       const char *results, podlife_error **err)
{
	if (err)
		*err = NULL;
	if (!f || !container || !results || (unsigned int)kind > PODLIFE_PROBE_STARTUP)
		return PODLIFE_EINVAL;
	size_t n = 1;
	for (const char *q = results; *q; q++)
		n += *q == ',';
	uint8_t *v = pl_malloc(&f->a, n);
	if (!v)
		return PODLIFE_ENOMEM;
	size_t k = 0;
	for (const char *q = results;;) {
		const char *end = strchr(q, ',');
		size_t len = end ? (size_t)(end - q) : strlen(q);
		static const char *const words[] = {"ok", "fail", "error", "timeout"};
		size_t w = 0;
		while (w < 4 && !(strlen(words[w]) == len && strncmp(words[w], q, len) == 0))
			w++;
		if (w == 4) {
			pl_free(&f->a, v);
			return probe_error(err, "probe results", results,
			                   "want ok, fail, error or timeout, separated by commas");
		}
		v[k++] = (uint8_t)w;
		if (!end)
			break;
		q = end + 1;
	}
	fk_probe_script *s = probe_script_for(f, container, (int)kind);
	if (!s) {
		fk_probe_script *nv =
		        pl_realloc(&f->a, f->probe_scripts, (f->n_probe_scripts + 1) * sizeof *nv);
		char *name = pl_strdup(&f->a, container);
		if (nv)
			f->probe_scripts = nv;
		if (!nv || !name) {
			pl_free(&f->a, name);
			pl_free(&f->a, v);
			return PODLIFE_ENOMEM;
		}
		s = &nv[f->n_probe_scripts++];
		memset(s, 0, sizeof *s);
		s->name = name;
		s->kind = (int)kind;
	}
	pl_free(&f->a, s->results);
	s->results = v;
	s->n = k;
	s->pos = 0;
	s->id[0] = '\0';
	return PODLIFE_OK;
}

int podlife_fake_probe_arg(podlife_fake *f, const char *arg, podlife_error **err)
{
	if (err)
		*err = NULL;
	if (!f || !arg)
		return PODLIFE_EINVAL;
	const char *eq = strchr(arg, '=');
	const char *dot = eq ? memrchr(arg, '.', (size_t)(eq - arg)) : NULL;
	if (!eq || !dot || dot == arg)
		return probe_error(err, "--probe", arg, "want NAME.KIND=RESULTS");
	char name[256];
	size_t len = (size_t)(dot - arg), kl = (size_t)(eq - dot - 1);
	if (len >= sizeof name)
		return probe_error(err, "--probe", arg, "container name too long");
	memcpy(name, arg, len);
	name[len] = 0;
	static const char *const kinds[] = {"liveness", "readiness", "startup"};
	size_t k = 0;
	while (k < 3 && !(strlen(kinds[k]) == kl && strncmp(kinds[k], dot + 1, kl) == 0))
		k++;
	if (k == 3)
		return probe_error(err, "--probe", arg, "KIND is liveness, readiness or startup");
	return podlife_fake_probe(f, name, (podlife_probe_kind)k, eq + 1, err);
}

int podlife_fake_new(const podlife_clock *clock, const podlife_allocator *allocator,
                     podlife_fake **out)
{
	if (!clock || !clock->now_ms || !out)
		return PODLIFE_EINVAL;
	pl_alloc a;
	int rc = pl_alloc_resolve(&a, allocator);
	if (rc)
		return rc;
	podlife_fake *f = pl_calloc(&a, 1, sizeof *f);
	if (!f)
		return PODLIFE_ENOMEM;
	f->a = a;
	f->clock = clock;
	f->http_status = 200;
	podlife_backend be = PODLIFE_BACKEND_INIT;
	be.ud = f;
	be.sandbox_run = fk_sandbox_run;
	be.sandbox_stop = fk_sandbox_stop;
	be.sandbox_remove = fk_sandbox_remove;
	be.image_status = fk_image_status;
	be.image_pull = fk_image_pull;
	be.container_create = fk_create;
	be.container_start = fk_start;
	be.container_stop = fk_stop;
	be.container_remove = fk_remove;
	be.exec_sync = fk_exec;
	be.http_get = fk_http;
	be.container_list = fk_list;
	be.container_adopt = fk_adopt;
	f->be = be;
	podlife_probe_backend pb = PODLIFE_PROBE_BACKEND_INIT;
	pb.ud = f;
	pb.http_get = fk_probe;
	pb.tcp_socket = fk_probe;
	pb.grpc = fk_probe;
	pb.exec = fk_probe;
	f->pb = pb;
	*out = f;
	return PODLIFE_OK;
}

void podlife_fake_free(podlife_fake *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n_ctrs; i++) {
		pl_free(&f->a, f->ctrs[i].ns);
		pl_free(&f->a, f->ctrs[i].pod);
		pl_free(&f->a, f->ctrs[i].name);
	}
	for (size_t i = 0; i < f->n_scripts; i++) {
		pl_free(&f->a, f->scripts[i].name);
		pl_free(&f->a, f->scripts[i].steps);
		pl_free(&f->a, f->scripts[i].start_msg);
	}
	for (size_t i = 0; i < f->cap_runs; i++)
		pl_free(&f->a, f->runs[i].key);
	for (size_t i = 0; i < f->n_images; i++)
		pl_free(&f->a, f->images[i].image);
	pl_free(&f->a, f->ctrs);
	pl_free(&f->a, f->free_ctrs);
	pl_free(&f->a, f->sbs);
	pl_free(&f->a, f->free_sbs);
	pl_free(&f->a, f->scripts);
	pl_free(&f->a, f->runs);
	pl_free(&f->a, f->images);
	pl_free(&f->a, f->heap);
	pl_free(&f->a, f->pulls);
	for (size_t i = 0; i < f->n_probe_scripts; i++) {
		pl_free(&f->a, f->probe_scripts[i].name);
		pl_free(&f->a, f->probe_scripts[i].results);
	}
	pl_free(&f->a, f->probe_scripts);
	pl_alloc a = f->a;
	pl_free(&a, f);
}

const podlife_backend *podlife_fake_backend(podlife_fake *f)
{
	return f ? &f->be : NULL;
}

void podlife_fake_attach(podlife_fake *f, podlife_engine *e)
{
	if (f)
		f->engine = e;
}

int podlife_fake_script(podlife_fake *f, const char *container, const podlife_fake_step *steps,
                        size_t n)
{
	if (!f || !container || (n && !steps) || n == 0)
		return PODLIFE_EINVAL;
	podlife_fake_step *copy = pl_malloc(&f->a, n * sizeof *copy);
	if (!copy)
		return PODLIFE_ENOMEM;
	memcpy(copy, steps, n * sizeof *copy);
	for (size_t i = 0; i < f->n_scripts; i++) {
		if (strcmp(f->scripts[i].name, container) == 0) {
			pl_free(&f->a, f->scripts[i].steps);
			f->scripts[i].steps = copy;
			f->scripts[i].n = n;
			return PODLIFE_OK;
		}
	}
	fk_script *v = pl_realloc(&f->a, f->scripts, (f->n_scripts + 1) * sizeof *v);
	char *name = pl_strdup(&f->a, container);
	if (!v || !name) {
		if (v)
			f->scripts = v;
		pl_free(&f->a, name);
		pl_free(&f->a, copy);
		return PODLIFE_ENOMEM;
	}
	f->scripts = v;
	memset(&v[f->n_scripts], 0, sizeof v[f->n_scripts]);
	v[f->n_scripts].name = name;
	v[f->n_scripts].steps = copy;
	v[f->n_scripts].n = n;
	f->n_scripts++;
	return PODLIFE_OK;
}

int podlife_fake_start_fail(podlife_fake *f, const char *container, unsigned int n,
                            const char *message)
{
	if (!f || !container)
		return PODLIFE_EINVAL;
	if (!script_for(f, container)) {
		podlife_fake_step run = {PODLIFE_FAKE_RUN, 0, 0};
		int rc = podlife_fake_script(f, container, &run, 1);
		if (rc)
			return rc;
	}
	fk_script *s = script_for(f, container);
	char *m = message ? pl_strdup(&f->a, message) : NULL;
	if (message && !m)
		return PODLIFE_ENOMEM;
	pl_free(&f->a, s->start_msg);
	s->start_msg = m;
	s->start_fail = n;
	return PODLIFE_OK;
}

int podlife_fake_behave(podlife_fake *f, const char *container, const char *steps,
                        podlife_error **err)
{
	if (err)
		*err = NULL;
	if (!f || !container || !steps)
		return PODLIFE_EINVAL;
	podlife_fake_step *v;
	size_t n;
	int rc = podlife_fake_steps_parse(steps, &v, &n, err);
	if (rc)
		return rc;
	rc = podlife_fake_script(f, container, v, n);
	free(v);
	return rc;
}

int podlife_fake_behave_arg(podlife_fake *f, const char *arg, podlife_error **err)
{
	if (err)
		*err = NULL;
	if (!f || !arg)
		return PODLIFE_EINVAL;
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg) {
		if (err)
			*err = pl_error_new(pl_alloc_default(), PODLIFE_EINVAL,
			                    "invalid --behave \"%s\": want NAME=STEP[,STEP...]", arg);
		return PODLIFE_EINVAL;
	}
	char name[256];
	size_t len = (size_t)(eq - arg);
	if (len >= sizeof name)
		return PODLIFE_EINVAL;
	memcpy(name, arg, len);
	name[len] = 0;
	return podlife_fake_behave(f, name, eq + 1, err);
}

int podlife_fake_image_missing(podlife_fake *f, const char *image)
{
	if (!f || !image)
		return PODLIFE_EINVAL;
	fk_image *im = image_get(f, image, true);
	if (!im)
		return PODLIFE_ENOMEM;
	im->missing = true;
	return PODLIFE_OK;
}

int podlife_fake_pull_fail(podlife_fake *f, const char *image, unsigned int n)
{
	if (!f || !image)
		return PODLIFE_EINVAL;
	fk_image *im = image_get(f, image, true);
	if (!im)
		return PODLIFE_ENOMEM;
	im->fail_left = n;
	return PODLIFE_OK;
}

void podlife_fake_fail_call(podlife_fake *f, unsigned long n)
{
	if (f)
		f->fail_nth = n;
}

unsigned long podlife_fake_calls(const podlife_fake *f)
{
	return f ? f->calls : 0;
}

void podlife_fake_hook_result(podlife_fake *f, int exec_exit_code, int http_status)
{
	if (f) {
		f->exec_exit = exec_exit_code;
		f->http_status = http_status;
	}
}

void podlife_fake_list_fails(podlife_fake *f, int fail)
{
	if (f)
		f->list_fails = fail;
}

void podlife_fake_get_stats(const podlife_fake *f, podlife_fake_stats *out)
{
	if (f && out)
		*out = f->stats;
}

int64_t podlife_fake_next_deadline(const podlife_fake *f)
{
	if (!f)
		return INT64_MAX;
	/* Stale entries are dropped lazily by advance; they only make the
	 * caller wake early. */
	int64_t d = f->n_heap ? f->heap[0].at : INT64_MAX;
	for (size_t i = 0; i < f->n_pulls; i++)
		if (f->pulls[i].at < d)
			d = f->pulls[i].at;
	return d;
}

void podlife_fake_pull_time(podlife_fake *f, int64_t ms)
{
	if (f)
		f->pull_ms = ms > 0 ? ms : 0;
}

/* Finishes the pulls due by now_ms, oldest first. */
static void pulls_advance(podlife_fake *f, int64_t now_ms)
{
	size_t i = 0;
	while (i < f->n_pulls) {
		if (f->pulls[i].at > now_ms) {
			i++;
			continue;
		}
		fk_pull p = f->pulls[i];
		memmove(&f->pulls[i], &f->pulls[i + 1], (f->n_pulls - i - 1) * sizeof(fk_pull));
		f->n_pulls--;
		podlife_result r;
		memset(&r, 0, sizeof r);
		fk_image *im = &f->images[p.image];
		int rc = pull_finish(f, im, im->image, &r);
		if (f->engine)
			podlife_engine_notify_pull(f->engine, p.token, rc, &r);
		i = 0; /* the engine may have started new pulls */
	}
}

int podlife_fake_advance(podlife_fake *f, int64_t now_ms)
{
	if (!f)
		return PODLIFE_EINVAL;
	pulls_advance(f, now_ms);
	while (f->n_heap && f->heap[0].at <= now_ms) {
		fk_exit x = f->heap[0];
		heap_pop(f);
		if (!exit_live(f, &x))
			continue;
		fk_ctr *c = &f->ctrs[x.idx];
		c->state = 2;
		c->finished = x.at;
		c->exit_at = PL_NEVER;
		if (f->engine) {
			podlife_exit ex = PODLIFE_EXIT_INIT;
			ex.exit_code = c->exit_code;
			ex.signal = c->exit_signal == 9 || c->oom ? c->exit_signal : 0;
			ex.oom = c->oom;
			ex.finished_at_ms = x.at;
			podlife_engine_notify_exited(f->engine, c->token, &ex);
		}
	}
	return PODLIFE_OK;
}

int podlife_fake_run(podlife_fake *f, podlife_engine *e, podlife_simclock *sc, int64_t until_ms,
                     podlife_fake_step_fn on_step, void *ud)
{
	if (!f || !e || !sc)
		return PODLIFE_EINVAL;
	for (;;) {
		int64_t now = podlife_simclock_now(sc);
		/* drop stale exits so the deadline is real */
		while (f->n_heap && !exit_live(f, &f->heap[0]))
			heap_pop(f);
		int64_t d1 = podlife_engine_next_deadline(e), d2 = podlife_fake_next_deadline(f);
		int64_t d = d1 < d2 ? d1 : d2;
		if (d < now)
			d = now;
		if (d > until_ms)
			d = until_ms;
		podlife_simclock_set(sc, d);
		podlife_fake_advance(f, d);
		podlife_engine_tick(e, d);
		if (on_step && on_step(ud, d))
			return PODLIFE_OK;
		if (d >= until_ms)
			return PODLIFE_OK;
	}
}
