/*
 * json.c: the streaming JSON writer (see json.h).
 */
#include "json.h"

#include <inttypes.h>
#include <string.h>

void
json_init(struct json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

static void
indent(struct json *j, int depth)
{
	fputc('\n', j->f);
	for (int i = 0; i < depth; i++)
		fputs("  ", j->f);
}

static void
put_escaped(FILE *f, const char *s, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		switch (ch) {
		case '"':  fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\t': fputs("\\t", f); break;
		case '\r': fputs("\\r", f); break;
		default:
			/* Dump text need not be UTF-8: keep the output valid. */
			if (ch < 0x20 || ch >= 0x7f)
				fprintf(f, "\\u%04x", ch);
			else
				fputc(ch, f);
		}
	}
	fputc('"', f);
}

/* The separator, layout and key before a new value in the open container. */
static void
member(struct json *j, const char *key)
{
	if (j->depth > 0) {
		int n = j->count[j->depth - 1]++;

		if (n > 0)
			fputc(',', j->f);
		if (j->inline_from != 0) {
			if (n > 0)
				fputc(' ', j->f);
		} else {
			indent(j, j->depth);
		}
	}
	if (key != NULL) {
		put_escaped(j->f, key, strlen(key));
		fputs(": ", j->f);
	}
}

static void
open_container(struct json *j, const char *key, char open, char close,
    int on_one_line)
{
	member(j, key);
	fputc(open, j->f);
	if (j->depth == JSON_MAX_DEPTH)
		return;		/* deeper than kvmarm ever nests */
	j->count[j->depth] = 0;
	j->closer[j->depth] = close;
	j->depth++;
	if (on_one_line && j->inline_from == 0)
		j->inline_from = j->depth;
}

void
json_object(struct json *j, const char *key, int on_one_line)
{
	open_container(j, key, '{', '}', on_one_line);
}

void
json_array(struct json *j, const char *key, int on_one_line)
{
	open_container(j, key, '[', ']', on_one_line);
}

void
json_end(struct json *j)
{
	if (j->depth == 0)
		return;
	if (j->inline_from == 0 && j->count[j->depth - 1] > 0)
		indent(j, j->depth - 1);
	fputc(j->closer[j->depth - 1], j->f);
	if (j->inline_from == j->depth)
		j->inline_from = 0;
	j->depth--;
}

void
json_finish(struct json *j)
{
	while (j->depth > 0)
		json_end(j);
	fputc('\n', j->f);
}

void
json_strn(struct json *j, const char *key, const char *s, size_t n)
{
	member(j, key);
	put_escaped(j->f, s, n);
}

void
json_str(struct json *j, const char *key, const char *s)
{
	if (s == NULL) {
		json_null(j, key);
		return;
	}
	json_strn(j, key, s, strlen(s));
}

void
json_uint(struct json *j, const char *key, uint64_t v)
{
	member(j, key);
	fprintf(j->f, "%" PRIu64, v);
}

void
json_int(struct json *j, const char *key, int64_t v)
{
	member(j, key);
	fprintf(j->f, "%" PRId64, v);
}

void
json_bool(struct json *j, const char *key, int v)
{
	member(j, key);
	fputs(v ? "true" : "false", j->f);
}

void
json_null(struct json *j, const char *key)
{
	member(j, key);
	fputs("null", j->f);
}
