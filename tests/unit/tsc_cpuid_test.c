/* tsc_cpuid_test.c: the TSC frequency the kernel takes from CPUID
 * (arch/x86_64/tsc_cpuid.c), given CPUs described leaf by leaf: QEMU
 * 7.2's TCG offers neither leaf 0x15 nor 0x40000010, so no boot test can
 * reach these paths. */
#include "tap.h"
#include "arch/x86_64/tsc_cpuid.h"

#include <stdbool.h>

/* A CPU: its leaves; one past the top of a range answers like Intel
 * (the highest basic leaf's values). */
struct leaf {
	uint32_t leaf, r[4];
};

static const struct leaf *cpu;

static void fake_cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	const struct leaf *top = NULL;

	(void)sub;
	for (const struct leaf *l = cpu; l->leaf != UINT32_MAX; l++) {
		if (l->leaf == leaf) {
			memcpy(r, l->r, sizeof(l->r));
			return;
		}
		if (l->leaf < 0x40000000 && (!top || l->leaf > top->leaf))
			top = l;
	}
	if (top)
		memcpy(r, top->r, sizeof(top->r));
	else
		memset(r, 0, 4 * sizeof(*r));
}

static uint64_t hz_of(const struct leaf *c, const char **src)
{
	cpu = c;
	*src = "none";
	return tsc_cpuid_hz(fake_cpuid, src);
}

#define HV (1u << 31)
#define END \
	{ \
		UINT32_MAX, { 0 } \
	}

int main(void)
{
	const char *src;

	/* QEMU/KVM -cpu host,+invtsc: KVM's leaves up to 0x40000010, 2.1 GHz */
	static const struct leaf kvm[] = {
		{ 0, { 0x16 } },
		{ 1, { 0, 0, HV } },
		{ 0x15, { 2, 175, 24000000 } },
		{ 0x40000000, { 0x40000010, 0x4b4d564b, 0x564b4d56, 0x4d } },
		{ 0x40000010, { 2100000, 1000000 } },
		END,
	};
	is_int(hz_of(kvm, &src), 2100000000, "KVM: leaf 0x40000010 (kHz), before leaf 0x15");
	is_str(src, "CPUID 0x40000010", "... named");

	/* Intel without a hypervisor: 24 MHz crystal, ratio 2:175 (2.1 GHz) */
	static const struct leaf intel[] = {
		{ 0, { 0x16 } },
		{ 1, { 0 } },
		{ 0x15, { 2, 175, 24000000 } },
		END,
	};
	is_int(hz_of(intel, &src), 2100000000, "leaf 0x15: crystal Hz * ebx / eax");
	is_str(src, "CPUID 0x15", "... named");

	/* The hypervisor bit clear: leaf 0x40000010 is not asked for */
	static const struct leaf nohv[] = {
		{ 0, { 0xd } },
		{ 1, { 0 } },
		{ 0x40000000, { 0x40000010 } },
		{ 0x40000010, { 2100000 } },
		END,
	};
	is_int(hz_of(nohv, &src), 0, "no hypervisor bit: leaf 0x40000010 ignored");

	/* TCG: hypervisor leaves up to 0x40000001, basic up to 0xd; a leaf
	 * past the top answers with leaf 0xd's values */
	static const struct leaf tcg[] = {
		{ 0, { 0xd } },
		{ 1, { 0, 0, HV } },
		{ 0xd, { 7, 0x240, 0x340 } },
		{ 0x40000000, { 0x40000001, 0x54474354 } },
		{ 0x40000001, { 0 } },
		END,
	};
	is_int(hz_of(tcg, &src), 0, "TCG: both leaves past the top: none");
	is_str(src, "none", "... and no source named");

	/* Leaf 0x15 without the crystal's rate (ecx 0), or zero ratio */
	static const struct leaf nocrystal[] = {
		{ 0, { 0x16 } },
		{ 1, { 0 } },
		{ 0x15, { 2, 175, 0 } },
		END,
	};
	is_int(hz_of(nocrystal, &src), 0, "leaf 0x15 without the crystal's Hz: none");
	static const struct leaf zero15[] = {
		{ 0, { 0x16 } },
		{ 1, { 0 } },
		{ 0x15, { 0, 0, 24000000 } },
		END,
	};
	is_int(hz_of(zero15, &src), 0, "leaf 0x15 with a zero ratio: none");

	/* A hypervisor whose timing leaf is 0 (not known): leaf 0x15 next */
	static const struct leaf hv0[] = {
		{ 0, { 0x15 } },
		{ 1, { 0, 0, HV } },
		{ 0x15, { 1, 100, 25000000 } },
		{ 0x40000000, { 0x40000010 } },
		{ 0x40000010, { 0 } },
		END,
	};
	is_int(hz_of(hv0, &src), 2500000000u, "leaf 0x40000010 of 0: leaf 0x15 instead");
	is_str(src, "CPUID 0x15", "... named");

	/* A hypervisor range top that is not one (garbage past 0x400000ff) */
	static const struct leaf junk[] = {
		{ 0, { 0xd } },
		{ 1, { 0, 0, HV } },
		{ 0x40000000, { 0x7fffffff } },
		{ 0x40000010, { 1234 } },
		END,
	};
	is_int(hz_of(junk, &src), 0, "a hypervisor leaf count past its range: ignored");

	return tap_done();
}
