/*
 * test_errors.c: each kind of bad input gets its own one-line message that
 * names the file, and never a crash.
 */
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "compress.h"
#include "fixture.h"
#include "kvm_arm.h"

static const char good[] =
    "kva_size 0x200000\n"
    "phys 0x40000000 0x40400000\n"
    "map 0xc0000000 0x40000000 0x100000 rw\n"
    "map 0xc0100000 0x40200000 0x1000 rw nodump\n"
    "map 0xc0101000 0x50000000 0x1000 rw\n"	/* device: no physical range */
    "ksym version 0xc0030000 object\n"
    "kdata 0xc0030000 \"FreeBSD\"\n";

static char core[256], kernel[256];
static struct mkcore_layout lo;

/* Open path (with the good kernel unless kern given); expect failure. */
static void
refused(const char *what, const char *kern, const char *path,
    const char *want)
{
	char err[_POSIX2_LINE_MAX] = "";
	kvm_t *kd = kvm_open2(kern, path, O_RDONLY, err, NULL);
	const char *named = kern != NULL && strstr(err, kern) ? kern : path;

	check(kd == NULL && strstr(err, want) != NULL && strstr(err, named) != NULL &&
	    strchr(err, '\n') == NULL, "%s: %s", what, err);
	if (kd != NULL)
		kvm_close(kd);
}

/* A copy of the good core with one 32-bit header field changed. */
static const char *
patched(const char *name, long off, uint32_t v)
{
	static char path[300];

	snprintf(path, sizeof(path), "%s/%s.core", harness_tmpdir(), name);
	fixture_copy(core, path, -1);
	fixture_patch32(path, off, v, 0);
	return path;
}

/* A copy of the good core whose 24-byte magic is magic (NUL-padded). */
static const char *
remagicked(const char *name, const char *magic)
{
	static char path[300];
	char m[32] = "";

	snprintf(path, sizeof(path), "%s/%s.core", harness_tmpdir(), name);
	fixture_copy(core, path, -1);
	strncpy(m, magic, sizeof(m) - 1);
	fixture_patch(path, 0, m, strlen(magic) > 24 ? strlen(magic) : 24);
	return path;
}

/*
 * The minidump magic is compared over all 24 bytes; the other FreeBSD
 * architectures' minidumps are named for what they are.
 */
static void
magics(void)
{
	static const char *const arches[] = {
		"arm64", "amd64", "i386", "mips", "powerpc64", "riscv",
	};
	char err[_POSIX2_LINE_MAX], want[64];

	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++) {
		char magic[48];

		snprintf(magic, sizeof(magic), "minidump FreeBSD/%s", arches[i]);
		snprintf(want, sizeof(want), "a FreeBSD/%s minidump", arches[i]);
		const char *p = remagicked(arches[i], magic);
		kvm_t *kd = kvm_open2(NULL, p, O_RDONLY, err, NULL);
		check(kd == NULL && strstr(err, want) != NULL &&
		    strstr(err, "32-bit arm") != NULL && strstr(err, p) != NULL,
		    "magic '%s' is named, not read as arm: %s", magic,
		    kd == NULL ? err : "opened");
		kvm_close(kd);
	}
	/* Junk after the arm name, inside the 24 bytes: not an arm dump. */
	refused("magic 'minidump FreeBSD/armXY'", kernel,
	    remagicked("armxy", "minidump FreeBSD/armXY"), "bad magic");
}

static const char *
text_file(const char *name, const char *text)
{
	static char path[300];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", harness_tmpdir(), name);
	f = fopen(path, "wb");
	fwrite(text, 1, strlen(text), f);
	fclose(f);
	return path;
}

static void
files(void)
{
	char cut[300];

	refused("missing core", kernel, "/nonexistent/vmcore.0", "No such file");
	refused("missing kernel", "/nonexistent/kernel", core, "No such file");
	refused("empty core", kernel, text_file("empty", ""), "empty file");
	refused("a text file as core", kernel, text_file("text", "hello, world\n"),
	    "not a FreeBSD/arm crash dump");
	refused("a directory as core", kernel, harness_tmpdir(), "directory");
	refused("kernel and core swapped", core, kernel, "swapped");
	refused("a kernel as the core", kernel, kernel, "not a crash dump");
	refused("a gzip header with no stream behind it", kernel,
	    text_file("gz", "\x1f\x8b\x08\x00rest"), "gzip");
	refused("a zstd magic with no frame behind it", kernel,
	    text_file("zst", "\x28\xb5\x2f\xfdrest"), "zstd");
	refused("a non-ARM kernel", "/bin/sh", core, "not a 32-bit ARM kernel");
	refused("a text file as kernel", text_file("kern.txt", "not elf"), core,
	    "not an ELF file");

	snprintf(cut, sizeof(cut), "%s/short.core", harness_tmpdir());
	fixture_copy(core, cut, 3000);
	refused("core shorter than its header page", kernel, cut,
	    "header page is incomplete");
	fixture_copy(core, cut, (long)lo.ptes_off + 100);
	refused("PTE array past the end of the file", kernel, cut,
	    "PTE array");
	fixture_copy(core, cut, 4096 + 4096 + 100);
	refused("bitmap past the end of the file", kernel, cut, "page bitmap");
}

static void
header_fields(void)
{
	const char *lpae;

	refused("bad magic", kernel, patched("magic", 12, 0x78787878), "bad magic");
	refused("unknown version", kernel, patched("version", 24, 3),
	    "unknown minidump version");
	refused("unknown mmuformat", kernel, patched("mmu", 48, 7),
	    "unknown mmuformat 7");
	refused("bitmapsize not a multiple of 4", kernel, patched("bms", 32, 4095),
	    "bitmapsize 4095");
	refused("huge msgbufsize", kernel, patched("msgbuf", 28, 0xffffffff),
	    "implausible msgbufsize");
	refused("msgbufsize past the end", kernel, patched("msgbuf2", 28, 0x200000),
	    "message buffer");
	refused("huge bitmapsize", kernel, patched("bitmap", 32, 0xfffffffc),
	    "1 TiB");
	refused("bitmapsize past the end", kernel, patched("bitmap2", 32, 0x200000),
	    "page bitmap");
	refused("huge ptesize", kernel, patched("ptes", 36, 0xfffffffc), "PTE array");
	refused("huge dumpavailsize", kernel, patched("da", 52, 0xffffffff),
	    "implausible dumpavailsize");
	refused("tiny dumpavailsize", kernel, patched("da8", 52, 8),
	    "holds no [start, end) pair");
	refused("kernbase not page-aligned", kernel, patched("kb", 40, 0xc0000800),
	    "not page-aligned");
	refused("PTE array past the 4 GiB VA space", kernel,
	    patched("kb2", 40, 0xfff00000), "4 GiB virtual address space");
	lpae = patched("lpae", 36, 0x804);
	fixture_patch32(lpae, 48, 3, 0);
	refused("LPAE tag on a ptesize that is not a multiple of 8", kernel,
	    lpae, "not a multiple");
	refused("dump and kernel disagree on byte order", kernel,
	    patched("order", 24, 0x02000000), "wrong kernel for this dump");
}

static void
addresses(void)
{
	char err[_POSIX2_LINE_MAX];
	kvm_t *kd = kvm_open2(kernel, core, O_RDONLY, err, NULL);
	unsigned char b[4];
	struct {
		kvaddr_t va;
		const char *want, *what;
	} cases[] = {
		{ 0xbffff000, "not minidumped", "a VA below kernbase" },
		{ 0xc0200000, "not minidumped", "a VA past the PTE array" },
		{ 0xc0180000, "not valid", "an invalid PTE" },
		{ 0xc0100000, "not in the minidump", "a page that was not dumped" },
		{ 0xc0101000, "outside the dump's physical ranges",
		  "a PA outside every physical range" },
		{ 0x1c0000000ull, "not minidumped", "a VA above 32 bits" },
	};

	if (kd == NULL) {
		check(0, "open the good core: %s", err);
		return;
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		check(kvm_read2(kd, cases[i].va, b, 4) == -1 &&
		    strstr(kvm_geterr(kd), cases[i].want) != NULL &&
		    strstr(kvm_geterr(kd), "invalid address (0x") != NULL,
		    "%s: %s", cases[i].what, kvm_geterr(kd));
	}
	check(kvm_read2(kd, 0xc00ffffe, b, 4) == -1,
	    "a read running into an untranslatable page fails whole");
	kvm_close(kd);
}

/*
 * An ELF core whose second PT_LOAD is moved to start 2 KiB before the end
 * of the first, and whose last is cut short inside a page.  A page comes
 * whole from the last segment starting at or below it: every read agrees
 * with the walk, whose kp_offset holds the page's 4096 bytes, and a page
 * not wholly in its segment is not in the core.  Every word the writer
 * puts in memory holds its own PA, so the values say which segment a byte
 * came from.
 */
struct walk_check {
	kvm_t *kd;
	FILE *core;
	unsigned pages, in_core, wrong;
};

static int
walk_check_cb(struct kvm_page *p, void *arg)
{
	struct walk_check *w = arg;
	unsigned char a[4096], b[4096];
	kpaddr_t pa;
	off_t off;

	w->pages++;
	if (p->kp_offset < 0)
		return 1;
	w->in_core++;
	if (kvm_arm_kvatop(w->kd, p->kp_kmap_vaddr, &pa, &off) != 4096 ||
	    pa != p->kp_paddr || off != p->kp_offset ||
	    kvm_read2(w->kd, p->kp_kmap_vaddr, a, 4096) != 4096 ||
	    fseeko(w->core, p->kp_offset, SEEK_SET) != 0 ||
	    fread(b, 1, 4096, w->core) != 4096 || memcmp(a, b, 4096) != 0 ||
	    fixture_word(a) != p->kp_paddr + (p->kp_paddr >= 0x20000 &&
	    p->kp_paddr < 0x40000 ? 0x800 : 0))
		w->wrong++;
	return 1;
}

static void
overlapping_segments(void)
{
	static const char desc[] =
	    "container elf\nkva_size 0x40000000\nkernphys 0\n"
	    "ptpool 0x100000\nl1pa_va 0xc0001100\nphys 0 0x20000\n"
	    "phys 0x20000 0x40000\nphys 0x100000 0x110000\n"
	    "phys 0x200000 0x202000\n"
	    "map 0xc0000000 0 0x40000 rw\nmap 0xc0200000 0x200000 0x2000 rw\n";
	char ocore[256], okernel[256], err[_POSIX2_LINE_MAX];
	struct mkcore_layout olo;
	uint64_t w[4] = { 0, 0, 0, 0 };
	unsigned char b[16];
	struct walk_check wc = { NULL, NULL, 0, 0, 0 };
	kvm_t *kd;

	if (fixture_make("elf-overlap", desc, ocore, okernel, &olo) != 0) {
		check(0, "ELF core fixture with overlapping segments");
		return;
	}
	fixture_patch32(ocore, 52 + 32 + 12, 0x1f800, 0);	/* p_paddr */
	fixture_patch32(ocore, 52 + 3 * 32 + 16, 0x1010, 0);	/* p_filesz */
	kd = kvm_open2(okernel, ocore, O_RDONLY, err, NULL);
	if (kd == NULL) {
		check(0, "open the overlapping ELF core: %s", err);
		return;
	}
	if (kvm_read2(kd, 0xc001f7f8, b, 16) == 16) {
		w[0] = fixture_word(b);
		w[1] = fixture_word(b + 8);
	}
	if (kvm_read2(kd, 0xc001fff8, b, 16) == 16) {
		w[2] = fixture_word(b);
		w[3] = fixture_word(b + 8);
	}
	check(w[0] == 0x1f7f8 && w[1] == 0x1f800 && w[2] == 0x1fff8 &&
	    w[3] == 0x20800, "overlapping segments: a page's bytes come from "
	    "the last segment starting at or below it (got 0x%llx 0x%llx, "
	    "0x%llx 0x%llx)", (unsigned long long)w[0],
	    (unsigned long long)w[1], (unsigned long long)w[2],
	    (unsigned long long)w[3]);
	check(kvm_read2(kd, 0xc0201000, b, 16) == 16 &&
	    kvm_read2(kd, 0xc0201008, b, 16) == 8, "a segment cut inside a "
	    "page reads up to its end");
	wc.kd = kd;
	wc.core = fopen(ocore, "rb");
	if (wc.core != NULL) {
		kvm_walk_pages(kd, walk_check_cb, &wc);
		fclose(wc.core);
	}
	/* Not in the core: 0x3f000 (the moved segment now ends inside it)
	   and 0x201000 (cut). */
	check(wc.pages == 0x42 && wc.in_core == 0x40 && wc.wrong == 0,
	    "the walk of an ELF core with overlapping and cut segments: %u "
	    "pages (want 66), %u in the core (want 64), %u not read back "
	    "alike", wc.pages, wc.in_core, wc.wrong);
	kvm_close(kd);
}

/* Full ELF cores: what they need, and what a broken one says. */
static void
elfcores(void)
{
	static const char desc[] =
	    "container elf\nkva_size 0x40000000\nkernphys 0\nptpool 0x10000\n"
	    "l1pa_va 0xc0001100\nphys 0 0x20000\n"
	    "map 0xc0000000 0 0x10000 rw\nmap 0xc0100000 0x100000 0x1000 rw\n";
	char ecore[256], ekernel[256], err[_POSIX2_LINE_MAX], cut[300];
	struct kvm_arm_info in;
	struct mkcore_layout elo;
	unsigned char b[8];
	kvm_t *kd;

	if (fixture_make("elf", desc, ecore, ekernel, &elo) != 0) {
		check(0, "ELF core fixture");
		return;
	}
	refused("an ELF core without its kernel", NULL, ecore,
	    "needs its kernel");
	refused("an ELF core with a kernel lacking kernel_l1pa", kernel, ecore,
	    "no symbol kernel_l1pa");
	snprintf(cut, sizeof(cut), "%s/elf-phdr.core", harness_tmpdir());
	fixture_copy(ecore, cut, -1);
	fixture_patch32(cut, 28, 0xfffff000, 0);	/* e_phoff */
	refused("ELF core program headers past the end", ekernel, cut,
	    "program headers");
	fixture_copy(ecore, cut, -1);
	fixture_patch32(cut, 52 + 16, 0, 0);		/* the only PT_LOAD: empty */
	refused("an ELF core without memory", ekernel, cut, "no PT_LOAD");
	/* kernel_l1pa's value (at PA 0x1100, file offset 0x2100) off in space. */
	fixture_copy(ecore, cut, -1);
	fixture_patch32(cut, 0x1000 + 0x1100, 0x7ff00000, 0);
	kd = kvm_open2(ekernel, cut, O_RDONLY, err, NULL);
	check(kd != NULL && kvm_read2(kd, 0xc0000000, b, 4) == -1 &&
	    strstr(kvm_geterr(kd), "level-1 page-table entry at physical "
	    "address 0x7ff03000 is not in the ELF core") != NULL,
	    "a root table outside the core: %s", kd ? kvm_geterr(kd) : err);
	kvm_close(kd);
	/* Cut in its memory: the pages before the cut still read. */
	fixture_copy(ecore, cut, 0x1000 + 0x18000);
	kd = kvm_open2(ekernel, cut, O_RDONLY, err, NULL);
	check(kd != NULL && kvm_arm_info(kd, &in) == 0 && in.truncated &&
	    in.pages_present == 0x18 && kvm_read2(kd, 0xc0000ff8, b, 8) == 8 &&
	    kvm_read2(kd, 0xc0100000, b, 4) == -1 &&
	    strstr(kvm_geterr(kd), "outside the dump's physical ranges") != NULL,
	    "a cut ELF core reads what it holds: %s", kd ? kvm_geterr(kd) : err);
	kvm_close(kd);
	overlapping_segments();
}

/* A whole file in memory (the tests' files are small); NULL on error. */
static unsigned char *
slurp(const char *path, long *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *b = NULL;

	*len = -1;
	if (f != NULL && fseek(f, 0, SEEK_END) == 0 && (*len = ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (b = malloc((size_t)*len)) != NULL &&
	    fread(b, 1, (size_t)*len, f) != (size_t)*len) {
		free(b);
		b = NULL;
	}
	if (f != NULL)
		fclose(f);
	return b;
}

/*
 * Compare a file with the original: equal but for len bytes at off, which
 * must be want.  The expected offset comes from the fixture writer's
 * layout, not from the library.
 */
static int
only_changed(const char *orig, const char *copy, long off, const void *want,
    size_t len)
{
	long n1, n2;
	unsigned char *a = slurp(orig, &n1), *b = slurp(copy, &n2);
	int same = a != NULL && b != NULL && n1 == n2;

	for (long i = 0; same && i < n1; i++) {
		if (i >= off && i < off + (long)len)
			same = b[i] == ((const unsigned char *)want)[i - off];
		else
			same = a[i] == b[i];
	}
	free(a);
	free(b);
	return same;
}

/* kvm_write into a copy opened O_RDWR, as kgdb -w patches a vmcore. */
static void
writes(void)
{
	static const char patch[] = "PATCHED!";
	char err[_POSIX2_LINE_MAX], copy[300], gz[300];
	unsigned char b[8];
	long base = (long)lo.data_off;	/* PA 0x40000000: the first page */
	kvm_t *kd;

	snprintf(copy, sizeof(copy), "%s/rw.core", harness_tmpdir());
	fixture_copy(core, copy, -1);
	kd = kvm_open2(kernel, copy, O_RDONLY, err, NULL);
	check(kd != NULL && kvm_write(kd, 0xc0000010, patch, 8) == -1 &&
	    strstr(kvm_geterr(kd), "read-only") != NULL,
	    "kvm_write on a core opened O_RDONLY: -1: %s",
	    kd ? kvm_geterr(kd) : err);
	kvm_close(kd);
	check(only_changed(core, copy, 0, "", 0),
	    "O_RDONLY: the file is unchanged");

	kd = kvm_open2(kernel, copy, O_RDWR, err, NULL);
	if (kd == NULL) {
		check(0, "open a copy O_RDWR: %s", err);
		return;
	}
	check(kvm_write(kd, 0xc0000010, patch, 8) == 8 &&
	    kvm_read2(kd, 0xc0000010, b, 8) == 8 && memcmp(b, patch, 8) == 0,
	    "O_RDWR: kvm_write's bytes read back: %s", kvm_geterr(kd));
	/* 0xc0100000 is mapped but not dumped: the write must not start. */
	check(kvm_write(kd, 0xc00ffffc, patch, 8) == -1 &&
	    strstr(kvm_geterr(kd), "0xc0100000") != NULL,
	    "a write running into a page not in the dump fails: %s",
	    kvm_geterr(kd));
	check(kvm_write(kd, 0xc0180000, patch, 4) == -1,
	    "a write to an unmapped page fails");
	check(kvm_write(kd, 0xc0000010, NULL, 4) == -1,
	    "kvm_write with a NULL buffer fails");
	kvm_close(kd);
	check(only_changed(core, copy, base + 0x10, patch, 8),
	    "O_RDWR: the 8 bytes at page data + 0x10 changed, every other "
	    "byte of the file is unchanged");
	kd = kvm_open2(kernel, copy, O_RDONLY, err, NULL);
	check(kd != NULL && kvm_read2(kd, 0xc0000010, b, 8) == 8 &&
	    memcmp(b, patch, 8) == 0, "the patch is in the file after close");
	kvm_close(kd);

	snprintf(gz, sizeof(gz), "%s/rw.core.gz", harness_tmpdir());
	gzip_to(core, gz, -1, 6, NULL, 0, 0);
	kd = kvm_open2(kernel, gz, O_RDWR, err, NULL);
	check(kd == NULL && strstr(err, "compressed") != NULL &&
	    strstr(err, "O_RDWR") != NULL && strstr(err, gz) != NULL,
	    "a gzip core opened O_RDWR is refused: %s", kd ? "opened" : err);
	kvm_close(kd);
	kd = kvm_open2(kernel, gz, O_RDONLY, err, NULL);
	check(kd != NULL, "the gzip core opens O_RDONLY: %s", kd ? "" : err);
	kvm_close(kd);
}

/* kvm_read2 into no buffer: -1 and a message, not a crash. */
static void
null_buffer(void)
{
	char err[_POSIX2_LINE_MAX];
	kvm_t *kd = kvm_open2(kernel, core, O_RDONLY, err, NULL);

	check(kd != NULL && kvm_read2(kd, 0xc0000000, NULL, 16) == -1 &&
	    strstr(kvm_geterr(kd), "NULL") != NULL,
	    "kvm_read2 with a NULL buffer: -1: %s", kd ? kvm_geterr(kd) : err);
	check(kd != NULL && kvm_read2(kd, 0xc0000000, NULL, 0) == 0,
	    "kvm_read2 of 0 bytes into NULL: 0");
	kvm_close(kd);
}

static void
on_alarm(int sig)
{
	(void)sig;
	fputs("not ok - opening a FIFO hung\n", stdout);
	_exit(1);
}

/*
 * A FIFO, socket or character device as the core or the kernel is refused
 * at once by its kind: opening a FIFO for reading would wait for a writer
 * forever.
 */
static void
non_files(void)
{
	char fifo[300], sock[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	snprintf(fifo, sizeof(fifo), "%s/fifo", harness_tmpdir());
	if (snprintf(sock, sizeof(sock), "%s/sock", harness_tmpdir()) >=
	    (int)sizeof(sock)) {
		check(0, "a socket path fits sun_path");
		return;
	}
	if (mkfifo(fifo, 0600) != 0) {
		check(0, "mkfifo %s", fifo);
		return;
	}
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	memcpy(sa.sun_path, sock, sizeof(sock));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		check(0, "a Unix socket at %s", sock);
		return;
	}
	signal(SIGALRM, on_alarm);
	alarm(10);
	refused("a FIFO as core", kernel, fifo, "not a regular file (a FIFO)");
	refused("a FIFO as kernel", fifo, core, "not a regular file (a FIFO)");
	refused("a FIFO as core, no kernel", NULL, fifo, "FIFO");
	refused("a socket as core", kernel, sock, "(a socket)");
	refused("a socket as kernel", sock, core, "(a socket)");
	refused("a character device as core", kernel, "/dev/null",
	    "(a character device)");
	refused("a character device as kernel", "/dev/null", core,
	    "(a character device)");
	refused("a directory as kernel", harness_tmpdir(), core,
	    "is a directory");
	alarm(0);
	close(fd);
}

int
main(void)
{
	if (fixture_make("good", good, core, kernel, &lo) != 0) {
		check(0, "fixture");
		return 1;
	}
	files();
	header_fields();
	magics();
	addresses();
	elfcores();
	writes();
	null_buffer();
	non_files();
	return harness_status();
}
