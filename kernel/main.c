/* main.c: the kernel's start: bring up the console, memory, CPU tables
 * and the file system from the initrd (or a root disk, root=), then run
 * the program the image (or the command line) names. */
#include "kernel/kernel.h"
#include "kernel/bootinfo.h"
#include "kernel/cmdline.h"
#include "kernel/user.h"
#include "kernel/pmem.h"
#include "kernel/sched.h"
#include "kernel/exec.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/io.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/serial.h"
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/smp.h"
#include "fs/vfs.h"
#include "fs/mount.h"
#include "net/stack.h"
#include "drivers/virtio/virtio.h"
#include "drivers/virtio/console.h"

#define MIN_FREE_PAGES 256 /* 1 MiB: below this nothing useful runs */
#define STATUS_BAD_IMAGE 125

static struct bootinfo bi;
static struct cmdline cl;

/* Reads a whole file of the image into a new NUL-terminated buffer. */
static char *read_image_file(const char *path, size_t *len)
{
	int err;
	struct inode *ino = fs_lookup(path, true, &err);
	if (!ino)
		return NULL;
	size_t n = inode_size(ino);
	char *buf = kmalloc(n + 1);
	if (!buf || inode_read(ino, buf, n, 0) != (ssize_t)n)
		return NULL;
	buf[n] = 0;
	*len = n;
	return buf;
}

/* Splits a blob of NUL-terminated strings into v; returns the count. */
static int split_blob(char *blob, size_t len, char **v, int max)
{
	int n = 0;
	for (size_t i = 0; i < len && n < max; i += strlen(blob + i) + 1)
		v[n++] = blob + i;
	return n;
}

static int env_set(char **env, int n, int max, char *word)
{
	size_t klen = strchr(word, '=') - word + 1;
	for (int i = 0; i < n; i++)
		if (!strncmp(env[i], word, klen)) {
			env[i] = word;
			return n;
		}
	if (n < max)
		env[n++] = word;
	return n;
}

void panic_test_run(int kind);

void kmain(uint32_t magic, uint32_t info)
{
	static char *argv[CMDLINE_MAX_WORDS], *envp[CMDLINE_MAX_WORDS];
	const char *path;
	int argc, envc = 0;

	percpu_early(); /* cur_thread and current are read through %gs */
	time_init();
	serial_init();
	if (bootinfo_parse(magic, info, &bi)) {
		kprintf("htux: not started by a multiboot or PVH loader (magic %x)\n", magic);
		vm_exit(STATUS_BAD_IMAGE);
	}
	if (pmem_init(&bi)) {
		kprintf("htux: too little memory for the kernel's page maps beside the image (%lu KiB of program image); give the VM more with -m\n",
			(unsigned long)((bi.initrd_end - bi.initrd_start) / 1024));
		vm_halt(STATUS_BAD_IMAGE);
	}
	/* before anything allocates: the page tables, the ACPI and device
	 * tables would find no page */
	if (pmem_free_pages() < MIN_FREE_PAGES) {
		kprintf("htux: too little memory (%lu KiB free after the kernel and image); give the VM more with -m\n",
			pmem_free_pages() * 4);
		vm_halt(STATUS_BAD_IMAGE);
	}
	paging_init(pmem_max_phys());
	gdt_init();
	idt_init();
	syscall_init();
	outb(0x21, 0xFF); /* mask the legacy PICs: nothing uses them */
	outb(0xA1, 0xFF);
	acpi_set_rsdp(bi.acpi_rsdp);
	if (cmdline_parse(bi.cmdline, &cl))
		vm_exit(STATUS_BAD_IMAGE);
	if (kopts.fastsys) {
		idt_init(); /* the program in ring 0: its gates and entries */
		syscall_init();
	}
	if (kopts.panic_test)
		panic_test_run(kopts.panic_test); /* kernel/panic_test.c */
	kinfo("booted by %s, %lu KiB free, command line '%s'\n", bi.loader, pmem_free_pages() * 4,
	      bi.cmdline);
	smp_init();
	if (!bi.initrd_start && !cl.root) {
		kprintf("htux: no program image: give one with -initrd (see htux-mkimage), or a root disk with root=/dev/vdX\n");
		vm_exit(STATUS_BAD_IMAGE);
	}
	/* with root=, the initrd (optional) is only a RAM filesystem under
	 * the disk: its /dev, /proc, /sys and /tmp are used */
	int err = bi.initrd_start
			  ? fs_init(phys_to_virt(bi.initrd_start), bi.initrd_end - bi.initrd_start)
			  : fs_init(NULL, 0);
	if (err)
		vm_exit(STATUS_BAD_IMAGE); /* fs_init said why */
	virtio_pci_init();
	virtio_mmio_init();
	if (kopts.console_hvc && !hvc_present()) {
		kprintf("htux: console=hvc: no virtio console found (QEMU: -device virtio-serial-pci -device virtconsole,chardev=ID)\n");
		vm_exit(STATUS_BAD_IMAGE);
	}
	console_irq_init();
	if (blockdev_nodes_init())
		kprintf("htux: cannot make the disk files in /dev\n");
	if (cl.root && mounts_root(cl.root))
		vm_exit(STATUS_BAD_IMAGE); /* mounts_root said why */
	if (mounts_boot(cl.mount_dev, cl.mount_path, cl.nmounts))
		vm_exit(STATUS_BAD_IMAGE); /* mounts_boot said why */

	net_init();
	size_t len;
	char *blob = read_image_file("/.htux/env", &len);
	if (blob)
		envc = split_blob(blob, len, envp, CMDLINE_MAX_WORDS - 1);
	for (int i = 0; i < cl.nenv; i++)
		envc = env_set(envp, envc, CMDLINE_MAX_WORDS - 1, cl.env[i]);

	if (cl.argc) {
		path = cl.argv[0];
		argc = cl.argc;
		memcpy(argv, cl.argv, argc * sizeof(char *));
	} else {
		blob = read_image_file("/.htux/argv", &len);
		char *words[CMDLINE_MAX_WORDS];
		int n = blob ? split_blob(blob, len, words, CMDLINE_MAX_WORDS - 1) : 0;
		if (n < 2) {
			kprintf("htux: the image names no program (/.htux/argv); make it with htux-mkimage or give '-- PROG' in -append\n");
			vm_exit(STATUS_BAD_IMAGE);
		}
		path = words[0];
		argc = n - 1;
		memcpy(argv, words + 1, argc * sizeof(char *));
	}
	/* the user to run as: kernel option user=, else the image's
	 * /.htux/user; HOME from its passwd entry when none is set */
	static struct run_user user;
	const char *spec = cl.user;
	if (!spec && (blob = read_image_file("/.htux/user", &len)) != NULL) {
		char *nl = strchr(blob, '\n');
		if (nl)
			*nl = 0;
		spec = blob[0] ? blob : NULL;
	}
	if (spec) {
		int e = user_resolve(spec, &user);
		if (e) {
			kprintf("htux: user '%s': %s\n", spec,
				e == -ENOENT ? "no such user in the image's /etc/passwd"
					     : "not NAME|UID[:GID]");
			vm_exit(STATUS_BAD_IMAGE);
		}
		bool home = false;
		for (int i = 0; i < envc; i++)
			home |= !strncmp(envp[i], "HOME=", 5);
		static char home_word[5 + sizeof(user.home)];
		if (!home && envc < CMDLINE_MAX_WORDS - 1) {
			strlcpy(home_word, "HOME=", sizeof(home_word));
			strlcpy(home_word + 5, user.home, sizeof(home_word) - 5);
			envp[envc++] = home_word;
		}
	}
	/* the working directory: the image's /.htux/cwd (htux-mkimage --oci) */
	char *cwd = read_image_file("/.htux/cwd", &len);
	if (cwd) {
		char *nl = strchr(cwd, '\n');
		if (nl)
			*nl = 0;
		if (!cwd[0])
			cwd = NULL;
	}
	argv[argc] = NULL;
	envp[envc] = NULL;
	exec_program(path, argv, argc, envp, envc, spec ? &user : NULL, cwd);
}
