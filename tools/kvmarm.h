/*
 * kvmarm.h: what the pieces of the kvmarm tool share.
 *
 * kvmarm.c parses the command line into a struct cli and opens the dump;
 * each cmd_*.c runs one subcommand on it and returns the exit status.  The
 * tool uses the library's public API only, as any other program would.
 */
#ifndef KVMARM_H
#define KVMARM_H

#include <stdint.h>
#include <stdio.h>

#include "kvm_arm.h"

/* Exit statuses, as kvmarm(1) documents them. */
#define EXIT_OK		0	/* done */
#define EXIT_NO		1	/* the dump says no: unmapped, missing, problems */
#define EXIT_USAGE	2	/* bad command line or unreadable input */

struct cli {
	const char *kernel;	/* -N, or NULL */
	const char *core;	/* -M */
	kvm_t *kd;		/* open when a command runs (except on failure) */
	struct kvm_arm_info info;
	int json;		/* --json */
	int ranges;		/* pages --ranges */
	int raw;		/* read -r */
	int word_size;		/* read -w (4) / -q (8), else 0 */
	int all;		/* dmesg -a, check --all, bt -a */
	int force;		/* elfcore -f */
	const char *listen;	/* gdbserver --listen [HOST:]PORT, or NULL */
	char **args;		/* the subcommand's operands */
	int nargs;
};

/* Print "kvmarm: CORE: message" (one line) on stderr. */
void cli_error(const struct cli *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Print the library's last error for the open dump, naming the file. */
void cli_kvm_error(const struct cli *c);
/* Report kvm_open2's failure (errbuf) in one line that names the file. */
void cli_open_error(const struct cli *c, const char *errbuf);
/* A usage error: one line on stderr; returns EXIT_USAGE. */
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Parse a hex (0x...) or decimal number; 0, or -1 if it is not one. */
int parse_number(const char *s, uint64_t *out);

/* The highest kernel virtual address: FreeBSD/arm's are 32-bit. */
#define KVA_MAX		UINT64_C(0xffffffff)

/* resolve_address: the kernel has no symbols to look in (exit 2). */
#define RESOLVE_UNREADABLE	3

/*
 * Resolve ADDR or SYMBOL[+OFF] to a kernel VA.  Returns EXIT_OK, EXIT_NO
 * (symbol not in the kernel), EXIT_USAGE (malformed, past KVA_MAX, or a
 * symbol without -N) or RESOLVE_UNREADABLE (no symbol table: kvm_nlist2
 * failed); the message for the failure is in why (whylen bytes).
 */
int resolve_address(const struct cli *c, const char *spec, kvaddr_t *va,
    char *why, size_t whylen);
/*
 * Report resolve_address's failure rc (a usage error with the --help hint,
 * anything else as one plain line); returns the exit status for it.
 */
int resolve_error(int rc, const char *why);
/* 1 if spec is well-formed as ADDR or SYMBOL[+OFF]. */
int address_syntax_ok(const char *spec);

/*
 * "sym" or "sym+0xoff" for the kernel symbol va falls in, in buf; NULL
 * without a kernel or when no symbol holds va.
 */
const char *symbol_of(const struct cli *c, kvaddr_t va, char *buf,
    size_t len);

/* A target word of n (4 or 8) bytes in the dump's byte order. */
uint64_t target_word(const struct cli *c, const unsigned char *p, int n);

/* "rwx" with '-' for each missing right; buf holds 4 bytes. */
const char *prot_string(unsigned int prot, char buf[4]);
/*
 * One past the last byte a page's kp_offset can reach: offsets count in the
 * file (after a dump-device header) for a plain payload, in the
 * uncompressed stream for a compressed one.
 */
uint64_t payload_end(const struct kvm_arm_info *in);

/*
 * Text from the dump on one line: runs of white space become one space,
 * bytes that are not printable \ooo, a backslash "\\\\".
 */
void put_text(const char *s);
void fput_text(FILE *f, const char *s);

/* The subcommands: each returns an exit status. */
int cmd_info(struct cli *c);
int cmd_vtop(struct cli *c);
int cmd_read(struct cli *c);
int cmd_pages(struct cli *c);
int cmd_nlist(struct cli *c);
int cmd_dmesg(struct cli *c);
int cmd_check(struct cli *c);
int cmd_elfcore(struct cli *c);
int cmd_ps(struct cli *c);
int cmd_bt(struct cli *c);

/* info's lines (or JSON members) about the panic, when -N is given. */
struct json;
void info_panic_text(struct cli *c);
void info_panic_json(struct cli *c, struct json *j);
/* bt's frame line ("#N 0xPC in func+0xOFF at file:LINE"), after a
 * trapframe line when the frame was reached through one; each line starts
 * with indent. */
void bt_text_frame(struct cli *c, const struct kvm_arm_frame *f,
    const char *indent);
/* bt --json's frame object. */
void bt_json_frame(struct json *j, const struct kvm_arm_frame *f);
/* 1 when an unwind's reason is the real end of a kernel stack (a zero pc,
 * a trapframe from user mode, a function marked EXIDX_CANTUNWIND). */
int bt_clean_end(const char *why);
int cmd_gdbserver(struct cli *c);
/* check's answer when the library refuses to open a file that is a dump. */
int cmd_check_unopenable(struct cli *c, const char *why);

#endif /* KVMARM_H */
