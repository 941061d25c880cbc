/* idt.c: the interrupt descriptor table: every vector goes to its stub in
 * vectors.S; double faults and NMIs run on their own stacks. With fastsys
 * (the program in ring 0) every other vector enters on the IST_FAST stack,
 * through the stubs that move the frame off it, and NMIs through one that
 * leaves %gs alone (vectors.S). */
#include "kernel/kernel.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"

struct idt_gate {
	uint16_t off0;
	uint16_t sel;
	uint8_t ist;
	uint8_t type;
	uint16_t off1;
	uint32_t off2;
	uint32_t zero;
} __attribute__((packed));

static struct idt_gate idt[256];
extern const uint64_t trap_vectors[256];
extern const uint64_t trap_vectors_ist[256];
void fast_nmi(void);

static void set_gate(int v, uint64_t addr, int ist, int dpl)
{
	idt[v].off0 = addr & 0xFFFF;
	idt[v].sel = SEL_KCODE;
	idt[v].ist = ist;
	idt[v].type = 0x8E | (dpl << 5); /* present, 64-bit interrupt gate */
	idt[v].off1 = (addr >> 16) & 0xFFFF;
	idt[v].off2 = addr >> 32;
	idt[v].zero = 0;
}

void idt_init(void)
{
	const uint64_t *stubs = kopts.fastsys ? trap_vectors_ist : trap_vectors;
	int ist = kopts.fastsys ? IST_FAST : 0;

	for (int v = 0; v < 256; v++)
		set_gate(v, stubs[v], ist, 0);
	set_gate(T_DF, trap_vectors[T_DF], 1, 0);
	set_gate(T_NMI, kopts.fastsys ? (uint64_t)fast_nmi : trap_vectors[T_NMI], 2, 0);
	set_gate(T_BP, stubs[T_BP], ist, 3); /* int3 from user: SIGTRAP */
	idt_load();
}

/* Every CPU loads the same IDT (idt_init runs again once the command line
 * is read: kernel/main.c). */
void idt_load(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) ptr = {
		sizeof(idt) - 1,
		(uint64_t)idt,
	};
	__asm__ volatile("lidt %0" : : "m"(ptr));
}
