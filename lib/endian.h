/*
 * endian.h: read integers stored in the target's byte order.
 *
 * Dump fields are read byte by byte, never by casting file bytes to a wider
 * type, so the result is the same on every host whatever its byte order or
 * alignment rules.
 */
#ifndef KVM_ARM_ENDIAN_H
#define KVM_ARM_ENDIAN_H

#include <stdint.h>

static inline uint16_t
load16(const unsigned char *p, int big_endian)
{
	return (uint16_t)(big_endian ? p[0] << 8 | p[1] : p[1] << 8 | p[0]);
}

static inline uint32_t
load32(const unsigned char *p, int big_endian)
{
	if (big_endian)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0];
}

static inline uint64_t
load64(const unsigned char *p, int big_endian)
{
	uint64_t lo = load32(p + (big_endian ? 4 : 0), big_endian);
	uint64_t hi = load32(p + (big_endian ? 0 : 4), big_endian);

	return hi << 32 | lo;
}

/* An entry of 4 or 8 bytes (PTEs). */
static inline uint64_t
load_word(const unsigned char *p, unsigned int size, int big_endian)
{
	return size == 8 ? load64(p, big_endian) : load32(p, big_endian);
}

static inline void
store32(unsigned char *p, uint32_t v, int big_endian)
{
	for (int i = 0; i < 4; i++)
		p[big_endian ? 3 - i : i] = (unsigned char)(v >> (8 * i));
}

static inline void
store64(unsigned char *p, uint64_t v, int big_endian)
{
	store32(p + (big_endian ? 4 : 0), (uint32_t)v, big_endian);
	store32(p + (big_endian ? 0 : 4), (uint32_t)(v >> 32), big_endian);
}

#endif
