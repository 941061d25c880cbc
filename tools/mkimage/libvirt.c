/* libvirt.c: writes a libvirt domain for an htux image: direct kernel boot
   (<kernel>, <initrd>, <cmdline>) for a cpio, or a disk booted by SeaBIOS
   or OVMF for a GRUB image. The console is the first serial port (a pty,
   for `virsh console`, logged to NAME.console); the second serial port is
   a file, NAME.exit, where the kernel writes "htux-exit N" with the
   program's status; the kernel then powers off through ACPI, which
   on_poweroff turns into the domain's end. */
#define _GNU_SOURCE
#include "libvirt.h"
#include "disk.h"
#include "report.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OVMF_CODE "/usr/share/OVMF/OVMF_CODE_4M.fd"
#define OVMF_VARS "/usr/share/OVMF/OVMF_VARS_4M.fd"

/* s with &, <, >, ' and " escaped, for text and attributes. */
static void xml_text(FILE *f, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '\'': fputs("&apos;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
}

static void element(FILE *f, const char *indent, const char *tag, const char *text)
{
	fprintf(f, "%s<%s>", indent, tag);
	xml_text(f, text);
	fprintf(f, "</%s>\n", tag);
}

static void disk(FILE *f, const char *file, const char *type, const char *dev)
{
	fprintf(f,
		"    <disk type='file' device='disk'>\n"
		"      <driver name='qemu' type='%s'/>\n"
		"      <source file='",
		type);
	xml_text(f, file);
	fprintf(f, "'/>\n      <target dev='%s' bus='virtio'/>\n    </disk>\n", dev);
}

/* The absolute path of an existing file, or NULL after saying why. */
static char *absolute(const char *path)
{
	char *p = realpath(path, NULL);

	if (!p)
		mk_error(path, "%s", strerror(errno));
	return p;
}

static void write_domain(FILE *f, const struct libvirt_spec *l, const char *image,
			 const char *kernel, const char *exitfile, const char *consolefile)
{
	int direct = l->format == FORMAT_CPIO;

	fprintf(f,
		"<!-- libvirt domain written by htux-mkimage. virsh define %s.xml,\n"
		"     virsh start %s, virsh console %s; the console is logged to %s.console\n"
		"     and the program's exit status written to %s.exit -->\n",
		l->name, l->name, l->name, l->name, l->name);
	fprintf(f, "<domain type='%s'>\n", l->kvm ? "kvm" : "qemu");
	element(f, "  ", "name", l->name);
	fprintf(f, "  <memory unit='MiB'>%lu</memory>\n  <vcpu>1</vcpu>\n", l->memory_mib);
	fprintf(f, "  <os>\n    <type arch='x86_64' machine='pc'>hvm</type>\n");
	if (direct) {
		element(f, "    ", "kernel", kernel);
		element(f, "    ", "initrd", image);
		if (l->append && *l->append)
			element(f, "    ", "cmdline", l->append);
	} else {
		if (l->uefi)
			fprintf(f,
				"    <loader readonly='yes' type='pflash'>" OVMF_CODE "</loader>\n"
				"    <nvram template='" OVMF_VARS "'/>\n");
		fprintf(f, "    <boot dev='%s'/>\n", l->format == FORMAT_ISO ? "cdrom" : "hd");
	}
	fprintf(f, "  </os>\n"
		   "  <features>\n    <acpi/>\n  </features>\n"
		   "  <clock offset='utc'/>\n"
		   "  <on_poweroff>destroy</on_poweroff>\n"
		   "  <on_reboot>destroy</on_reboot>\n"
		   "  <on_crash>destroy</on_crash>\n"
		   "  <devices>\n");
	if (l->format == FORMAT_ISO) {
		fprintf(f, "    <disk type='file' device='cdrom'>\n"
			   "      <driver name='qemu' type='raw'/>\n      <source file='");
		xml_text(f, image);
		fprintf(f,
			"'/>\n      <target dev='hdc' bus='ide'/>\n      <readonly/>\n    </disk>\n");
	} else if (!direct) {
		disk(f, image, l->format == FORMAT_QCOW2 ? "qcow2" : "raw", "vda");
	}
	if (l->blk)
		disk(f, l->blk, "raw", "vdb");
	if (l->net)
		fprintf(f,
			"    <interface type='user'>\n      <model type='virtio'/>\n    </interface>\n");
	fprintf(f, "    <serial type='pty'>\n      <log file='");
	xml_text(f, consolefile);
	fprintf(f, "' append='off'/>\n      <target port='0'/>\n    </serial>\n"
		   "    <serial type='file'>\n      <source path='");
	xml_text(f, exitfile);
	fprintf(f,
		"'/>\n      <target port='1'/>\n    </serial>\n"
		"    <console type='pty'>\n      <target type='serial' port='0'/>\n    </console>\n"
		"    <controller type='usb' model='none'/>\n"
		"    <memballoon model='none'/>\n"
		"  </devices>\n</domain>\n");
}

int libvirt_write(const struct libvirt_spec *l)
{
	char *image = NULL, *kernel = NULL, *blk = NULL, *dir = NULL;
	char *xml = NULL, *exitfile = NULL, *consolefile = NULL;
	struct libvirt_spec s = *l;
	FILE *f;
	int r = -1;

	image = absolute(l->image);
	dir = absolute(l->dir);
	if (!image || !dir)
		goto out;
	if (l->format == FORMAT_CPIO && !(kernel = absolute(l->kernel)))
		goto out;
	if (l->blk && !(blk = absolute(l->blk)))
		goto out;
	s.blk = blk;
	if (asprintf(&xml, "%s/%s.xml", dir, l->name) < 0 ||
	    asprintf(&exitfile, "%s/%s.exit", dir, l->name) < 0 ||
	    asprintf(&consolefile, "%s/%s.console", dir, l->name) < 0) {
		xml = exitfile = consolefile = NULL;
		mk_error(NULL, "out of memory");
		goto out;
	}
	f = fopen(xml, "w");
	if (!f) {
		mk_error(xml, "%s", strerror(errno));
		goto out;
	}
	write_domain(f, &s, image, kernel, exitfile, consolefile);
	if (fclose(f)) {
		mk_error(xml, "write error: %s", strerror(errno));
		goto out;
	}
	r = 0;
out:
	free(image);
	free(kernel);
	free(blk);
	free(dir);
	free(xml);
	free(exitfile);
	free(consolefile);
	return r;
}
