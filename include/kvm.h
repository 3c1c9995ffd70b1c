/*
 * kvm.h: FreeBSD's <kvm.h> for code moving to libkvm_arm.
 *
 * It brings in the same API (kvm_arm.h: kvm_open2, kvm_read2, kvm_nlist2,
 * kvm_walk_pages, ...) and adds kvm_nlist with FreeBSD's a.out struct
 * nlist, so a program written for FreeBSD's <kvm.h> that uses these calls
 * compiles unchanged.  FreeBSD's per-CPU, process and swap calls
 * (kvm_getprocs, kvm_read_zpcpu, kvm_getswapinfo, ...) are not offered:
 * they read a live system or need a native kernel.
 *
 * The clash: Linux's elfutils installs an <nlist.h> whose struct nlist is
 * another layout (n_name, n_value, n_scnum, n_type, n_sclass, n_numaux).
 * When it was included before this header, struct nlist is elfutils' and
 * kvm_nlist is left out (use kvm_nlist2, which needs no struct nlist);
 * including <nlist.h> after this header fails to compile (struct nlist
 * defined twice).  Define KVM_ARM_NO_NLIST to leave struct nlist and
 * kvm_nlist out altogether.
 */
#ifndef KVM_ARM_KVM_H
#define KVM_ARM_KVM_H

#include <kvm_arm.h>

#if !defined(_NLIST_H) && !defined(_NLIST_H_) && !defined(KVM_ARM_NO_NLIST)
#define KVM_ARM_HAVE_NLIST 1

#ifdef __cplusplus
extern "C" {
#endif

/* FreeBSD's <nlist.h> (its in-memory form). */
struct nlist {
	const char *n_name;	/* symbol name */
	unsigned char n_type;	/* a.out type: N_DATA, N_TEXT, ... | N_EXT */
	char n_other;		/* 0 */
	short n_desc;		/* 0 */
	unsigned long n_value;	/* the symbol's value */
};

/*
 * kvm_nlist2 for struct nlist: each name up to a NULL or empty n_name gets
 * n_type and n_value (0 when not found); n_other and n_desc become 0.
 * Returns the number of names not found, or -1 (kvm_geterr).  Unlike
 * FreeBSD's, it works on a foreign host.
 */
int kvm_nlist(kvm_t *kd, struct nlist *nl);

#ifdef __cplusplus
}
#endif

#endif /* no other struct nlist */

#endif /* KVM_ARM_KVM_H */
