/*
 * json.h: a small streaming JSON writer for kvmarm's --json output.
 *
 * Values are written as they are produced (a page list can be long), with
 * two-space indentation; a container opened "inline" keeps its members on
 * one line, which keeps a list of small records readable.  Strings are
 * escaped so that any bytes from a dump give valid JSON: control bytes and
 * bytes >= 0x80 become \u00XX (their Latin-1 reading).
 */
#ifndef KVMARM_JSON_H
#define KVMARM_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	int depth;			/* open containers */
	int count[JSON_MAX_DEPTH];	/* members written in each */
	char closer[JSON_MAX_DEPTH];	/* '}' or ']' */
	int inline_from;		/* depth of the outermost inline one, or 0 */
};

void json_init(struct json *j, FILE *f);
/* key is the member name inside an object, NULL inside an array or at top. */
void json_object(struct json *j, const char *key, int on_one_line);
void json_array(struct json *j, const char *key, int on_one_line);
void json_end(struct json *j);
/* After the top-level value: the final newline. */
void json_finish(struct json *j);

void json_str(struct json *j, const char *key, const char *s);
void json_strn(struct json *j, const char *key, const char *s, size_t n);
void json_uint(struct json *j, const char *key, uint64_t v);
void json_int(struct json *j, const char *key, int64_t v);
void json_bool(struct json *j, const char *key, int v);
void json_null(struct json *j, const char *key);

#endif /* KVMARM_JSON_H */
