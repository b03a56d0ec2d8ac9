/*
 * examples/runtime/logs.c - CRI log files and the small file helpers the
 * runtime's files share: one line per output line in the CRI format
 * ("<RFC3339Nano> <stream> <F|P> <text>"), the log path of a container
 * attempt, directories made with their parents, files replaced
 * atomically (temporary file + rename) and trees removed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "rt_int.h"

int64_t rt_unix_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Go's time.RFC3339Nano in UTC: trailing zeros of the fraction dropped. */
static size_t rfc3339nano(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	if (ts.tv_nsec && n + 12 < len) {
		int w = snprintf(buf + n, len - n, ".%09ld", ts.tv_nsec);
		n += (size_t)w;
		while (buf[n - 1] == '0')
			n--;
	}
	if (n + 2 < len) {
		buf[n++] = 'Z';
		buf[n] = 0;
	}
	return n;
}

int rt_log_line(int fd, const char *stream, const char *text, size_t len, int partial)
{
	char head[96];
	size_t n = rfc3339nano(head, sizeof head - 40);
	n += (size_t)snprintf(head + n, sizeof head - n, " %s %c ", stream, partial ? 'P' : 'F');
	struct iovec iov[3] = {{head, n}, {(void *)(uintptr_t)text, len}, {(void *)(uintptr_t)"\n", 1}};
	size_t want = n + len + 1;
	ssize_t w;
	do
		w = writev(fd, iov, 3);
	while (w < 0 && errno == EINTR);
	return w == (ssize_t)want ? 0 : -1;
}

int rt_log_path(const char *state_dir, const char *ns, const char *pod, const char *container,
                unsigned int attempt, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/logs/%s_%s/%s/%u.log", state_dir, ns && *ns ? ns : "default",
	                 pod, container, attempt);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int rt_pathf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int rt_mkdir_p(const char *path, mode_t mode)
{
	char tmp[PATH_MAX];
	if (snprintf(tmp, sizeof tmp, "%s", path) >= (int)sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(tmp, mode) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(tmp, mode) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

int rt_write_file(const char *path, const char *data, size_t len)
{
	char tmp[PATH_MAX];
	if (snprintf(tmp, sizeof tmp, "%s.tmpXXXXXX", path) >= (int)sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/* a name of its own: threads (the pull thread) may write the same path */
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int e = errno;
			close(fd);
			unlink(tmp);
			errno = e;
			return -1;
		}
		off += (size_t)w;
	}
	fchmod(fd, 0644);
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		errno = e;
		return -1;
	}
	return 0;
}

char *rt_read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);
	while (buf) {
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			buf = NULL;
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == cap) {
			if (cap >= ((size_t)16 << 20)) {
				free(buf);
				buf = NULL;
				break;
			}
			char *nb = realloc(buf, cap * 2 + 1);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	close(fd);
	if (buf) {
		buf[n] = 0;
		if (len)
			*len = n;
	}
	return buf;
}

static int rm_rf_at(int dfd, const char *name)
{
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOTDIR || errno == ELOOP)
			return unlinkat(dfd, name, 0) == 0 || errno == ENOENT ? 0 : -1;
		return errno == ENOENT ? 0 : -1;
	}
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	int rc = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (de->d_type == DT_DIR || de->d_type == DT_UNKNOWN) {
			if (rm_rf_at(fd, de->d_name) != 0)
				rc = -1;
		} else if (unlinkat(fd, de->d_name, 0) != 0 && errno != ENOENT) {
			rc = -1;
		}
	}
	closedir(d);
	if (unlinkat(dfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
		rc = -1;
	return rc;
}

int rt_rm_rf(const char *path)
{
	return rm_rf_at(AT_FDCWD, path);
}
