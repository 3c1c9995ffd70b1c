/*
 * target_order.h: integers written in the dump's byte order, for what the
 * tool writes for a debugger (ELF core fields, gdb register replies).  The
 * tool sees only the public API, so it keeps these few lines of its own
 * beside the library's lib/endian.h; reads go through target_word().
 */
#ifndef KVMARM_TARGET_ORDER_H
#define KVMARM_TARGET_ORDER_H

#include <stdint.h>

static inline void
target_put16(unsigned char *p, uint32_t v, int big_endian)
{
	p[big_endian ? 0 : 1] = (unsigned char)(v >> 8);
	p[big_endian ? 1 : 0] = (unsigned char)v;
}

static inline void
target_put32(unsigned char *p, uint32_t v, int big_endian)
{
	for (int i = 0; i < 4; i++)
		p[big_endian ? 3 - i : i] = (unsigned char)(v >> (8 * i));
}

#endif
