/* qemu.c: the htux-mkimage and QEMU command lines of one run. */
#include "qemu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OVMF_CODE "/usr/share/OVMF/OVMF_CODE.fd" /* Debian's ovmf */
#define OVMF_VARS "/usr/share/OVMF/OVMF_VARS.fd"

void mem_for_image(long long image_bytes, char *buf, size_t len)
{
	long long mib = (image_bytes + (1 << 20) - 1) >> 20;

	mib = (mib + 96 + 63) / 64 * 64;
	if (mib < 128)
		mib = 128;
	snprintf(buf, len, "%lldM", mib);
}

int is_ext2(const char *path)
{
	unsigned char magic[2] = { 0 };
	FILE *f = fopen(path, "rb");

	if (f) {
		if (fseek(f, 1024 + 56, SEEK_SET) || fread(magic, 1, 2, f) != 2)
			magic[0] = 0;
		fclose(f);
	}
	return magic[0] == 0x53 && magic[1] == 0xef; /* s_magic 0xEF53 */
}

char *kernel_cmdline(const struct htux_opts *o, int root_disk)
{
	const char *flags[16], *w, *mp;
	size_t n = 0, len = 1, i;
	char *s;

	if (o->verbose)
		flags[n++] = "verbose";
	if (o->trace)
		flags[n++] = "trace";
	if (o->strace)
		flags[n++] = "strace";
	if (o->hvc)
		flags[n++] = "console=hvc";
	if (o->summary)
		flags[n++] = "syscall_summary";
	if (o->init)
		flags[n++] = "init";
	if (o->notty)
		flags[n++] = "notty";
	if (o->err3)
		flags[n++] = "stderr=com3";
	if (o->fastsys)
		flags[n++] = "fastsys";
	if (o->sysrw)
		flags[n++] = "sysrw";
	if (root_disk)
		flags[n++] = "root=/dev/vda";
	for (i = 0; i < n; i++)
		len += strlen(flags[i]) + 1;
	for (i = 0; i < o->ndisks; i++)
		len += strlen(o->disks[i]) + 16;
	for (i = 0; i < o->nappend; i++)
		len += strlen(o->append[i]) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (i = 0; i < n; i++) {
		if (*s)
			strcat(s, " ");
		strcat(s, flags[i]);
	}
	/* --disk FILE:/MOUNTPOINT: mount.vdX=/MOUNTPOINT (after vda, the
	   root disk) */
	for (i = 0; i < o->ndisks; i++) {
		free(disk_split(o->disks[i], &mp));
		if (!mp)
			continue;
		if (*s)
			strcat(s, " ");
		sprintf(s + strlen(s), "mount.vd%c=%s", (char)('a' + root_disk + i), mp);
	}
	for (i = 0; i < o->nappend; i++) {
		w = o->append[i];
		if (!*w)
			continue;
		if (*s)
			strcat(s, " ");
		strcat(s, w);
	}
	return s;
}

int mkimage_command(const struct htux_opts *o, const struct run_paths *p, struct argvec *out)
{
	size_t i;

	argvec_push(out, p->mkimage);
	argvec_push(out, "-o");
	argvec_push(out, p->image);
	if (o->boot) { /* a GRUB disk: the command line goes in grub.cfg */
		char *cmdline = kernel_cmdline(o, 0);
		argvec_push(out, "--format");
		argvec_push(out, "raw");
		argvec_push(out, "--kernel");
		argvec_push(out, p->kernel);
		if (!cmdline || *cmdline) {
			argvec_push(out, "--append");
			argvec_push(out, cmdline);
		}
		free(cmdline);
	}
	for (i = 0; i < o->nmk; i++)
		argvec_push(out, o->mk[i]);
	if (p->minimal) {
		argvec_push(out, "--minimal");
		argvec_push(out, p->minimal);
	}
	if (o->rootfs) {
		argvec_push(out, "--rootfs");
		argvec_push(out, o->rootfs);
	}
	if (o->oci) {
		argvec_push(out, "--oci");
		argvec_push(out, o->oci);
	}
	argvec_push(out, "--");
	for (i = 0; i < o->nprog; i++)
		argvec_push(out, o->prog[i]);
	return out->nomem ? -1 : 0;
}

/* s with each ',' doubled, as QEMU option values need. */
static char *commas(const char *s)
{
	size_t n = strlen(s), i, k = 0;
	char *r;

	for (i = 0; s[i]; i++)
		n += s[i] == ',';
	r = malloc(n + 1);
	if (!r)
		return NULL;
	for (i = 0; s[i]; i++) {
		r[k++] = s[i];
		if (s[i] == ',')
			r[k++] = ',';
	}
	r[k] = '\0';
	return r;
}

/* "qcow2" when path starts with qcow2's magic, else "raw" (raw disks and
   ISO images, which are hybrid: they boot as disks too). */
static const char *disk_format(const char *path)
{
	unsigned char magic[4] = { 0 };
	FILE *f = fopen(path, "rb");

	if (f) {
		if (fread(magic, 1, 4, f) != 4)
			magic[0] = 0;
		fclose(f);
	}
	return !memcmp(magic, "QFI\xfb", 4) ? "qcow2" : "raw";
}

/* The virtio devices: disks and the console; PCI on pc and q35, MMIO on
   microvm, where virtio 1.x replaces QEMU's legacy default for every
   virtio-mmio device (also those given with --qemu-arg). Returns 0 when
   out of memory. */
static int devices(const struct htux_opts *o, const struct run_paths *p, struct argvec *out)
{
	int mmio = !strcmp(o->machine, "microvm");
	const char *mp;
	size_t i;

	if (mmio) {
		argvec_push(out, "-global");
		argvec_push(out, "virtio-mmio.force-legacy=false");
	}
	if (p->root_disk) { /* vda: the image, as the root (root=/dev/vda) */
		char *f = commas(p->image);
		if (!f)
			return 0;
		argvec_push(out, "-drive");
		argvec_pushf(out, "file=%s,if=none,format=raw,id=htux-root", f);
		free(f);
	}
	for (i = 0; i < o->ndisks; i++) {
		char *file = disk_split(o->disks[i], &mp), *f = file ? commas(file) : NULL;
		if (!f) {
			free(file);
			return 0;
		}
		argvec_push(out, "-drive");
		argvec_pushf(out, "file=%s,if=none,format=raw,id=htux-d%zu", f, i);
		free(f);
		free(file);
	}
	/* The disks' devices: the root disk, then --disk's in order (vda,
	   vdb, ...). microvm hands its virtio-mmio slots out from the top
	   down and the kernel scans them upwards, so there they go in
	   reverse. */
	size_t ndev = o->ndisks + (p->root_disk ? 1 : 0);
	for (size_t k = 0; k < ndev; k++) {
		size_t j = mmio ? ndev - 1 - k : k; /* j-th disk: vda, vdb, ... */
		const char *dev = mmio ? "virtio-blk-device" : "virtio-blk-pci";
		argvec_push(out, "-device");
		if (p->root_disk && j == 0)
			argvec_pushf(out, "%s,drive=htux-root", dev);
		else
			argvec_pushf(out, "%s,drive=htux-d%zu", dev, j - (p->root_disk ? 1 : 0));
	}
	if (o->net) {
		/* QEMU's user network (10.0.2.0/24, DHCP, DNS at 10.0.2.3) with
		   -p ports forwarded from the host's 127.0.0.1. */
		size_t n = 32;
		for (i = 0; i < o->nports; i++)
			n += strlen(o->ports[i]) + 40;
		char *nd = malloc(n);
		if (!nd)
			return 0;
		strcpy(nd, "user,id=htux-n0");
		for (i = 0; i < o->nports; i++) {
			int h, g;
			const char *proto;
			if (port_split(o->ports[i], &h, &g, &proto) == 0)
				sprintf(nd + strlen(nd), ",hostfwd=%s:127.0.0.1:%d-:%d", proto, h,
					g);
		}
		argvec_push(out, "-netdev");
		argvec_push(out, nd);
		argvec_push(out, "-device");
		argvec_push(out, mmio ? "virtio-net-device,netdev=htux-n0"
				      : "virtio-net-pci,netdev=htux-n0");
		free(nd);
	}
	if (o->hvc) {
		argvec_push(out, "-device");
		argvec_push(out, mmio ? "virtio-serial-device" : "virtio-serial-pci");
		argvec_push(out, "-device");
		argvec_push(out, "virtconsole,chardev=htux-con");
	}
	return 1;
}

int qemu_command(const struct htux_opts *o, const struct run_paths *p, struct argvec *out)
{
	char *cmdline = kernel_cmdline(o, p->root_disk);
	char *image = commas(p->image), *status = commas(p->status);
	size_t i;
	int ok;

	argvec_push(out, p->qemu);
	argvec_push(out, "-M");
	argvec_push(out, o->machine);
	argvec_push(out, "-m");
	argvec_push(out, p->mem ? p->mem : o->mem ? o->mem : MEM_DEFAULT);
	if (o->smp) {
		argvec_push(out, "-smp");
		argvec_push(out, o->smp);
	}
	argvec_push(out, "-accel");
	argvec_push(out, p->kvm ? "kvm" : "tcg");
	if (o->cpu || p->kvm) {
		argvec_push(out, "-cpu");
		argvec_push(out, o->cpu ? o->cpu : "host");
	}
	argvec_push(out, "-nodefaults");
	argvec_push(out, "-no-reboot");
	argvec_push(out, "-display");
	argvec_push(out, "none");
	argvec_push(out, "-monitor");
	argvec_push(out, "none");
	if (o->boot) {
		/* firmware and GRUB boot the disk; OVMF's variables are
		   written to a throw-away overlay */
		if (!strcmp(o->boot, "uefi")) {
			argvec_push(out, "-drive");
			argvec_push(out, "if=pflash,format=raw,readonly=on,file=" OVMF_CODE);
			argvec_push(out, "-drive");
			argvec_push(out, "if=pflash,format=raw,snapshot=on,file=" OVMF_VARS);
		}
		argvec_push(out, "-drive");
		argvec_pushf(out, "file=%s,format=%s", image ? image : "", disk_format(p->image));
	} else {
		argvec_push(out, "-kernel");
		argvec_push(out, p->kernel);
		if (image && !p->root_disk) {
			argvec_push(out, "-initrd");
			argvec_push(out, image);
		}
		if (cmdline) {
			argvec_push(out, "-append");
			argvec_push(out, cmdline);
		}
	}
	if (o->hvc) {
		/* The program's console on a virtconsole port; COM1 keeps the
		   kernel's own lines, on stderr. */
		argvec_push(out, "-chardev");
		argvec_push(out, "stdio,id=htux-con");
		argvec_push(out, "-chardev");
		argvec_push(out, "file,id=htux-com1,path=/dev/stderr,append=on");
		argvec_push(out, "-serial");
		argvec_push(out, "chardev:htux-com1");
	} else {
		argvec_push(out, "-serial");
		argvec_push(out, "stdio");
	}
	if (status) {
		argvec_push(out, "-chardev");
		argvec_pushf(out, "file,id=htux-status,path=%s", status);
	}
	argvec_push(out, "-device");
	argvec_push(out, "isa-serial,chardev=htux-status,iobase=0x2f8,irq=3");
	if (o->err3) { /* the program's stderr (never read: no interrupt) */
		argvec_push(out, "-chardev");
		argvec_push(out, "file,id=htux-err,path=/dev/stderr,append=on");
		argvec_push(out, "-device");
		argvec_push(out, "isa-serial,chardev=htux-err,iobase=0x3e8,irq=5");
	}
	argvec_push(out, "-device");
	argvec_push(out, "isa-debug-exit,iobase=0xf4,iosize=4");
	ok = devices(o, p, out);
	if (o->gdb_port > 0) { /* gdbstub, paused until gdb continues */
		argvec_push(out, "-gdb");
		argvec_pushf(out, "tcp:127.0.0.1:%d", o->gdb_port);
		argvec_push(out, "-S");
	}
	for (i = 0; i < o->nqemu_args; i++)
		argvec_push(out, o->qemu_args[i]);
	free(cmdline);
	free(image);
	free(status);
	return out->nomem || !ok || !cmdline || !image || !status ? -1 : 0;
}
