/*
 * tests/docs/check_docs.c - keeps the documentation honest.
 *
 *  (a) every symbol exported by lib/libpodlife.map has a page
 *      doc/man/<symbol>.md, every page names an exported symbol, every page
 *      has the sections NAME .. SEE ALSO in order, its SYNOPSIS prototype is
 *      the header's declaration (whitespace aside) and doc/man/index.md
 *      links it;
 *  (b) every ```c block of doc/man/\*.md and doc/\*.md is a complete program:
 *      it is compiled with the project's compiler against include/ and
 *      linked with -lpodlife from the build tree (two compiles at a time);
 *  (c) a block whose first line is a comment "runs" (in slash-star form)
 *      is also run, in a scratch directory of its own, and must exit 0
 *      within 60 s.
 *
 * Blocks tagged "```c synopsis" are the prototypes checked in (a); a block
 * whose info string starts with "c" but is neither "c" nor "c synopsis" is
 * an error, so that no example escapes the compiler by a typo.
 *
 * Usage: check_docs MAP DOCDIR INCDIR LIBFILE WORKDIR [CFLAG...] -- CC...
 * Prints one line per checked item and "N passed, N failed"; exits 1 on
 * any failure.  POSIX (fork, exec, waitpid, opendir).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_JOBS 2
#define COMPILE_TIMEOUT 120
#define RUN_TIMEOUT 60

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

static int n_passed, n_failed;

static void result(int ok, const char *fmt, ...) PRINTF_LIKE(2, 3);
static char *xasprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);

static void result(int ok, const char *fmt, ...)
{
	va_list ap;
	printf("%s - ", ok ? "ok" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (ok)
		n_passed++;
	else
		n_failed++;
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p) {
		fprintf(stderr, "check_docs: out of memory\n");
		exit(2);
	}
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = xmalloc(n);
	memcpy(p, s, n);
	return p;
}

static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *p = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

/* Whole file as a NUL-terminated string, or NULL. */
static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 8192, len = 0;
	char *buf = xmalloc(cap);
	size_t n;
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len < 2) {
			cap *= 2;
			char *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
}

static int write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	int ok = fwrite(data, 1, len, f) == len;
	return (fclose(f) == 0 && ok) ? 0 : -1;
}

/* ---- string lists ---------------------------------------------------- */

struct strlist {
	char **v;
	size_t n, cap;
};

static void sl_push(struct strlist *l, char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		char **nv = realloc(l->v, l->cap * sizeof *nv);
		if (!nv) {
			fprintf(stderr, "check_docs: out of memory\n");
			exit(2);
		}
		l->v = nv;
	}
	l->v[l->n++] = s;
}

static int sl_has(const struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

static void sl_free(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of DIR ending in SUFFIX. */
static void list_dir(const char *dir, const char *suffix, struct strlist *out)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	size_t sl = strlen(suffix);
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);
		if (l > sl && strcmp(e->d_name + l - sl, suffix) == 0)
			sl_push(out, xstrdup(e->d_name));
	}
	closedir(d);
	qsort(out->v, out->n, sizeof *out->v, cmp_str);
}

/* ---- text helpers ----------------------------------------------------- */

/* Copy of s with C comments removed and every whitespace character dropped. */
static char *squeeze(const char *s)
{
	char *o = xmalloc(strlen(s) + 1), *p = o;
	while (*s) {
		if (s[0] == '/' && s[1] == '*') {
			const char *e = strstr(s + 2, "*/");
			s = e ? e + 2 : s + strlen(s);
		} else if (s[0] == '/' && s[1] == '/') {
			while (*s && *s != '\n')
				s++;
		} else if (isspace((unsigned char)*s)) {
			s++;
		} else {
			*p++ = *s++;
		}
	}
	*p = '\0';
	return o;
}

/* Removes every occurrence of word from s, in place. */
static void remove_word(char *s, const char *word)
{
	size_t wl = strlen(word);
	char *p;
	while ((p = strstr(s, word)) != NULL)
		memmove(p, p + wl, strlen(p + wl) + 1);
}

/* The exported names of the version script: "name;" lines in global:. */
static void read_map(const char *text, struct strlist *syms)
{
	char *t = squeeze(text);
	char *g = strstr(t, "global:");
	char *end = g ? strstr(g, "local:") : NULL;
	if (g && end) {
		*end = '\0';
		char *p = g + strlen("global:");
		char *semi;
		while ((semi = strchr(p, ';')) != NULL) {
			*semi = '\0';
			if (strncmp(p, "podlife_", 8) == 0)
				sl_push(syms, xstrdup(p));
			p = semi + 1;
		}
	}
	free(t);
}

/* ---- markdown --------------------------------------------------------- */

struct block {
	char *info;  /* info string after ``` */
	char *text;  /* body */
	unsigned int line; /* line of the opening fence */
};

struct blocks {
	struct block *v;
	size_t n, cap;
};

static void blocks_free(struct blocks *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->v[i].info);
		free(b->v[i].text);
	}
	free(b->v);
	b->v = NULL;
	b->n = b->cap = 0;
}

/* Fenced blocks of a markdown text.  Returns -1 for an unclosed fence. */
static int md_blocks(const char *md, struct blocks *out)
{
	const char *p = md;
	unsigned int line = 1;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t ll = eol ? (size_t)(eol - p) : strlen(p);
		if (ll >= 3 && strncmp(p, "```", 3) == 0) {
			struct block b;
			size_t il = ll - 3;
			while (il > 0 && isspace((unsigned char)p[3 + il - 1]))
				il--;
			b.info = xmalloc(il + 1);
			memcpy(b.info, p + 3, il);
			b.info[il] = '\0';
			b.line = line;
			const char *body = eol ? eol + 1 : p + ll;
			const char *q = body;
			const char *close = NULL;
			while (*q) {
				if (strncmp(q, "```", 3) == 0) {
					close = q;
					break;
				}
				const char *n = strchr(q, '\n');
				if (!n)
					break;
				q = n + 1;
			}
			if (!close) {
				free(b.info);
				return -1;
			}
			size_t bl = (size_t)(close - body);
			b.text = xmalloc(bl + 1);
			memcpy(b.text, body, bl);
			b.text[bl] = '\0';
			for (const char *c = p; c < close; c++)
				if (*c == '\n')
					line++;
			if (out->n == out->cap) {
				out->cap = out->cap ? out->cap * 2 : 16;
				struct block *nv = realloc(out->v, out->cap * sizeof *nv);
				if (!nv) {
					fprintf(stderr, "check_docs: out of memory\n");
					exit(2);
				}
				out->v = nv;
			}
			out->v[out->n++] = b;
			eol = strchr(close, '\n');
			if (!eol)
				break;
			line++;
			p = eol + 1;
			continue;
		}
		if (!eol)
			break;
		line++;
		p = eol + 1;
	}
	return 0;
}

/* Returns the position of "## NAME" at the start of a line, or NULL. */
static const char *find_heading(const char *md, const char *name)
{
	size_t nl = strlen(name);
	const char *p = md;
	while (p && *p) {
		if (strncmp(p, "## ", 3) == 0 && strncmp(p + 3, name, nl) == 0 &&
		    (p[3 + nl] == '\n' || p[3 + nl] == '\0'))
			return p;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

static const char *const sections[] = {
	"NAME", "SYNOPSIS", "DESCRIPTION", "EXAMPLE", "RETURN VALUE", "AVAILABILITY", "SEE ALSO",
};

/*
 * Checks one page: section order, synopsis against the headers, a
 * compiled example.  Returns a static reason or NULL.
 */
static const char *check_page(const char *sym, const char *md, const struct blocks *bl,
                              const char *headers_sq)
{
	const char *prev = md;
	for (size_t i = 0; i < sizeof sections / sizeof *sections; i++) {
		const char *h = find_heading(prev, sections[i]);
		if (!h)
			return "missing section or sections out of order";
		prev = h + 1;
	}
	const char *avail = find_heading(md, "AVAILABILITY");
	const char *see = find_heading(md, "SEE ALSO");
	const char *added = strstr(avail, "Added in ");
	if (!added || added > see)
		return "AVAILABILITY does not say \"Added in <version>\"";
	char *title = xasprintf("# %s\n", sym);
	int titled = strncmp(md, title, strlen(title)) == 0;
	free(title);
	if (!titled)
		return "first line is not \"# <symbol>\"";

	const char *syn = find_heading(md, "SYNOPSIS");
	const char *desc = find_heading(md, "DESCRIPTION");
	const char *ex = find_heading(md, "EXAMPLE");
	const char *rv = find_heading(md, "RETURN VALUE");
	int have_syn = 0, have_ex = 0;
	const char *reason = NULL;
	const char *p = md;
	size_t bi = 0;
	/* Walk the blocks in order, finding each fence's offset in md. */
	for (; bi < bl->n && !reason; bi++) {
		const struct block *b = &bl->v[bi];
		char *fence = xasprintf("```%s\n", b->info);
		const char *at = strstr(p, fence);
		free(fence);
		if (!at)
			at = p;
		p = at + 3;
		if (strcmp(b->info, "c synopsis") == 0) {
			if (at < syn || at > desc) {
				reason = "synopsis block outside SYNOPSIS";
				break;
			}
			char *sq = squeeze(b->text);
			char *call = xasprintf("%s(", sym);
			char *decl = NULL;
			/* The header the synopsis includes, as "@@name.h@@" marks it. */
			char *hmark = NULL;
			const char *inc0 = strstr(sq, "#include<podlife/");
			if (inc0) {
				const char *hn = inc0 + strlen("#include<podlife/");
				size_t hl = strcspn(hn, ">");
				hmark = xasprintf("@@%.*s@@", (int)hl, hn);
			}
			for (char *s = sq; *s && !decl;) {
				char *semi = strchr(s, ';');
				if (semi)
					*semi = '\0';
				char *inc;
				while ((inc = strstr(s, "#include<")) != NULL) {
					char *gt = strchr(inc, '>');
					if (!gt)
						break;
					memmove(inc, gt + 1, strlen(gt + 1) + 1);
				}
				if (strstr(s, call))
					decl = xasprintf("%s;", s);
				if (!semi)
					break;
				s = semi + 1;
			}
			const char *hdr = hmark ? strstr(headers_sq, hmark) : NULL;
			char *seg = NULL;
			if (hdr) {
				hdr += strlen(hmark);
				const char *end = strstr(hdr, "@@");
				size_t sl = end ? (size_t)(end - hdr) : strlen(hdr);
				seg = xmalloc(sl + 1);
				memcpy(seg, hdr, sl);
				seg[sl] = '\0';
			}
			if (!decl)
				reason = "SYNOPSIS does not declare the function";
			else if (!seg)
				reason = "SYNOPSIS does not include an existing <podlife/...> header";
			else if (!strstr(seg, decl))
				reason = "SYNOPSIS prototype differs from the included header";
			else
				have_syn = 1;
			free(seg);
			free(hmark);
			free(decl);
			free(call);
			free(sq);
		} else if (strcmp(b->info, "c") == 0 && at > ex && at < rv) {
			have_ex = 1;
		}
	}
	if (reason)
		return reason;
	if (!have_syn)
		return "no ```c synopsis block";
	if (!have_ex)
		return "no ```c example in EXAMPLE";
	return NULL;
}

/* ---- jobs: compile, then maybe run ------------------------------------ */

struct job {
	char *label;   /* "doc/man/x.md:12" */
	char *src;     /* work/x-12.c */
	char *exe;     /* work/x-12 */
	char *log;     /* work/x-12.log */
	char *cwd;     /* work/x-12.d: the example runs there, alone */
	int runnable;
	int stage;     /* 0 queued, 1 compiling, 2 running, 3 done */
	pid_t pid;
	int ok_compile, ok_run;
};

static char **cc_argv;     /* compiler command words */
static size_t cc_argc;
static char **cflags;      /* extra flags from meson */
static size_t n_cflags;
static const char *inc_dir, *lib_dir, *work_dir;

static pid_t spawn(char *const argv[], const char *log, const char *cwd, unsigned int timeout)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		if (cwd && chdir(cwd) != 0)
			_exit(126);
		alarm(timeout);
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static void start_compile(struct job *j)
{
	size_t n = 0;
	char **argv = xmalloc((cc_argc + n_cflags + 20) * sizeof *argv);
	for (size_t i = 0; i < cc_argc; i++)
		argv[n++] = cc_argv[i];
	argv[n++] = "-std=c11";
	argv[n++] = "-Wall";
	argv[n++] = "-Wextra";
	argv[n++] = "-Wpedantic";
	argv[n++] = "-Werror";
	for (size_t i = 0; i < n_cflags; i++)
		argv[n++] = cflags[i];
	char *incf = xasprintf("-I%s", inc_dir);
	char *libf = xasprintf("-L%s", lib_dir);
	char *rpath = xasprintf("-Wl,-rpath,%s", lib_dir);
	argv[n++] = incf;
	argv[n++] = "-o";
	argv[n++] = j->exe;
	argv[n++] = j->src;
	argv[n++] = libf;
	argv[n++] = "-lpodlife";
	argv[n++] = rpath;
	argv[n] = NULL;
	j->pid = spawn(argv, j->log, NULL, COMPILE_TIMEOUT);
	j->stage = j->pid > 0 ? 1 : 3;
	free(incf);
	free(libf);
	free(rpath);
	free(argv);
}

static void start_run(struct job *j)
{
	char *argv[] = {j->exe, NULL};
	mkdir(j->cwd, 0755);
	j->pid = spawn(argv, j->log, j->cwd, RUN_TIMEOUT);
	j->stage = j->pid > 0 ? 2 : 3;
}

static void run_jobs(struct job *jobs, size_t n)
{
	size_t next = 0, active = 0;
	while (next < n || active > 0) {
		while (active < MAX_JOBS && next < n) {
			start_compile(&jobs[next++]);
			if (jobs[next - 1].stage == 1)
				active++;
		}
		if (active == 0)
			continue;
		int status;
		pid_t pid = waitpid(-1, &status, 0);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		int ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
		for (size_t i = 0; i < n; i++) {
			struct job *j = &jobs[i];
			if (j->pid != pid || (j->stage != 1 && j->stage != 2))
				continue;
			if (j->stage == 1) {
				j->ok_compile = ok;
				if (ok && j->runnable) {
					start_run(j);
					if (j->stage == 2)
						break;
				}
				j->stage = 3;
			} else {
				j->ok_run = ok;
				if (!ok) {
					FILE *f = fopen(j->log, "a");
					if (f) {
						if (WIFSIGNALED(status))
							fprintf(f, "killed by signal %d\n",
							        WTERMSIG(status));
						else
							fprintf(f, "exit status %d\n",
							        WEXITSTATUS(status));
						fclose(f);
					}
				}
				j->stage = 3;
			}
			active--;
			break;
		}
	}
}

static void print_log(const char *path)
{
	char *t = read_file(path);
	if (!t)
		return;
	size_t n = 0;
	for (const char *p = t; *p && n < 40; n++) {
		const char *e = strchr(p, '\n');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		printf("    %.*s\n", (int)l, p);
		p = e ? e + 1 : p + l;
	}
	free(t);
}

/* Relative links "](x.md)" / "](../x.md#anchor)" of md that name no file. */
static int broken_links(const char *dir, const char *md, char *first, size_t first_len)
{
	int bad = 0;
	for (const char *p = strstr(md, "]("); p; p = strstr(p + 2, "](")) {
		const char *t = p + 2;
		size_t n = strcspn(t, ")# \n");
		if (n == 0 || t[n] == ' ' || t[n] == '\n' || strncmp(t, "http", 4) == 0)
			continue;
		char *path = xasprintf("%s/%.*s", dir, (int)n, t);
		if (access(path, R_OK) != 0) {
			if (!bad)
				snprintf(first, first_len, "%.*s", (int)n, t);
			bad++;
		}
		free(path);
	}
	return bad;
}

/* ---- main ------------------------------------------------------------- */

int main(int argc, char **argv)
{
	int sep = 0;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			sep = i;
			break;
		}
	if (sep < 6 || sep + 1 >= argc) {
		fprintf(stderr, "usage: check_docs MAP DOCDIR INCDIR LIBFILE WORKDIR "
		                "[CFLAG...] -- CC...\n");
		return 2;
	}
	const char *map_path = argv[1], *doc_dir = argv[2];
	inc_dir = argv[3];
	const char *lib_file = argv[4];
	work_dir = argv[5];
	cflags = argv + 6;
	n_cflags = (size_t)(sep - 6);
	cc_argv = argv + sep + 1;
	cc_argc = (size_t)(argc - sep - 1);
	/* Absolute, so that the rpath also works from the scratch directory. */
	char *lib_dir_s = realpath(lib_file, NULL);
	if (!lib_dir_s) {
		fprintf(stderr, "check_docs: %s: %s\n", lib_file, strerror(errno));
		return 2;
	}
	char *slash = strrchr(lib_dir_s, '/');
	if (slash)
		*slash = '\0';
	lib_dir = lib_dir_s;
	mkdir(work_dir, 0755);
	char *work_abs = realpath(work_dir, NULL);
	if (!work_abs) {
		fprintf(stderr, "check_docs: %s: %s\n", work_dir, strerror(errno));
		return 2;
	}
	work_dir = work_abs;

	/* Exported symbols. */
	struct strlist syms = {0};
	char *map = read_file(map_path);
	if (map)
		read_map(map, &syms);
	free(map);
	result(syms.n > 0, "%zu symbols exported by %s", syms.n, map_path);

	/* Every public header, squeezed, for the synopsis check. */
	char *hdir = xasprintf("%s/podlife", inc_dir);
	struct strlist hdrs = {0};
	list_dir(hdir, ".h", &hdrs);
	size_t hcap = 1;
	char *headers = xmalloc(1);
	headers[0] = '\0';
	for (size_t i = 0; i < hdrs.n; i++) {
		char *hp = xasprintf("%s/%s", hdir, hdrs.v[i]);
		char *t = read_file(hp);
		free(hp);
		if (!t)
			continue;
		char *sq = squeeze(t);
		free(t);
		remove_word(sq, "PODLIFE_EXTERN");
		char *mark = xasprintf("@@%s@@", hdrs.v[i]);
		hcap += strlen(sq) + strlen(mark);
		char *nh = realloc(headers, hcap);
		if (!nh) {
			fprintf(stderr, "check_docs: out of memory\n");
			return 2;
		}
		headers = nh;
		strcat(headers, mark);
		strcat(headers, sq);
		free(mark);
		free(sq);
	}
	sl_free(&hdrs);
	free(hdir);

	char *man_dir = xasprintf("%s/man", doc_dir);
	char *index_path = xasprintf("%s/index.md", man_dir);
	char *index = read_file(index_path);
	result(index != NULL, "%s exists", index_path);

	/* (a) symbols -> pages */
	for (size_t i = 0; i < syms.n; i++) {
		char *page = xasprintf("%s/%s.md", man_dir, syms.v[i]);
		char *link = xasprintf("(%s.md)", syms.v[i]);
		int exists = access(page, R_OK) == 0;
		int linked = index && strstr(index, link);
		if (!exists)
			result(0, "page for %s: %s missing", syms.v[i], page);
		else if (!linked)
			result(0, "page for %s: not linked from index.md", syms.v[i]);
		else
			result(1, "page for %s", syms.v[i]);
		free(page);
		free(link);
	}

	/* Markdown files: the man pages, then the guides. */
	struct strlist files = {0};
	struct strlist pages = {0};
	list_dir(man_dir, ".md", &pages);
	for (size_t i = 0; i < pages.n; i++)
		sl_push(&files, xasprintf("%s/%s", man_dir, pages.v[i]));
	struct strlist guides = {0};
	list_dir(doc_dir, ".md", &guides);
	for (size_t i = 0; i < guides.n; i++)
		sl_push(&files, xasprintf("%s/%s", doc_dir, guides.v[i]));
	sl_free(&guides);

	struct job *jobs = NULL;
	size_t n_jobs = 0, jobs_cap = 0;
	for (size_t fi = 0; fi < files.n; fi++) {
		const char *path = files.v[fi];
		const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		int is_page = fi < pages.n && strcmp(base, "index.md") != 0;
		char *md = read_file(path);
		if (!md) {
			result(0, "%s: cannot read", path);
			continue;
		}
		struct blocks bl = {0};
		if (md_blocks(md, &bl) != 0) {
			result(0, "%s: unclosed code fence", path);
			free(md);
			blocks_free(&bl);
			continue;
		}
		char *stem = xstrdup(base);
		stem[strlen(stem) - 3] = '\0';
		{
			char *fdir = xstrdup(path), first[256] = "";
			*strrchr(fdir, '/') = '\0';
			int bad = broken_links(fdir, md, first, sizeof first);
			if (bad)
				result(0, "%s: %d broken link(s), first: %s", path, bad, first);
			else
				result(1, "%s: links resolve", path);
			free(fdir);
		}
		if (is_page) {
			/* (a) pages -> symbols, and the page's shape */
			if (!sl_has(&syms, stem)) {
				result(0, "%s: names no exported symbol", path);
			} else {
				const char *why = check_page(stem, md, &bl, headers);
				if (why)
					result(0, "%s: %s", path, why);
				else
					result(1, "%s: sections and synopsis", path);
			}
		}
		for (size_t bi = 0; bi < bl.n; bi++) {
			const struct block *b = &bl.v[bi];
			if (b->info[0] != 'c' || (b->info[1] != '\0' && b->info[1] != ' '))
				continue;
			if (strcmp(b->info, "c synopsis") == 0)
				continue;
			if (strcmp(b->info, "c") != 0) {
				result(0, "%s:%u: unknown block tag \"%s\"", path, b->line, b->info);
				continue;
			}
			if (n_jobs == jobs_cap) {
				jobs_cap = jobs_cap ? jobs_cap * 2 : 64;
				struct job *nj = realloc(jobs, jobs_cap * sizeof *nj);
				if (!nj) {
					fprintf(stderr, "check_docs: out of memory\n");
					return 2;
				}
				jobs = nj;
			}
			struct job *j = &jobs[n_jobs++];
			memset(j, 0, sizeof *j);
			j->label = xasprintf("%s:%u", path, b->line);
			j->src = xasprintf("%s/%s-%u.c", work_dir, stem, b->line);
			j->exe = xasprintf("%s/%s-%u", work_dir, stem, b->line);
			j->log = xasprintf("%s/%s-%u.log", work_dir, stem, b->line);
			j->cwd = xasprintf("%s/%s-%u.d", work_dir, stem, b->line);
			j->runnable = strncmp(b->text, "/* runs */", 10) == 0;
			unlink(j->log);
			unlink(j->exe);
			if (write_file(j->src, b->text, strlen(b->text)) != 0) {
				j->stage = 3;
				j->pid = -1;
			}
		}
		free(stem);
		blocks_free(&bl);
		free(md);
	}

	/* (b), (c) */
	size_t todo = 0;
	for (size_t i = 0; i < n_jobs; i++)
		if (jobs[i].stage == 0)
			jobs[todo++] = jobs[i];
		else {
			result(0, "%s: cannot write %s", jobs[i].label, jobs[i].src);
			free(jobs[i].label);
			free(jobs[i].src);
			free(jobs[i].exe);
			free(jobs[i].log);
			free(jobs[i].cwd);
		}
	run_jobs(jobs, todo);
	size_t n_run = 0;
	for (size_t i = 0; i < todo; i++) {
		struct job *j = &jobs[i];
		if (!j->ok_compile) {
			result(0, "%s: example does not compile (%s)", j->label, j->src);
			print_log(j->log);
		} else if (!j->runnable) {
			result(1, "%s: example compiles", j->label);
		} else if (!j->ok_run) {
			result(0, "%s: example compiles but its run failed", j->label);
			print_log(j->log);
		} else {
			result(1, "%s: example compiles and runs", j->label);
			n_run++;
		}
		free(j->label);
		free(j->src);
		free(j->exe);
		free(j->log);
		free(j->cwd);
	}
	result(todo > 0, "%zu examples compiled, %zu of them run", todo, n_run);

	free(jobs);
	sl_free(&files);
	sl_free(&pages);
	sl_free(&syms);
	free(index);
	free(index_path);
	free(man_dir);
	free(headers);
	free(lib_dir_s);
	free(work_abs);
	printf("%d passed, %d failed\n", n_passed, n_failed);
	return n_failed ? 1 : 0;
}
