/*
 * examples/runtime/unpack.c - the image store's content checks and layer
 * unpacker: a compact SHA-256 (FIPS 180-4) for blob digests, and the
 * application of a layer tarball (plain or gzip) onto a root filesystem
 * with libarchive, OCI whiteouts included, refusing every path that
 * would land outside the root filesystem.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <ftw.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_int.h"

/* ---- SHA-256 ------------------------------------------------------------------------ */

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(uint32_t h[8], const uint8_t *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, hh;
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = hh + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] +
		              w[i];
		uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		hh = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
	}
	h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
}

void st_sha256_init(st_sha256 *c)
{
	static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	                               0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
	memcpy(c->h, iv, sizeof iv);
	c->len = 0;
	c->n = 0;
}

void st_sha256_update(st_sha256 *c, const void *data, size_t len)
{
	const uint8_t *p = data;
	c->len += len;
	if (c->n) {
		size_t take = 64 - c->n < len ? 64 - c->n : len;
		memcpy(c->buf + c->n, p, take);
		c->n += take, p += take, len -= take;
		if (c->n < 64)
			return;
		sha256_block(c->h, c->buf);
		c->n = 0;
	}
	for (; len >= 64; p += 64, len -= 64)
		sha256_block(c->h, p);
	memcpy(c->buf, p, len);
	c->n = len;
}

void st_sha256_hex(st_sha256 *c, char out[65])
{
	uint64_t bits = c->len * 8;
	uint8_t pad[72] = {0x80};
	size_t padlen = (c->n < 56 ? 56 : 120) - c->n;
	for (int i = 0; i < 8; i++)
		pad[padlen + i] = (uint8_t)(bits >> (56 - 8 * i));
	st_sha256_update(c, pad, padlen + 8);
	for (int i = 0; i < 8; i++)
		snprintf(out + 8 * i, 9, "%08" PRIx32, c->h[i]);
}

void st_sha256_digest(const void *data, size_t len, char out[72])
{
	st_sha256 c;
	char hex[65];
	st_sha256_init(&c);
	st_sha256_update(&c, data, len);
	st_sha256_hex(&c, hex);
	snprintf(out, 72, "sha256:%s", hex);
}

int st_digest_valid(const char *d)
{
	if (!d || strncmp(d, "sha256:", 7) != 0 || strlen(d) != 71)
		return 0;
	for (const char *p = d + 7; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return 0;
	return 1;
}

int st_verify_file(const char *path, const char *digest, int64_t size, char *err, size_t len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, len, "open %s: %s", path, strerror(errno));
		return -1;
	}
	st_sha256 c;
	char buf[65536], hex[65], got[72];
	size_t n;
	st_sha256_init(&c);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		st_sha256_update(&c, buf, n);
	int rerr = ferror(f);
	fclose(f);
	if (rerr) {
		snprintf(err, len, "read %s: I/O error", path);
		return -1;
	}
	if (size >= 0 && c.len != (uint64_t)size) {
		snprintf(err, len, "\"%s\" failed size validation: %" PRIu64 " != %" PRId64, digest,
		         c.len, size);
		return -1;
	}
	st_sha256_hex(&c, hex);
	snprintf(got, sizeof got, "sha256:%s", hex);
	if (strcmp(got, digest) != 0) {
		snprintf(err, len, "unexpected commit digest %s, expected %s: failed precondition", got,
		         digest);
		return -1;
	}
	return 0;
}

/* ---- removing trees ----------------------------------------------------------------- */

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)ftw;
	if (flag == FTW_DP)
		return rmdir(p) == 0 || errno == ENOENT ? 0 : -1;
	return unlink(p) == 0 || errno == ENOENT ? 0 : -1;
}

/* Directories a layer made read-only would stop a non-root removal. */
static int chmod_dir(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)ftw;
	if (flag == FTW_D || flag == FTW_DNR)
		chmod(p, (st->st_mode & 07777) | S_IRWXU);
	return 0;
}

int st_rm_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	if (geteuid() != 0)
		nftw(path, chmod_dir, 64, FTW_PHYS);
	return nftw(path, rm_one, 64, FTW_DEPTH | FTW_PHYS);
}

/* ---- layers ------------------------------------------------------------------------- */

/*
 * The entry's path made relative and clean: "./a//b/" -> "a/b"; "" for
 * the root itself.  -1 for absolute paths and ".." components.
 */
static int clean_path(const char *in, char *out, size_t len)
{
	size_t o = 0;
	if (!in || in[0] == '/')
		return -1;
	const char *p = in;
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n == 1 && p[0] == '.') {
			p += n;
			continue;
		}
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return -1;
		if (o + n + 2 > len)
			return -1;
		if (o)
			out[o++] = '/';
		memcpy(out + o, p, n);
		o += n;
		p += n;
	}
	out[o] = 0;
	return 0;
}

/* 0 when every directory on the way to rel (excluded) inside root is a
 * real directory (or missing), -1 when one is a symlink or a file. */
static int parents_safe(const char *root, const char *rel)
{
	char path[PATH_MAX];
	size_t rl = strlen(root);
	if (rl + 1 + strlen(rel) + 1 > sizeof path)
		return -1;
	memcpy(path, root, rl);
	path[rl] = '/';
	strcpy(path + rl + 1, rel);
	for (char *s = path + rl + 1; (s = strchr(s, '/')) != NULL; s++) {
		struct stat st;
		*s = 0;
		int r = lstat(path, &st);
		*s = '/';
		if (r != 0)
			return errno == ENOENT ? 0 : -1;
		if (!S_ISDIR(st.st_mode))
			return -1;
	}
	return 0;
}

static int open_layer(struct archive **out, const char *layer, char *err, size_t len)
{
	struct archive *a = archive_read_new();
	if (!a) {
		snprintf(err, len, "out of memory");
		return -1;
	}
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_none(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	if (archive_read_open_filename(a, layer, 65536) != ARCHIVE_OK) {
		snprintf(err, len, "open layer: %s", archive_error_string(a));
		archive_read_free(a);
		return -1;
	}
	*out = a;
	return 0;
}

/* Pass 1: the layer's whiteouts, applied to what the lower layers left. */
static int apply_whiteouts(const char *root, const char *layer, char *err, size_t len)
{
	struct archive *a;
	struct archive_entry *e;
	char rel[PATH_MAX], path[2 * PATH_MAX + 8];
	int r, rc = 0;
	if (open_layer(&a, layer, err, len))
		return -1;
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		if (clean_path(name, rel, sizeof rel)) {
			snprintf(err, len, "layer entry \"%s\" escapes the root filesystem",
			         name ? name : "");
			rc = -1;
			break;
		}
		char *base = strrchr(rel, '/');
		base = base ? base + 1 : rel;
		if (strncmp(base, ".wh.", 4) != 0)
			continue;
		if (parents_safe(root, rel)) {
			snprintf(err, len, "whiteout \"%s\" is under a symbolic link or a file", rel);
			rc = -1;
			break;
		}
		const char *target = base + 4;
		if (!strcmp(target, ".wh..opq")) {
			/* opaque: empty the directory (it stays) */
			*base = 0;
			snprintf(path, sizeof path, "%s/%s", root, rel);
			struct stat st;
			if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
				DIR *d = opendir(path);
				struct dirent *de;
				char child[2 * PATH_MAX + 8 + 260];
				while (d && (de = readdir(d)) != NULL) {
					if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
						continue;
					snprintf(child, sizeof child, "%s/%s", path, de->d_name);
					st_rm_tree(child);
				}
				if (d)
					closedir(d);
			}
			continue;
		}
		if (!*target || !strcmp(target, ".") || !strcmp(target, "..")) {
			snprintf(err, len, "invalid whiteout \"%s\"", rel);
			rc = -1;
			break;
		}
		snprintf(path, sizeof path, "%s/%.*s%s", root, (int)(base - rel), rel, target);
		if (st_rm_tree(path) != 0) {
			snprintf(err, len, "whiteout \"%s\": %s", rel, strerror(errno));
			rc = -1;
			break;
		}
	}
	if (!rc && r != ARCHIVE_EOF) {
		snprintf(err, len, "read layer: %s", archive_error_string(a));
		rc = -1;
	}
	archive_read_free(a);
	return rc;
}

int st_unpack_layer(const char *rootfs, const char *layer, char *err, size_t len)
{
	char root[PATH_MAX], rel[PATH_MAX], full[PATH_MAX];
	struct archive *a, *w;
	struct archive_entry *e;
	int r, rc = 0, is_root = geteuid() == 0;
	if (!realpath(rootfs, root)) {
		snprintf(err, len, "root filesystem %s: %s", rootfs, strerror(errno));
		return -1;
	}
	if (apply_whiteouts(root, layer, err, len))
		return -1;
	if (open_layer(&a, layer, err, len))
		return -1;
	w = archive_write_disk_new();
	if (!w) {
		archive_read_free(a);
		snprintf(err, len, "out of memory");
		return -1;
	}
	int flags = ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_UNLINK |
	            ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
	            ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS;
	/* absolute paths are refused above; the check would refuse our prefix */
	flags &= ~ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS;
	if (is_root)
		flags |= ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_XATTR;
	archive_write_disk_set_options(w, flags);
	if (is_root)
		archive_write_disk_set_standard_lookup(w);
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		if (clean_path(name, rel, sizeof rel)) {
			snprintf(err, len, "layer entry \"%s\" escapes the root filesystem",
			         name ? name : "");
			rc = -1;
			break;
		}
		if (!rel[0])
			continue; /* the root directory itself */
		const char *base = strrchr(rel, '/');
		base = base ? base + 1 : rel;
		if (!strncmp(base, ".wh.", 4))
			continue; /* applied in pass 1 */
		mode_t type = archive_entry_filetype(e);
		if ((type == AE_IFCHR || type == AE_IFBLK) && !is_root)
			continue;
		if (parents_safe(root, rel)) {
			snprintf(err, len, "layer entry \"%s\" would be written through a symbolic link",
			         rel);
			rc = -1;
			break;
		}
		if (snprintf(full, sizeof full, "%s/%s", root, rel) >= (int)sizeof full) {
			snprintf(err, len, "layer entry path too long");
			rc = -1;
			break;
		}
		archive_entry_set_pathname(e, full);
		const char *hl = archive_entry_hardlink(e);
		if (hl) {
			char hrel[PATH_MAX], hfull[PATH_MAX];
			if (clean_path(hl, hrel, sizeof hrel) || !hrel[0] || parents_safe(root, hrel)) {
				snprintf(err, len, "hard link \"%s\" escapes the root filesystem", rel);
				rc = -1;
				break;
			}
			struct stat st;
			if (snprintf(hfull, sizeof hfull, "%s/%s", root, hrel) >= (int)sizeof hfull ||
			    (lstat(hfull, &st) == 0 && S_ISDIR(st.st_mode))) {
				snprintf(err, len, "hard link \"%s\" to a directory", rel);
				rc = -1;
				break;
			}
			archive_entry_set_hardlink(e, hfull);
		}
		r = archive_write_header(w, e);
		if (r < ARCHIVE_WARN) {
			snprintf(err, len, "extract \"%s\": %s", rel, archive_error_string(w));
			rc = -1;
			break;
		}
		if (archive_entry_size(e) > 0 && r >= ARCHIVE_WARN) {
			const void *buf;
			size_t n;
			int64_t off;
			while ((r = archive_read_data_block(a, &buf, &n, &off)) == ARCHIVE_OK) {
				if (archive_write_data_block(w, buf, n, off) < ARCHIVE_WARN) {
					r = ARCHIVE_FATAL;
					snprintf(err, len, "extract \"%s\": %s", rel,
					         archive_error_string(w));
					break;
				}
			}
			if (r != ARCHIVE_EOF) {
				if (r != ARCHIVE_FATAL || !err[0])
					snprintf(err, len, "read layer: %s", archive_error_string(a));
				rc = -1;
				break;
			}
		}
		if (archive_write_finish_entry(w) < ARCHIVE_WARN) {
			snprintf(err, len, "extract \"%s\": %s", rel, archive_error_string(w));
			rc = -1;
			break;
		}
	}
	if (!rc && r != ARCHIVE_EOF) {
		snprintf(err, len, "read layer: %s", archive_error_string(a));
		rc = -1;
	}
	/* close applies the deferred directory modes and times */
	if (archive_write_close(w) != ARCHIVE_OK && !rc) {
		snprintf(err, len, "extract: %s", archive_error_string(w));
		rc = -1;
	}
	archive_write_free(w);
	archive_read_free(a);
	return rc;
}
