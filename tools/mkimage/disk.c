/* disk.c: bootable disk images made with Debian's GRUB. The raw disk has
   an MBR with GRUB's boot.img, GRUB's BIOS core image in the gap after it
   (sectors 1..2047, where boot.img and core.img look by default), and one
   FAT partition (type 0xEF, an EFI system partition) from 1 MiB holding
   /EFI/BOOT/BOOTX64.EFI (GRUB for UEFI), /boot/grub/grub.cfg,
   /boot/htux.elf and /boot/app.cpio: SeaBIOS and OVMF both boot it.
   qcow2, GCE and AWS images are that disk converted or packed; the ISO
   comes from grub-mkrescue. */
#include "disk.h"
#include "fileio.h"
#include "report.h"
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define GRUB_LIB "/usr/lib/grub"
#define SECTOR 512
#define PART_START 2048 /* sectors: the partition at 1 MiB */
#define MIB (1024 * 1024)
#define GIB (1024LL * MIB)
#define MIN_ESP (8 * MIB)
#define MAX_WORK_FILES 16

/* Modules built into GRUB's images: nothing is loaded from the disk. */
#define GRUB_MODULES_COMMON "part_msdos", "fat", "multiboot2", "normal", "serial", "echo", "halt"

static const char *const format_names[] = {
	[FORMAT_CPIO] = "cpio", [FORMAT_RAW] = "raw", [FORMAT_QCOW2] = "qcow2",
	[FORMAT_ISO] = "iso",   [FORMAT_GCE] = "gce", [FORMAT_AWS] = "aws",
	[FORMAT_OCI] = "oci",
};

int disk_format_parse(const char *s)
{
	for (size_t i = 0; i < sizeof format_names / sizeof *format_names; i++)
		if (!strcmp(s, format_names[i]))
			return (int)i;
	return -1;
}

const char *disk_format_name(int format) { return format_names[format]; }

/* The work directory and what is made in it, removed in reverse order. */
static char work[64];
static char work_files[MAX_WORK_FILES][128];
static volatile int nwork_files;

/* work/name, remembered for disk_cleanup(). */
static const char *work_path(const char *name)
{
	int n = nwork_files;

	if (n == MAX_WORK_FILES)
		abort();
	snprintf(work_files[n], sizeof work_files[n], "%s/%s", work, name);
	nwork_files = n + 1;
	return work_files[n];
}

void disk_cleanup(void)
{
	while (nwork_files > 0) {
		const char *p = work_files[--nwork_files];
		if (unlink(p))
			rmdir(p);
	}
	if (work[0])
		rmdir(work);
	work[0] = '\0';
}

static int make_work_dir(void)
{
	const char *t = getenv("TMPDIR");

	if (!t || !*t || strlen(t) > 40)
		t = "/tmp";
	snprintf(work, sizeof work, "%s/htux-mkimage.XXXXXX", t);
	if (!mkdtemp(work)) {
		mk_error(work, "cannot create: %s", strerror(errno));
		work[0] = '\0';
		return -1;
	}
	return 0;
}

/* grub.cfg: boot at once, no menu; on failure say so and power off. */
static int write_grub_cfg(const char *path, const char *append)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		mk_error(path, "%s", strerror(errno));
		return -1;
	}
	fprintf(f,
		"# grub.cfg: written by htux-mkimage. GRUB (BIOS or UEFI) loads the\n"
		"# htux kernel by multiboot2 with the program image as its module, with\n"
		"# no menu and nothing printed on the serial console. Kernel options\n"
		"# (verbose, NAME=VALUE, -- PROG ARGS...) follow the kernel's path.\n"
		"set gfxpayload=keep\n"
		"multiboot2 /boot/htux.elf%s%s\n"
		"module2 /boot/app.cpio\n"
		"boot\n"
		"# Reached only when booting failed: say so on the serial console, stop.\n"
		"serial --unit=0 --speed=115200\n"
		"terminal_output serial console\n"
		"echo \"htux: GRUB could not boot /boot/htux.elf with /boot/app.cpio\"\n"
		"halt\n",
		append && *append ? " " : "", append ? append : "");
	if (fclose(f)) {
		mk_error(path, "write error: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int grub_image(const char *target, const char *out, const char *prefix, const char *log)
{
	char dir[64];
	char *argv[] = { "grub-mkimage",
			 "-O",
			 (char *)target,
			 "-d",
			 dir,
			 "-o",
			 (char *)out,
			 "-p",
			 (char *)prefix,
			 GRUB_MODULES_COMMON,
			 !strcmp(target, "i386-pc") ? "biosdisk" : NULL,
			 NULL };
	const char *pkg = !strcmp(target, "i386-pc") ? "grub-pc-bin" : "grub-efi-amd64-bin";

	snprintf(dir, sizeof dir, GRUB_LIB "/%s", target);
	if (access(dir, R_OK)) {
		mk_error(dir, "%s (install Debian's %s)", strerror(errno), pkg);
		return -1;
	}
	return spawn(argv, log, "grub-common");
}

/* The FAT partition's contents, made with mtools in the file esp. */
static int make_esp(const char *esp, off_t size, const struct disk_spec *d, const char *efi,
		    const char *cfg, const char *log)
{
	char *mformat[] = {
		"mformat", "-i", (char *)esp, "-v", "HTUX", "-N", "48545558", "::", NULL
	};
	char *mmd[] = { "mmd",         "-i",      (char *)esp,    "::/EFI",
			"::/EFI/BOOT", "::/boot", "::/boot/grub", NULL };
	const char *copies[][2] = {
		{ efi, "::/EFI/BOOT/BOOTX64.EFI" },
		{ cfg, "::/boot/grub/grub.cfg" },
		{ d->kernel, "::/boot/htux.elf" },
		{ d->cpio, "::/boot/app.cpio" },
	};
	int fd = open(esp, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || ftruncate(fd, size)) {
		mk_error(esp, "%s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	if (spawn(mformat, log, "mtools") || spawn(mmd, log, "mtools"))
		return -1;
	for (size_t i = 0; i < sizeof copies / sizeof *copies; i++) {
		char *mcopy[] = {
			"mcopy", "-i", (char *)esp, (char *)copies[i][0], (char *)copies[i][1], NULL
		};
		if (spawn(mcopy, log, "mtools"))
			return -1;
	}
	return 0;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* The raw disk at out: MBR (boot.img + the partition table), core.img
   from sector 1, the ESP from PART_START; size bytes in all. */
static int assemble(const char *out, const char *core, const char *esp, off_t esp_size, off_t size)
{
	const char *boot_img = GRUB_LIB "/i386-pc/boot.img";
	uint8_t mbr[SECTOR] = { 0 }, *pe = mbr + 446;
	size_t blen, clen;
	char *boot, *c;
	int fd, r = -1;

	boot = read_file(boot_img, &blen);
	if (!boot)
		return -1;
	c = read_file(core, &clen);
	if (!c) {
		free(boot);
		return -1;
	}
	if (blen != SECTOR) {
		mk_error(boot_img, "not one sector");
		goto out;
	}
	if (clen > (PART_START - 1) * SECTOR) {
		mk_error(core, "GRUB's core image is larger than the space before the partition");
		goto out;
	}
	memcpy(mbr, boot, 440); /* code; then the disk signature */
	put32(mbr + 440, 0x48545558);
	pe[0] = 0x80; /* active */
	pe[1] = 0xFE;
	pe[2] = 0xFF;
	pe[3] = 0xFF; /* CHS: use the LBA */
	pe[4] = 0xEF; /* EFI system partition */
	pe[5] = 0xFE;
	pe[6] = 0xFF;
	pe[7] = 0xFF;
	put32(pe + 8, PART_START);
	put32(pe + 12, (uint32_t)(esp_size / SECTOR));
	mbr[510] = 0x55;
	mbr[511] = 0xAA;

	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		mk_error(out, "%s", strerror(errno));
		goto out;
	}
	if (write_all(fd, mbr, sizeof mbr, out) || write_all(fd, c, clen, out) ||
	    copy_sparse(esp, fd, (off_t)PART_START * SECTOR, out))
		goto out_fd;
	if (ftruncate(fd, size)) {
		mk_error(out, "%s", strerror(errno));
		goto out_fd;
	}
	if (close(fd)) {
		mk_error(out, "write error: %s", strerror(errno));
		goto out;
	}
	r = 0;
	goto out;
out_fd:
	close(fd);
out:
	free(boot);
	free(c);
	return r;
}

/* The raw disk (all formats but iso) at out. */
static int make_raw(const struct disk_spec *d, const char *out, const char *cfg, const char *log)
{
	const char *core = work_path("core.img"), *efi = work_path("BOOTX64.EFI");
	const char *esp = work_path("esp.img");
	off_t ksize, csize, esize, total, esp_size, disk_size;
	int whole_gib = d->format == FORMAT_GCE || d->format == FORMAT_AWS;

	if (grub_image("i386-pc", core, "(,msdos1)/boot/grub", log) ||
	    grub_image("x86_64-efi", efi, "/boot/grub", log) || file_size(d->kernel, &ksize) ||
	    file_size(d->cpio, &csize) || file_size(efi, &esize))
		return -1;
	total = ksize + csize + esize;
	esp_size = (total + total / 8 + 4 * MIB + MIB - 1) / MIB * MIB;
	if (esp_size < MIN_ESP)
		esp_size = MIN_ESP;
	disk_size = (off_t)PART_START * SECTOR + esp_size;
	if (whole_gib) {
		/* GCE wants a whole number of GiB; the ESP takes it all */
		disk_size = (disk_size + GIB - 1) / GIB * GIB;
		esp_size = disk_size - (off_t)PART_START * SECTOR;
	}
	if (esp_size / SECTOR > UINT32_MAX) {
		mk_error(d->cpio, "too large for an MBR partition");
		return -1;
	}
	if (make_esp(esp, esp_size, d, efi, cfg, log))
		return -1;
	return assemble(out, core, esp, esp_size, disk_size);
}

/* Is prog an executable in $PATH? */
static int in_path(const char *prog)
{
	const char *p = getenv("PATH");
	char buf[4096];

	while (p && *p) {
		size_t n = strcspn(p, ":");
		snprintf(buf, sizeof buf, "%.*s/%s", (int)n, p, prog);
		if (n && access(buf, X_OK) == 0)
			return 1;
		p += n + (p[n] == ':');
	}
	return 0;
}

/* Dates the ISO's tree (its files and directories) t. */
static int date_tree(const char *const paths[], int64_t t)
{
	struct timespec ts[2] = { { (time_t)t, 0 }, { (time_t)t, 0 } };

	for (size_t i = 0; paths[i]; i++)
		if (utimensat(AT_FDCWD, paths[i], ts, AT_SYMLINK_NOFOLLOW)) {
			mk_error(paths[i], "%s", strerror(errno));
			return -1;
		}
	return 0;
}

/* grub-mkrescue's ISO: BIOS (El Torito and MBR) and UEFI (its own ESP).
   grub-mkrescue 2.06 writes the current time into the volume UUID and
   its GRUB configuration (and dates the files it makes), whatever
   SOURCE_DATE_EPOCH says: under faketime (Debian's faketime, when
   installed) its clock stands still at d->mtime, which with our files
   dated d->mtime and xorriso's SOURCE_DATE_EPOCH support gives the same
   ISO every time. */
static int make_iso(const struct disk_spec *d, const char *cfg_text_src, const char *log)
{
	const char *root = work_path("iso"), *bootdir = work_path("iso/boot");
	const char *grubdir = work_path("iso/boot/grub");
	const char *cfg = work_path("iso/boot/grub/grub.cfg");
	const char *kernel = work_path("iso/boot/htux.elf");
	const char *cpio = work_path("iso/boot/app.cpio");
	char when[40];
	char *argv[] = { "faketime",
			 "-f",
			 when,
			 "grub-mkrescue",
			 "-o",
			 (char *)d->output,
			 "--modules=multiboot2 normal iso9660 serial echo halt",
			 "--locales=",
			 "--themes=",
			 "--fonts=",
			 (char *)root,
			 NULL };

	if (mkdir(root, 0755) || mkdir(bootdir, 0755) || mkdir(grubdir, 0755)) {
		mk_error(work, "%s", strerror(errno));
		return -1;
	}
	if (copy_file(cfg_text_src, cfg) || copy_file(d->kernel, kernel) ||
	    copy_file(d->cpio, cpio))
		return -1;
	const char *const tree[] = { cfg, kernel, cpio, grubdir, bootdir, root, NULL };
	/* xorriso takes SOURCE_DATE_EPOCH=0 for unset, and a clock standing
	   at 0 gives it random GPT GUIDs: 1970-01-01 00:00:01 then */
	time_t t = d->mtime > 0 ? (time_t)d->mtime : 1;
	struct tm tm;
	char sde[24];

	if (date_tree(tree, t))
		return -1;
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(sde, sizeof sde, "%lld", (long long)t);
	setenv("SOURCE_DATE_EPOCH", sde, 1);
	setenv("TZ", "UTC", 1);
	return spawn(in_path("faketime") ? argv : argv + 3, log, "grub-common");
}

int disk_make(const struct disk_spec *d)
{
	const char *log, *cfg, *raw;
	int r = -1;

	setenv("MTOOLS_SKIP_CHECK", "1", 1);
	if (make_work_dir())
		return -1;
	log = work_path("log");
	cfg = work_path("grub.cfg");
	if (write_grub_cfg(cfg, d->append))
		goto out;
	switch (d->format) {
	case FORMAT_RAW:
	case FORMAT_AWS: r = make_raw(d, d->output, cfg, log); break;
	case FORMAT_QCOW2: {
		char *argv[] = { "qemu-img", "convert",         "-f", "raw", "-O", "qcow2",
				 NULL,       (char *)d->output, NULL };
		raw = work_path("disk.raw");
		argv[6] = (char *)raw;
		r = make_raw(d, raw, cfg, log) || spawn(argv, log, "qemu-utils") ? -1 : 0;
		break;
	}
	case FORMAT_GCE: {
		/* GCE imports a gzip'd tar holding exactly disk.raw */
		char mtime[32];
		char *argv[] = { "tar",
				 "--format=oldgnu",
				 "-Sczf",
				 (char *)d->output,
				 "--owner=0",
				 "--group=0",
				 "--numeric-owner",
				 mtime,
				 "-C",
				 work,
				 "disk.raw",
				 NULL };
		snprintf(mtime, sizeof mtime, "--mtime=@%lld", (long long)d->mtime);
		raw = work_path("disk.raw");
		r = make_raw(d, raw, cfg, log) || spawn(argv, log, "tar") ? -1 : 0;
		break;
	}
	case FORMAT_ISO: r = make_iso(d, cfg, log); break;
	default: mk_error(NULL, "no disk image in format %s", disk_format_name(d->format));
	}
out:
	disk_cleanup();
	return r;
}
