/* sysfs.c: the tree of /sys (made into inodes by fs/pseudo.c): the CPUs
 * under /sys/devices/system/cpu as Linux x86_64 shows them, for the CPUs
 * programs may use (kernel/sched.c: the ones started): the lists online,
 * possible and present, offline and isolated (empty), kernel_max, and
 * cpuN for each with its topology as QEMU's default `-smp N` makes it
 * (N sockets of one core of one thread: each CPU its own package, every
 * sibling mask and list the CPU alone). Like Linux on x86, cpu0 has no
 * "online" file: the boot CPU cannot go offline. */
#include "fs/pseudo.h"
#include "kernel/sched.h"
#include "arch/x86_64/cpu.h"

static void gen_empty(struct sbuf *sb) { sb_str(sb, "\n"); }
static void gen_one(struct sbuf *sb) { sb_str(sb, "1\n"); }
static void gen_zero(struct sbuf *sb) { sb_str(sb, "0\n"); }
static void gen_kernel_max(struct sbuf *sb) { sb_printf(sb, "%d\n", MAX_CPUS - 1); }

/* One CPU's directory: its topology (and "online" but for cpu0). */
#define NTOPO 13
struct cpu_dir {
	char name[8];
	struct pent topo[NTOPO];
	struct pdir topo_pdir;
	struct pent ents[2];
	struct pdir pdir;
};
static struct cpu_dir *dirs[MAX_CPUS];

/* The CPU whose topology file is being read. */
static int cpu_of_gen(void)
{
	for (int i = 0; i < MAX_CPUS; i++)
		if (dirs[i] && pseudo_gen_ent >= dirs[i]->topo &&
		    pseudo_gen_ent < dirs[i]->topo + NTOPO)
			return i;
	return 0;
}

static void gen_id(struct sbuf *sb) { sb_printf(sb, "%d\n", cpu_of_gen()); }

/* Linux's %*pb of the set {cpu}: hex, as many digits as the CPU ids
 * need, a comma every 32 bits. */
static void gen_self_mask(struct sbuf *sb)
{
	int cpu = cpu_of_gen();
	int bits = 64 - __builtin_clzl(sched_cpus_mask());
	for (int d = (bits + 3) / 4 - 1; d >= 0; d--) {
		sb_printf(sb, "%x", cpu / 4 == d ? 1 << (cpu % 4) : 0);
		if (d && d % 8 == 0)
			sb_str(sb, ",");
	}
	sb_str(sb, "\n");
}

#define TOPO(name, fn) \
	{ \
		name, S_IFREG | 0444, fn, NULL, NULL \
	}
static const struct pent topology_template[NTOPO] = {
	TOPO("core_cpus", gen_self_mask),
	TOPO("core_cpus_list", gen_id),
	TOPO("core_id", gen_zero),
	TOPO("core_siblings", gen_self_mask),
	TOPO("core_siblings_list", gen_id),
	TOPO("die_cpus", gen_self_mask),
	TOPO("die_cpus_list", gen_id),
	TOPO("die_id", gen_zero),
	TOPO("package_cpus", gen_self_mask),
	TOPO("package_cpus_list", gen_id),
	TOPO("physical_package_id", gen_id),
	TOPO("thread_siblings", gen_self_mask),
	TOPO("thread_siblings_list", gen_id),
};

static const struct pent cpu_fixed[] = {
	{ "isolated", S_IFREG | 0444, gen_empty, NULL, NULL },
	{ "kernel_max", S_IFREG | 0444, gen_kernel_max, NULL, NULL }, /* NR_CPUS - 1 */
	{ "offline", S_IFREG | 0444, gen_empty, NULL, NULL },
	{ "online", S_IFREG | 0444, gen_cpu_list, NULL, NULL },
	{ "possible", S_IFREG | 0444, gen_cpu_list, NULL, NULL },
	{ "present", S_IFREG | 0444, gen_cpu_list, NULL, NULL },
};
static struct pent cpu_ents[MAX_CPUS + ARRAY_SIZE(cpu_fixed)];
static struct pdir cpu_pdir = { .ents = cpu_ents };
static const struct pent system_ents[] = { { "cpu", S_IFDIR | 0755, NULL, &cpu_pdir, NULL } };
static struct pdir system_pdir = { .ents = system_ents, .n = ARRAY_SIZE(system_ents) };
static const struct pent devices_ents[] = {
	{ "system", S_IFDIR | 0755, NULL, &system_pdir, NULL },
};
static struct pdir devices_pdir = { .ents = devices_ents, .n = ARRAY_SIZE(devices_ents) };
static const struct pent sysfs_ents[] = {
	{ "devices", S_IFDIR | 0755, NULL, &devices_pdir, NULL },
};
struct pdir sysfs_pdir = { .ents = sysfs_ents, .n = ARRAY_SIZE(sysfs_ents) };

int sysfs_init(void)
{
	uint64_t mask = sched_cpus_mask();
	size_t n = 0;
	for (int i = 0; i < MAX_CPUS; i++) {
		if (!(mask & (1UL << i)))
			continue;
		struct cpu_dir *d = kzalloc(sizeof(*d));
		if (!d)
			return -ENOMEM;
		ksnprintf(d->name, sizeof(d->name), "cpu%d", i);
		dirs[i] = d;
		for (size_t k = 0; k < NTOPO; k++)
			d->topo[k] = topology_template[k];
		d->topo_pdir = (struct pdir){ .ents = d->topo, .n = NTOPO };
		d->ents[0] = (struct pent){ "topology", S_IFDIR | 0755, NULL, &d->topo_pdir, NULL };
		d->ents[1] = (struct pent){ "online", S_IFREG | 0644, gen_one, NULL, NULL };
		d->pdir = (struct pdir){ .ents = d->ents, .n = i ? 2 : 1 };
		cpu_ents[n++] = (struct pent){ d->name, S_IFDIR | 0755, NULL, &d->pdir, NULL };
	}
	for (size_t k = 0; k < ARRAY_SIZE(cpu_fixed); k++)
		cpu_ents[n++] = cpu_fixed[k];
	cpu_pdir.n = n;
	return 0;
}
