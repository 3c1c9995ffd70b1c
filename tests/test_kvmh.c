/*
 * test_kvmh.c: <kvm.h>, FreeBSD's header name: the same API, and
 * kvm_nlist with FreeBSD's struct nlist.  Expected values come from the
 * description the fixture is written from.
 */
#include <string.h>

#include "fixture.h"
#include "kvm.h"

static const char desc[] =
    "kva_size 0x100000\n"
    "phys 0x40000000 0x40100000\n"
    "map 0xc0000000 0x40000000 0x40000 rw\n"
    "ksym version 0xc0030000 object\n"
    "ksym hz 0xc0030100 object local\n"
    "kdata 0xc0030000 \"FreeBSD\"\n";

int
main(void)
{
	char core[256], kernel[256], err[_POSIX2_LINE_MAX], buf[8] = "";
	struct mkcore_layout lo;
	struct nlist nl[] = {
		{ "version", 0, 5, 5, 0 },
		{ "_version", 0, 5, 5, 0 },	/* a.out spelling */
		{ "no_such_symbol", 9, 5, 5, 9 },
		{ "hz", 0, 5, 5, 0 },
		{ NULL, 0, 0, 0, 0 },
	};
	kvm_t *kd;
	int rc;

#ifndef KVM_ARM_HAVE_NLIST
	check(0, "<kvm.h> declares kvm_nlist and struct nlist");
	return 1;
#endif
	if (fixture_make("kvmh", desc, core, kernel, &lo) != 0) {
		check(0, "fixture");
		return 1;
	}
	kd = kvm_openfiles(kernel, core, NULL, O_RDONLY, err);
	if (kd == NULL) {
		check(0, "kvm_openfiles through <kvm.h>: %s", err);
		return 1;
	}
	rc = kvm_nlist(kd, nl);
	check(rc == 1, "kvm_nlist returns the number not found: %d", rc);
	check(nl[0].n_value == 0xc0030000ul && nl[0].n_type == (N_DATA | N_EXT),
	    "kvm_nlist: version 0x%lx type 0x%x", nl[0].n_value, nl[0].n_type);
	check(nl[1].n_value == 0xc0030000ul, "kvm_nlist: _version 0x%lx",
	    nl[1].n_value);
	check(nl[2].n_value == 0 && nl[2].n_type == 0,
	    "kvm_nlist: a missing name gets 0 and 0");
	/* Outside every section of the fixture kernel: absolute. */
	check(nl[3].n_value == 0xc0030100ul && nl[3].n_type == N_ABS,
	    "kvm_nlist: a local absolute symbol (not N_EXT): 0x%lx type 0x%x",
	    nl[3].n_value, nl[3].n_type);
	check(nl[0].n_other == 0 && nl[0].n_desc == 0 && nl[2].n_other == 0 &&
	    nl[2].n_desc == 0, "kvm_nlist zeroes n_other and n_desc");
	check(kvm_read(kd, nl[0].n_value, buf, 7) == 7 &&
	    memcmp(buf, "FreeBSD", 7) == 0, "kvm_read at kvm_nlist's value");
	kvm_close(kd);

	kd = kvm_openfiles(NULL, core, NULL, O_RDONLY, err);
	check(kd != NULL && kvm_nlist(kd, nl) == -1 &&
	    strstr(kvm_geterr(kd), "no kernel ELF") != NULL,
	    "kvm_nlist without a kernel: -1: %s", kd ? kvm_geterr(kd) : err);
	kvm_close(kd);
	return harness_status();
}
