/* ociout.c: --format oci: htux.elf and the program image (cpio) packed
   as a container image with Debian's umoci (umoci new, unpack, repack,
   config), its annotations saying how to boot it in urunc's convention
   (com.urunc.unikernel.*: on the manifest, as image labels, and in
   /urunc.json with base64 values, read with json-c's writer). */
#include "oci.h"
#include "fileio.h"
#include "report.h"
#include "spawn.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define OCI_KERNEL "/htux/htux.elf"
#define OCI_INITRD "/htux/app.cpio"

/* The annotations, in urunc's names. */
enum { A_TYPE, A_HYPERVISOR, A_BINARY, A_INITRD, A_CMDLINE, NANNOT };
static const char *const annot_names[NANNOT] = {
	"com.urunc.unikernel.unikernelType", "com.urunc.unikernel.hypervisor",
	"com.urunc.unikernel.binary",        "com.urunc.unikernel.initrd",
	"com.urunc.unikernel.cmdline",
};

static char *base64(const char *s)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(s), i, k = 0;
	char *out = malloc(4 * ((n + 2) / 3) + 1);

	if (!out)
		return NULL;
	for (i = 0; i < n; i += 3) {
		unsigned v = (unsigned char)s[i] << 16;
		if (i + 1 < n)
			v |= (unsigned char)s[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)s[i + 2];
		out[k++] = tab[v >> 18 & 63];
		out[k++] = tab[v >> 12 & 63];
		out[k++] = i + 1 < n ? tab[v >> 6 & 63] : '=';
		out[k++] = i + 2 < n ? tab[v & 63] : '=';
	}
	out[k] = '\0';
	return out;
}

/* /urunc.json: each annotation, its value base64-encoded (urunc reads it
   when the container engine does not pass annotations on). */
static int write_urunc_json(const char *path, const char *const val[NANNOT])
{
	json_object *o = json_object_new_object();
	int r = o ? 0 : -1;

	for (int i = 0; !r && i < NANNOT; i++) {
		char *b = base64(val[i]);
		json_object *s = b ? json_object_new_string(b) : NULL;
		free(b);
		r = s ? json_object_object_add(o, annot_names[i], s) : -1;
	}
	if (!r && json_object_to_file_ext(path, o, JSON_C_TO_STRING_PRETTY)) {
		mk_error(path, "cannot write: %s", json_util_get_last_err());
		r = 1;
	} else if (r) {
		mk_error(NULL, "out of memory");
	}
	json_object_put(o);
	return r ? -1 : 0;
}

static int sh_run(char *const argv[], const char *log) { return spawn(argv, log, "umoci"); }

/* Copies src into the root filesystem at guest (mode 0644). */
static int put(const char *rootfs, const char *src, const char *guest)
{
	char path[4096];

	snprintf(path, sizeof path, "%s%s", rootfs, guest);
	*strrchr(path, '/') = '\0';
	if (mkdir(path, 0755) && errno != EEXIST) {
		mk_error(path, "%s", strerror(errno));
		return -1;
	}
	snprintf(path, sizeof path, "%s%s", rootfs, guest);
	if (copy_file(src, path))
		return -1;
	if (chmod(path, 0644)) {
		mk_error(path, "%s", strerror(errno));
		return -1;
	}
	return 0;
}

int oci_write(const struct mk_opts *o, const char *kernel, const char *cpio)
{
	const char *t = getenv("TMPDIR"), *colon = strrchr(o->output, ':');
	char dir[4096], ref[4200], tmp[4096], bundle[4200], rootfs[4300], log[4200], file[4400];
	const char *val[NANNOT] = { "htux", "qemu", OCI_KERNEL, OCI_INITRD,
				    o->append ? o->append : "" };
	char opt[NANNOT][1024];
	struct stat st;
	int r = -1;

	/* DIR[:TAG], the tag defaulting to latest */
	if (colon && !strchr(colon, '/'))
		snprintf(dir, sizeof dir, "%.*s", (int)(colon - o->output), o->output);
	else
		snprintf(dir, sizeof dir, "%s", o->output);
	snprintf(ref, sizeof ref, "%s:%s", dir,
		 colon && !strchr(colon, '/') ? colon + 1 : "latest");
	snprintf(tmp, sizeof tmp, "%s/htux-ociout.XXXXXX", t && t[0] == '/' ? t : "/tmp");
	if (!mkdtemp(tmp)) {
		mk_error(tmp, "%s", strerror(errno));
		return -1;
	}
	oci_tmp_made(tmp);
	snprintf(bundle, sizeof bundle, "%s/bundle", tmp);
	snprintf(rootfs, sizeof rootfs, "%s/rootfs", bundle);
	snprintf(log, sizeof log, "%s/log", tmp);
	snprintf(file, sizeof file, "%s/oci-layout", dir);
	if (stat(file, &st)) {
		char *init[] = { "umoci", "init", "--layout", dir, NULL };
		if (!stat(dir, &st)) {
			mk_error(dir, "exists and is not an OCI image layout (no oci-layout file)");
			goto out;
		}
		if (sh_run(init, log))
			goto out;
	}
	char *new[] = { "umoci", "new", "--image", ref, NULL };
	char *unpack[] = { "umoci", "unpack", "--rootless", "--image", ref, bundle, NULL };
	char *repack[] = { "umoci", "repack", "--image", ref, bundle, NULL };
	if (sh_run(new, log) || sh_run(unpack, log) || put(rootfs, kernel, OCI_KERNEL) ||
	    put(rootfs, cpio, OCI_INITRD))
		goto out;
	snprintf(file, sizeof file, "%s/urunc.json", rootfs);
	if (write_urunc_json(file, val) || sh_run(repack, log))
		goto out;
	/* the annotations on the manifest and as labels of the image config */
	char *config[5 + 4 * NANNOT] = { "umoci", "config", "--image", ref };
	int n = 4;
	for (int i = 0; i < NANNOT; i++) {
		snprintf(opt[i], sizeof opt[0], "%s=%s", annot_names[i], val[i]);
		config[n++] = "--manifest.annotation";
		config[n++] = opt[i];
		config[n++] = "--config.label";
		config[n++] = opt[i];
	}
	config[n] = NULL;
	char *gc[] = { "umoci", "gc", "--layout", dir, NULL };
	if (sh_run(config, log) || sh_run(gc, log))
		goto out;
	r = 0;
out:
	oci_rmtree(tmp);
	return r;
}
