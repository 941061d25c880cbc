/* sysfs.c: the tree of /sys (made into inodes by fs/pseudo.c): the CPUs
 * under /sys/devices/system/cpu as Linux x86_64 shows them, for the one
 * CPU htux runs on: the lists online, possible and present ("0"),
 * offline and isolated (empty), kernel_max, and cpu0 with its topology
 * (ids 0; every sibling mask and list is cpu0 alone). Like Linux on x86,
 * cpu0 has no "online" file: the boot CPU cannot go offline. */
#include "fs/pseudo.h"

static void gen_empty(struct sbuf *sb) { sb_str(sb, "\n"); }
static void gen_zero(struct sbuf *sb) { sb_str(sb, "0\n"); }
static void gen_mask(struct sbuf *sb) { sb_str(sb, "1\n"); } /* %*pb of {0} */

static const struct pent topology_ents[] = {
	{ "core_cpus", S_IFREG | 0444, gen_mask, NULL, NULL },
	{ "core_cpus_list", S_IFREG | 0444, gen_cpu_list, NULL, NULL },
	{ "core_id", S_IFREG | 0444, gen_zero, NULL, NULL },
	{ "core_siblings", S_IFREG | 0444, gen_mask, NULL, NULL },
	{ "core_siblings_list", S_IFREG | 0444, gen_cpu_list, NULL, NULL },
	{ "die_cpus", S_IFREG | 0444, gen_mask, NULL, NULL },
	{ "die_cpus_list", S_IFREG | 0444, gen_cpu_list, NULL, NULL },
	{ "die_id", S_IFREG | 0444, gen_zero, NULL, NULL },
	{ "package_cpus", S_IFREG | 0444, gen_mask, NULL, NULL },
	{ "package_cpus_list", S_IFREG | 0444, gen_cpu_list, NULL, NULL },
	{ "physical_package_id", S_IFREG | 0444, gen_zero, NULL, NULL },
	{ "thread_siblings", S_IFREG | 0444, gen_mask, NULL, NULL },
	{ "thread_siblings_list", S_IFREG | 0444, gen_cpu_list, NULL, NULL },
};
static struct pdir topology_pdir = { .ents = topology_ents, .n = ARRAY_SIZE(topology_ents) };

static const struct pent cpu0_ents[] = {
	{ "topology", S_IFDIR | 0755, NULL, &topology_pdir, NULL },
};
static struct pdir cpu0_pdir = { .ents = cpu0_ents, .n = ARRAY_SIZE(cpu0_ents) };

static const struct pent cpu_ents[] = {
	{ "cpu0", S_IFDIR | 0755, NULL, &cpu0_pdir, NULL },
	{ "isolated", S_IFREG | 0444, gen_empty, NULL, NULL },
	{ "kernel_max", S_IFREG | 0444, gen_zero, NULL, NULL }, /* NR_CPUS - 1 */
	{ "offline", S_IFREG | 0444, gen_empty, NULL, NULL },
	{ "online", S_IFREG | 0444, gen_cpu_list, NULL, NULL },
	{ "possible", S_IFREG | 0444, gen_cpu_list, NULL, NULL },
	{ "present", S_IFREG | 0444, gen_cpu_list, NULL, NULL },
};
static struct pdir cpu_pdir = { .ents = cpu_ents, .n = ARRAY_SIZE(cpu_ents) };
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
