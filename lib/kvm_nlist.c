/*
 * kvm_nlist.c: libkvm's kvm_nlist, with FreeBSD's struct nlist (kvm.h),
 * through kvm_nlist2.
 *
 * FreeBSD's kvm_nlist refuses a non-native kernel; here the kernel ELF is
 * read directly, so it works on any host.  struct nlist's n_value is an
 * unsigned long, wide enough for a 32-bit ARM kernel's addresses on every
 * host.
 */
#include <stdlib.h>

#include "kvm.h"

int
kvm_nlist(kvm_t *kd, struct nlist *nl)
{
	struct kvm_nlist one[2] = { { NULL, 0, 0 }, { NULL, 0, 0 } };
	int missing = 0;

	for (; nl->n_name != NULL && nl->n_name[0] != '\0'; nl++) {
		int rc;

		one[0].n_name = nl->n_name;
		rc = kvm_nlist2(kd, one);
		if (rc < 0)
			return -1;
		nl->n_type = rc == 0 ? one[0].n_type : 0;
		nl->n_value = rc == 0 ? (unsigned long)one[0].n_value : 0;
		nl->n_other = 0;
		nl->n_desc = 0;
		missing += rc;
	}
	return missing;
}
