/*
 * podlife/common.h - versions, error codes, error objects, allocator hooks.
 *
 * Conventions used by every libpodlife header:
 *
 *  - Functions return an int: PODLIFE_OK (0) on success, a negative
 *    PODLIFE_E* code on failure.  Results go through out-parameters, which
 *    are left untouched on failure.
 *  - Objects are opaque handles created by a *_new or *_parse function and
 *    released by the matching *_free (or *_release for reference-counted
 *    objects).  Passing NULL to a *_free / *_release function is a no-op.
 *  - "Borrowed" pointers returned by getters stay valid as long as the
 *    object they were read from; the caller must not free them.  "Owned"
 *    pointers are the caller's and are released with podlife_free() unless
 *    stated otherwise.
 *  - The library keeps no global mutable state.  Distinct objects may be
 *    used from distinct threads at the same time; one object is used from
 *    one thread at a time unless its header says otherwise.
 */
#ifndef PODLIFE_COMMON_H
#define PODLIFE_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && defined(PODLIFE_BUILDING)
#define PODLIFE_EXTERN __attribute__((visibility("default")))
#else
#define PODLIFE_EXTERN
#endif

/* Compile-time version of the headers. */
#define PODLIFE_VERSION_MAJOR 0
#define PODLIFE_VERSION_MINOR 1
#define PODLIFE_VERSION_PATCH 0
#define PODLIFE_VERSION_STRING "0.1.0"
/* 0xMMmmpp: major, minor, patch. */
#define PODLIFE_VERSION_NUMBER                                              \
	((PODLIFE_VERSION_MAJOR << 16) | (PODLIFE_VERSION_MINOR << 8) |     \
	 PODLIFE_VERSION_PATCH)

/* The Kubernetes release whose semantics this library follows. */
#define PODLIFE_KUBERNETES_VERSION "1.33"

/*
 * Run-time version of the loaded library, as "MAJOR.MINOR.PATCH".  When
 * `number` is not NULL it receives PODLIFE_VERSION_NUMBER of the library.
 * The returned string is static.
 */
PODLIFE_EXTERN const char *podlife_version(unsigned int *number);

/* Error codes.  Every failing function returns one of these. */
typedef enum podlife_code {
	PODLIFE_OK = 0,
	PODLIFE_EINVAL = -1,     /* bad argument (NULL, out of range) */
	PODLIFE_ENOMEM = -2,     /* allocation failed */
	PODLIFE_EPARSE = -3,     /* malformed YAML or JSON, wrong types */
	PODLIFE_EINVALID = -4,   /* the object failed validation */
	PODLIFE_ENOTFOUND = -5,  /* no such object, field or entry */
	PODLIFE_ETOOBIG = -6,    /* input exceeds a configured limit */
	PODLIFE_EIO = -7,        /* reading a file failed */
	PODLIFE_EVERSION = -8,   /* a struct's version field is not supported */
	PODLIFE_ESTATE = -9,     /* the call is not allowed in this state */
	PODLIFE_EBACKEND = -10,  /* a backend callback reported failure */
	PODLIFE_EEXISTS = -11,   /* the object already exists */
	PODLIFE_ETYPE = -12,     /* a value has another type than asked for */
	PODLIFE_ETIMEDOUT = -13  /* an operation ran out of time (exec probes) */
} podlife_code;

/* A static, human readable name for a code ("invalid argument", ...). */
PODLIFE_EXTERN const char *podlife_strerror(int code);

/* ------------------------------------------------------------------ */
/* Allocator hooks                                                     */
/* ------------------------------------------------------------------ */

#define PODLIFE_ALLOCATOR_VERSION 1

/*
 * Optional allocator.  Pass one to the constructors that accept it; NULL
 * means the C library's malloc/realloc/free.  Every object remembers the
 * allocator it was created with and frees through it, so the struct must
 * outlive every object created with it.  realloc is used like C's realloc;
 * free(ud, NULL) must be harmless.
 */
typedef struct podlife_allocator {
	unsigned int version; /* PODLIFE_ALLOCATOR_VERSION */
	void *(*malloc)(void *ud, size_t size);
	void *(*realloc)(void *ud, void *ptr, size_t size);
	void (*free)(void *ud, void *ptr);
	void *ud;
} podlife_allocator;

#define PODLIFE_ALLOCATOR_INIT {PODLIFE_ALLOCATOR_VERSION, NULL, NULL, NULL, NULL}

/*
 * Frees memory the library returned as owned with the C allocator (strings
 * from *_to_json and similar functions that take no allocator).
 */
PODLIFE_EXTERN void podlife_free(void *ptr);

/* ------------------------------------------------------------------ */
/* Errors and diagnostics                                              */
/* ------------------------------------------------------------------ */

/* How serious a diagnostic is. */
typedef enum podlife_severity {
	PODLIFE_SEVERITY_ERROR = 0,
	PODLIFE_SEVERITY_WARNING = 1,
	PODLIFE_SEVERITY_NOTE = 2
} podlife_severity;

/*
 * The kind of a field error, as the API server names them
 * (k8s.io/apimachinery/pkg/util/validation/field ErrorType).
 */
typedef enum podlife_error_type {
	PODLIFE_ERRTYPE_NONE = 0,      /* not a field error (syntax, I/O, ...) */
	PODLIFE_ERRTYPE_REQUIRED,      /* "Required value" */
	PODLIFE_ERRTYPE_INVALID,       /* "Invalid value" */
	PODLIFE_ERRTYPE_DUPLICATE,     /* "Duplicate value" */
	PODLIFE_ERRTYPE_NOT_SUPPORTED, /* "Unsupported value" */
	PODLIFE_ERRTYPE_NOT_FOUND,     /* "Not found" */
	PODLIFE_ERRTYPE_FORBIDDEN,     /* "Forbidden" */
	PODLIFE_ERRTYPE_TOO_LONG,      /* "Too long" */
	PODLIFE_ERRTYPE_TYPE_INVALID,  /* wrong type: "Invalid value" */
	PODLIFE_ERRTYPE_UNKNOWN_FIELD, /* field not in the schema */
	PODLIFE_ERRTYPE_INTERNAL,      /* "Internal error" */
	PODLIFE_ERRTYPE_TOO_MANY       /* "Too many" (a list longer than allowed) */
} podlife_error_type;

/* The API server's text for a type ("Required value", ...). Static. */
PODLIFE_EXTERN const char *podlife_error_type_name(podlife_error_type type);

/*
 * One diagnostic: an error, a warning or a note.  Getters return borrowed
 * strings that live as long as the error object (or the diagnostics list
 * that holds it).
 */
typedef struct podlife_error podlife_error;

PODLIFE_EXTERN int podlife_error_code(const podlife_error *e);
PODLIFE_EXTERN podlife_severity podlife_error_severity(const podlife_error *e);
PODLIFE_EXTERN podlife_error_type podlife_error_type_of(const podlife_error *e);
/* Field path such as "spec.containers[0].name"; "" when not a field error. */
PODLIFE_EXTERN const char *podlife_error_path(const podlife_error *e);
/* Detail text alone, e.g. "must be 1" (may be ""). */
PODLIFE_EXTERN const char *podlife_error_detail(const podlife_error *e);
/*
 * The whole message in the API server's format:
 * "<path>: <Type>: <value>: <detail>", or the plain message when not a
 * field error.
 */
PODLIFE_EXTERN const char *podlife_error_message(const podlife_error *e);
/* 1-based line and column of the offending node; 0 when unknown. */
PODLIFE_EXTERN unsigned int podlife_error_line(const podlife_error *e);
PODLIFE_EXTERN unsigned int podlife_error_column(const podlife_error *e);
/* Index of the document in a multi-document stream (0-based). */
PODLIFE_EXTERN unsigned int podlife_error_document(const podlife_error *e);
/* Frees an error returned as owned (NULL is a no-op). */
PODLIFE_EXTERN void podlife_error_free(podlife_error *e);

/*
 * A list of diagnostics, in the order they were found.  Returned by
 * parsing and validation; released with podlife_diag_free().
 */
typedef struct podlife_diag podlife_diag;

PODLIFE_EXTERN size_t podlife_diag_count(const podlife_diag *d);
/* Number of entries of severity PODLIFE_SEVERITY_ERROR. */
PODLIFE_EXTERN size_t podlife_diag_error_count(const podlife_diag *d);
/* Borrowed entry i (NULL when out of range). */
PODLIFE_EXTERN const podlife_error *podlife_diag_get(const podlife_diag *d, size_t i);
PODLIFE_EXTERN void podlife_diag_free(podlife_diag *d);

#ifdef __cplusplus
}
#endif
#endif
