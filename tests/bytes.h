/*
 * bytes.h: the tests' own writers of integers in a target byte order.
 *
 * Deliberately not lib/endian.h: the fixture writer lays dumps out with
 * code that shares nothing with the reader it tests, so a byte-order slip
 * in one cannot be cancelled by the same slip in the other.
 */
#ifndef TESTS_BYTES_H
#define TESTS_BYTES_H

#include <stdint.h>

static inline void
put32(unsigned char *p, uint32_t v, int be)
{
	for (int i = 0; i < 4; i++)
		p[be ? 3 - i : i] = (unsigned char)(v >> (8 * i));
}

static inline void
put64(unsigned char *p, uint64_t v, int be)
{
	for (int i = 0; i < 8; i++)
		p[be ? 7 - i : i] = (unsigned char)(v >> (8 * i));
}

#endif
