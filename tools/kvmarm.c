/*
 * kvmarm.c: the kvmarm command: read a FreeBSD/arm kernel crash dump at a
 * terminal, with FreeBSD's -M core -N kernel conventions.
 *
 * This file parses the command line, opens the dump and hands it to one
 * subcommand (cmd_*.c).  Options may come before or after the subcommand,
 * as in "kvmarm -M core info --json"; "--" ends them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "kvmarm.h"

#define KVMARM_VERSION "0.1.0"

/* Options that only some subcommands take. */
#define OPT_JSON	0x01
#define OPT_RANGES	0x02
#define OPT_RAW		0x04
#define OPT_WORD	0x08
#define OPT_ALL		0x10	/* dmesg -a, check --all */
#define OPT_FORCE	0x20	/* elfcore -f */
#define OPT_LISTEN	0x40	/* gdbserver --listen */
#define NOPTS		7	/* OPT_* bits */

struct command {
	const char *name;
	int (*run)(struct cli *);
	unsigned int opts;	/* OPT_* it accepts */
	int min_args, max_args;	/* operands; max -1: any number */
	int needs_kernel;
	const char *operands;	/* for messages */
};

static const struct command commands[] = {
	{ "info",  cmd_info,  OPT_JSON, 0, 0, 0, "" },
	{ "vtop",  cmd_vtop,  OPT_JSON, 1, -1, 0, "ADDR..." },
	{ "read",  cmd_read,  OPT_RAW | OPT_WORD, 2, 2, 0,
	    "ADDR|SYMBOL[{+|-}OFF] LEN" },
	{ "pages", cmd_pages, OPT_JSON | OPT_RANGES, 0, 0, 0, "" },
	{ "nlist", cmd_nlist, OPT_JSON, 1, -1, 1, "SYM..." },
	{ "dmesg", cmd_dmesg, OPT_ALL, 0, 0, 0, "" },
	{ "check", cmd_check, OPT_JSON | OPT_ALL, 0, 0, 0, "" },
	{ "ps",    cmd_ps,    OPT_JSON, 0, 0, 1, "" },
	{ "bt",    cmd_bt,    OPT_JSON | OPT_ALL, 0, -1, 1, "[-a] [TID...]" },
	{ "elfcore", cmd_elfcore, OPT_FORCE, 1, 1, 0, "[-f] OUT" },
	{ "gdbserver", cmd_gdbserver, OPT_LISTEN, 0, 0, 0, "" },
};

static void
usage(FILE *f)
{
	fputs(
"usage: kvmarm [-N kernel] -M core [--mmu v4|v6|lpae] COMMAND [ARGS]\n"
"\n"
"Read a FreeBSD/arm kernel crash dump on any host: a minidump or a full ELF\n"
"core (vmcore.N), gzip- or zstd-compressed (vmcore.N.gz, vmcore.N.zst), or\n"
"a raw copy of the dump device or of the whole dump partition.\n"
"\n"
"commands:\n"
"  info [--json]               what the dump is: format, layout, sizes;\n"
"                              with -N also the panic, the crashed thread\n"
"                              and its top frames\n"
"  vtop [--json] ADDR...       virtual -> physical address -> file offset\n"
"  read [-r|-w|-q] ADDR LEN    kernel memory: hexdump -C style, -r raw,\n"
"                              -w / -q 32- / 64-bit words (target order);\n"
"                              ADDR may be SYMBOL[{+|-}OFF] with -N\n"
"  pages [--ranges] [--json]   every mapped kernel page (or merged ranges)\n"
"  nlist [--json] SYM...       kernel symbols (needs -N)\n"
"  dmesg [-a]                  the kernel message buffer, oldest first, as\n"
"                              dmesg(8) prints it (-a: also the lines of\n"
"                              other syslog facilities than the kernel's)\n"
"  check [--all] [--json]      validate the dump; a line per problem\n"
"                              (--all: every run, none summarized)\n"
"  ps [--json]                 every kernel thread: pid, tid, CPU, pcb,\n"
"                              comm/tdname; '*' the crashed one (needs -N)\n"
"  bt [-a] [--json] [TID...]   backtraces: the crashed thread, the TIDs\n"
"                              given, or all (-a) (needs -N)\n"
"  elfcore [-f] OUT            write the dump as an ELF core for gdb, lldb\n"
"                              and drgn (-f: replace OUT)\n"
"  gdbserver [--listen [HOST:]PORT]\n"
"                              serve the dump to gdb/lldb (remote protocol)\n"
"                              on stdin/stdout, or one TCP connection\n"
"                              (127.0.0.1 unless HOST; PORT 0: any free)\n"
"\n"
"options:\n"
"  -M core         the crash dump (required)\n"
"  -N kernel       the kernel ELF it came from (symbols, byte order;\n"
"                  required for a full ELF core)\n"
"  --mmu FORMAT    decode page tables as v4, v6 or lpae, whatever the dump\n"
"                  says (old ARMv4/v5 dumps say 0, read as v6)\n"
"  --json          one JSON document (info, vtop, pages, nlist, check, ps, bt)\n"
"  -h, --help      this text;  --version  the version\n"
"\n"
"Addresses are 32-bit, hex (0x...) or decimal.  Exit status: 0 ok, 1 the\n"
"dump says no (unmapped, not dumped, missing symbol, problems found, a\n"
"damaged thread list, no such thread), 2 usage error or unreadable input.\n"
"See kvmarm(1).\n", f);
}

static int
parse_mmu(const char *s, unsigned int *mmu)
{
	static const struct { const char *name; unsigned int value; } names[] = {
		{ "v4", KVM_ARM_MMU_V4 }, { "v5", KVM_ARM_MMU_V4 },
		{ "1", KVM_ARM_MMU_V4 }, { "v6", KVM_ARM_MMU_V6 },
		{ "v7", KVM_ARM_MMU_V6 }, { "2", KVM_ARM_MMU_V6 },
		{ "lpae", KVM_ARM_MMU_LPAE }, { "3", KVM_ARM_MMU_LPAE },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(s, names[i].name) == 0) {
			*mmu = names[i].value;
			return 0;
		}
	}
	return -1;
}

struct parsed {
	const struct command *cmd;
	const char *cmd_name;
	unsigned int opts_used;
	const char *opt_names[NOPTS];	/* how each OPT_* bit was spelled */
	int mmu_set;
	unsigned int mmu;
	int word_flags;			/* how many of -r -w -q were given */
};

/* The value of an option that takes one: "-N x", "-Nx" or "--mmu=x". */
static const char *
option_value(int argc, char **argv, int *i, const char *opt)
{
	const char *a = argv[*i];
	size_t n = strlen(opt);

	if (a[n] == '=' && a[1] == '-')
		return a + n + 1;
	if (a[n] != '\0' && a[1] != '-')
		return a + n;
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

static void
flag(struct parsed *p, unsigned int bit, const char *name)
{
	int k = 0;

	while (k < NOPTS - 1 && (1u << k) != bit)
		k++;

	p->opts_used |= bit;
	p->opt_names[k] = name;
}

/* Fill c and p from argv; EXIT_OK, or an exit status to stop with. */
static int
parse_args(int argc, char **argv, struct cli *c, struct parsed *p, int *done)
{
	int options = 1;

	*done = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;

		if (!options || a[0] != '-' || a[1] == '\0') {
			if (p->cmd_name == NULL)
				p->cmd_name = a;
			else
				c->args[c->nargs++] = argv[i];
			continue;
		}
		if (strcmp(a, "--") == 0) {
			options = 0;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			*done = 1;
			return EXIT_OK;
		} else if (strcmp(a, "--version") == 0) {
			printf("kvmarm %s\n", KVMARM_VERSION);
			*done = 1;
			return EXIT_OK;
		} else if (strncmp(a, "-N", 2) == 0 || strncmp(a, "-M", 2) == 0) {
			if ((v = option_value(argc, argv, &i, "-N")) == NULL ||
			    v[0] == '\0')
				return cli_usage("%.2s needs a file", a);
			if (a[1] == 'N')
				c->kernel = v;
			else
				c->core = v;
		} else if (strcmp(a, "--mmu") == 0 ||
		    strncmp(a, "--mmu=", 6) == 0) {
			if ((v = option_value(argc, argv, &i, "--mmu")) == NULL)
				return cli_usage("--mmu needs v4, v6 or lpae");
			if (parse_mmu(v, &p->mmu) != 0)
				return cli_usage("unknown --mmu '%s' (v4, v6 or "
				    "lpae)", v);
			p->mmu_set = 1;
		} else if (strcmp(a, "--listen") == 0 ||
		    strncmp(a, "--listen=", 9) == 0) {
			if ((v = option_value(argc, argv, &i, "--listen")) == NULL ||
			    v[0] == '\0')
				return cli_usage("--listen needs [HOST:]PORT");
			flag(p, OPT_LISTEN, "--listen");
			c->listen = v;
		} else if (strcmp(a, "--json") == 0) {
			flag(p, OPT_JSON, a);
		} else if (strcmp(a, "-a") == 0 || strcmp(a, "--all") == 0) {
			flag(p, OPT_ALL, a);
			c->all = 1;
		} else if (strcmp(a, "--ranges") == 0) {
			flag(p, OPT_RANGES, a);
		} else if (strcmp(a, "-r") == 0) {
			flag(p, OPT_RAW, a);
			c->raw = 1;
			p->word_flags++;
		} else if (strcmp(a, "-f") == 0) {
			flag(p, OPT_FORCE, a);
			c->force = 1;
		} else if (strcmp(a, "-w") == 0 || strcmp(a, "-q") == 0) {
			flag(p, OPT_WORD, a);
			c->word_size = a[1] == 'w' ? 4 : 8;
			p->word_flags++;
		} else {
			return cli_usage("unknown option '%s'", a);
		}
	}
	return EXIT_OK;
}

/* The command and its options and operands make sense together. */
static int
validate(struct cli *c, struct parsed *p)
{
	const struct command *cmd = NULL;

	if (p->cmd_name == NULL)
		return cli_usage("no command given");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(p->cmd_name, commands[i].name) == 0)
			cmd = &commands[i];
	if (cmd == NULL)
		return cli_usage("unknown command '%s'", p->cmd_name);
	p->cmd = cmd;
	for (int k = 0; k < NOPTS; k++) {
		unsigned int bit = 1u << k;

		if ((p->opts_used & bit) && !(cmd->opts & bit))
			return cli_usage("%s does not apply to %s",
			    p->opt_names[k], cmd->name);
	}
	if (p->word_flags > 1)
		return cli_usage("read takes one of -r, -w and -q");
	if (c->nargs < cmd->min_args ||
	    (cmd->max_args >= 0 && c->nargs > cmd->max_args))
		return cli_usage("usage: kvmarm [-N kernel] -M core %s%s%s",
		    cmd->name, cmd->operands[0] ? " " : "", cmd->operands);
	if (c->core == NULL)
		return cli_usage("no crash dump given: -M core");
	if (cmd->needs_kernel && c->kernel == NULL)
		return cli_usage("%s needs the kernel: -N kernel", cmd->name);
	c->json = (p->opts_used & OPT_JSON) != 0;
	c->ranges = (p->opts_used & OPT_RANGES) != 0;
	return EXIT_OK;
}

int
main(int argc, char **argv)
{
	char errbuf[_POSIX2_LINE_MAX];
	struct parsed p;
	struct cli c;
	int done, rc;

	memset(&c, 0, sizeof(c));
	memset(&p, 0, sizeof(p));
	c.args = calloc((size_t)argc + 1, sizeof(*c.args));
	if (c.args == NULL) {
		fputs("kvmarm: out of memory\n", stderr);
		return EXIT_USAGE;
	}
	rc = parse_args(argc, argv, &c, &p, &done);
	if (rc == EXIT_OK && !done)
		rc = validate(&c, &p);
	if (rc != EXIT_OK || done)
		goto out;

	errbuf[0] = '\0';
	c.kd = kvm_open2(c.kernel, c.core, O_RDONLY, errbuf, NULL);
	if (c.kd == NULL) {
		if (p.cmd->run == cmd_check) {
			rc = cmd_check_unopenable(&c, errbuf);
		} else {
			cli_open_error(&c, errbuf);
			rc = EXIT_USAGE;
		}
		goto out;
	}
	if (p.mmu_set && kvm_arm_set_mmuformat(c.kd, p.mmu) != 0) {
		cli_kvm_error(&c);
		rc = EXIT_USAGE;
		goto out;
	}
	kvm_arm_info(c.kd, &c.info);
	errno = 0;
	rc = p.cmd->run(&c);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		/* The output failed, not the dump: name stdout. */
		fprintf(stderr, "kvmarm: stdout: write error%s%s\n",
		    errno ? ": " : "", errno ? strerror(errno) : "");
		rc = EXIT_USAGE;
	}
out:
	if (c.kd != NULL)
		kvm_close(c.kd);
	free(c.args);
	return rc;
}
