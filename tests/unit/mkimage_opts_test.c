/* mkimage_opts_test.c: unit tests of htux-mkimage's command line, paths
   and manifests (tools/mkimage/options.c, path.c, manifest.c). */
#include "tap.h"
#include "disk.h"
#include "manifest.h"
#include "options.h"
#include "path.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ARGC(a) ((int)(sizeof(a) / sizeof(a[0])))

static void test_parse(void)
{
	char err[256];
	struct mk_opts o;

	{
		char *a[] = { "htux-mkimage", "-o", "x.cpio", "/bin/busybox", "ls", "-l" };
		ok(mk_parse(ARGC(a), a, &o, err, sizeof err) == 0, "plain command line");
		is_str(o.output, "x.cpio", "-o");
		is_str(o.prog, "/bin/busybox", "PROG");
		is_int(o.nargs, 2, "options stop at PROG: 2 ARGs");
		is_str(o.args[1], "-l", "an ARG that looks like an option");
		is_int(o.nenv + o.nadd, 0, "no -e, no --add");
		mk_opts_free(&o);
	}
	{
		char *a[] = { "htux-mkimage", "-ox.cpio",    "-e",
			      "A=1",          "--env=B=2=3", "-eC=",
			      "--add",        "/etc",        "--add=rel:/guest/dir",
			      "--output",     "y",           "--",
			      "-prog" };
		ok(mk_parse(ARGC(a), a, &o, err, sizeof err) == -1, "-o twice refused");
		is_str(err, "-o given twice", "message for -o twice");
		mk_opts_free(&o);
		a[9] = "--";
		a[10] = "--";
		ok(mk_parse(ARGC(a) - 2, a, &o, err, sizeof err) == 0, "all option forms");
		is_str(o.output, "x.cpio", "-oFILE");
		is_int(o.nenv, 3, "three -e");
		is_str(o.env[1], "B=2=3", "--env=NAME=VALUE keeps later =");
		is_str(o.env[2], "C=", "empty VALUE allowed");
		is_int(o.nadd, 2, "two --add");
		is_str(o.add[0].host, "/etc", "--add HOST");
		ok(o.add[0].guest == NULL, "--add HOST has no GUEST");
		is_str(o.add[1].host, "rel", "--add=HOST:GUEST host");
		is_str(o.add[1].guest, "/guest/dir", "--add=HOST:GUEST guest");
		is_str(o.prog, "--", "-- ends options, the next -- is PROG");
		mk_opts_free(&o);
	}
	{
		char *a[] = { "htux-mkimage", "-o", "x", "--", "-prog", "a" };
		ok(mk_parse(ARGC(a), a, &o, err, sizeof err) == 0 && !strcmp(o.prog, "-prog") &&
			   o.nargs == 1,
		   "PROG after -- may start with -");
		mk_opts_free(&o);
	}
	{
		char *a[] = { "htux-mkimage",
			      "--minimal=k.elf",
			      "--minimal-ignore-unknown",
			      "-o",
			      "x",
			      "p" };
		ok(mk_parse(ARGC(a), a, &o, err, sizeof err) == 0 && !strcmp(o.minimal, "k.elf") &&
			   o.minimal_ignore_unknown,
		   "--minimal=KERNEL --minimal-ignore-unknown");
		mk_opts_free(&o);
	}
	{
		char *a[] = { "htux-mkimage", "--help" };
		ok(mk_parse(ARGC(a), a, &o, err, sizeof err) == 0 && o.help,
		   "--help needs nothing else");
		mk_opts_free(&o);
		a[1] = "--version";
		ok(mk_parse(ARGC(a), a, &o, err, sizeof err) == 0 && o.version,
		   "--version needs nothing else");
		mk_opts_free(&o);
	}
	static const struct {
		int argc;
		char *argv[6];
		const char *msg;
	} bad[] = {
		{ 2, { "m", "/bin/true" }, "missing -o IMAGE (see --help)" },
		{ 3, { "m", "-o", "x" }, "missing PROG (see --help)" },
		{ 2, { "m", "-o" }, "-o needs a file name" },
		{ 4, { "m", "-o", "", "p" }, "-o: empty file name" },
		{ 5, { "m", "-o", "x", "-e", "FOO" }, "-e FOO: expected NAME=VALUE" },
		{ 5, { "m", "-o", "x", "-e", "=v" }, "-e =v: expected NAME=VALUE" },
		{ 5,
		  { "m", "-o", "x", "--add", "a:b" },
		  "--add a:b: GUEST must be an absolute path" },
		{ 5, { "m", "-o", "x", "--add", ":/b" }, "--add: empty HOST path" },
		{ 4, { "m", "-o", "x", "--add" }, "--add needs HOST[:GUEST]" },
		{ 4, { "m", "-q", "-o", "x" }, "unknown option -q (see --help)" },
		{ 4, { "m", "--outputx", "-o", "x" }, "unknown option --outputx (see --help)" },
		{ 4, { "m", "-o", "x", "" }, "empty PROG" },
		{ 4,
		  { "m", "-o", "x", "--minimal" },
		  "--minimal needs the file name of the kernel to write" },
		{ 5,
		  { "m", "-o", "x", "--minimal-ignore-unknown", "p" },
		  "--minimal-ignore-unknown needs --minimal KERNEL" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *argv[6];

		memcpy(argv, bad[i].argv, sizeof argv);
		err[0] = '\0';
		ok(mk_parse(bad[i].argc, argv, &o, err, sizeof err) == -1, "refused: %s",
		   bad[i].msg);
		is_str(err, bad[i].msg, "message");
		mk_opts_free(&o);
	}
}

static void test_manifests(void)
{
	static const char argv_bytes[] = "/bin/busybox\0busybox\0ls\0\0-l";
	static const char env_def[] = "PATH=/usr/local/bin:/usr/bin:/bin\0HOME=/";
	static const char env_set[] = "PATH=/x\0HOME=/\0TZ=UTC\0A=2";
	const char *set[] = { "TZ=UTC", "PATH=/x", "A=1", "A=2" };
	char *args[] = { "ls", "", "-l" };
	struct blob b;

	ok(manifest_argv(&b, "/bin/busybox", "busybox", args, 3) == 0, "argv manifest");
	ok(b.len == sizeof argv_bytes && !memcmp(b.data, argv_bytes, b.len),
	   "argv manifest: path, argv[0], ARGs (an empty one too), each NUL-terminated");
	blob_free(&b);
	ok(manifest_env(&b, NULL, 0) == 0, "default env manifest");
	ok(b.len == sizeof env_def && !memcmp(b.data, env_def, b.len),
	   "default env is PATH and HOME");
	blob_free(&b);
	ok(manifest_env(&b, set, 4) == 0, "env manifest with -e");
	ok(b.len == sizeof env_set && !memcmp(b.data, env_set, b.len),
	   "-e replaces in place, adds in order, last one wins");
	blob_free(&b);
	ok(manifest_valid_env("A=") && !manifest_valid_env("A") && !manifest_valid_env("=A"),
	   "NAME=VALUE needs a NAME and an =");
}

static void test_paths(void)
{
	static const char *norm[][2] = {
		{ "/", "/" },           { "//", "/" },
		{ "/a/b/", "/a/b" },    { "/a//b", "/a/b" },
		{ "/a/./b/.", "/a/b" }, { "/a/b/../c", "/a/c" },
		{ "/..", "/" },         { "/a/../../b", "/b" },
		{ "/a/..", "/" },       { "/.hidden/..x", "/.hidden/..x" },
	};
	char dir[] = "/tmp/htux-path-test.XXXXXX", *p, *q, file[64], cwd[4096];
	const char *old_path;
	FILE *f;

	for (size_t i = 0; i < sizeof norm / sizeof norm[0]; i++) {
		p = path_normalize(norm[i][0]);
		is_str(p, norm[i][1], "normalize %s", norm[i][0]);
		free(p);
	}
	p = path_join("/", "bin");
	is_str(p, "/bin", "join at the root");
	free(p);
	p = path_join("/usr", "bin");
	is_str(p, "/usr/bin", "join");
	free(p);

	if (!ok(mkdtemp(dir) != NULL, "mkdtemp"))
		return;
	snprintf(file, sizeof file, "%s/prog", dir);
	f = fopen(file, "w");
	if (f)
		fclose(f);
	old_path = getenv("PATH");
	old_path = old_path ? strdup(old_path) : NULL;
	setenv("PATH", "/nonexistent::/also/not", 1);
	ok(getcwd(cwd, sizeof cwd) != NULL && chdir(dir) == 0, "chdir to %s", dir);
	unsetenv("PWD");
	p = path_search("prog");
	is_str(p, "./prog", "non-executable file found only as a fallback, empty PATH entry is .");
	free(p);
	chmod(file, 0755);
	setenv("PATH", dir, 1);
	p = path_search("prog");
	is_str(p, file, "found in $PATH");
	free(p);
	p = path_search("nosuch");
	ok(p == NULL, "missing program: NULL");
	p = path_search("./x/../prog");
	is_str(p, "./x/../prog", "a name with / is not searched");
	q = path_absolute(p);
	is_str(q, file, "absolute path of a relative name");
	free(p);
	free(q);
	p = path_absolute("/bin/../bin//busybox");
	is_str(p, "/bin/busybox", "absolute path is lexical");
	free(p);
	if (old_path)
		setenv("PATH", old_path, 1);
	free((char *)old_path);
	ok(chdir(cwd) == 0, "chdir back");
	unlink(file);
	rmdir(dir);
}

/* --format, --kernel, --append and the libvirt options (disk.c, options.c). */
static void test_deploy(void)
{
	char err[256];
	struct mk_opts o;

	{
		char *a[] = { "htux-mkimage", "-o", "x", "/bin/true" };
		ok(mk_parse(ARGC(a), a, &o, err, sizeof err) == 0 && o.format == FORMAT_CPIO &&
			   o.kvm == -1 && !o.libvirt,
		   "defaults: cpio, no domain, kvm chosen later");
		mk_opts_free(&o);
	}
	{
		char *a[] = { "htux-mkimage", "--format=qcow2",  "--kernel",  "k.elf",
			      "--append",     "verbose -- /p a", "--libvirt", "vm-1.x",
			      "--memory=1G",  "--blk",           "d.raw",     "--net",
			      "--uefi",       "--tcg",           "-o",        "x",
			      "/bin/true" };
		ok(mk_parse(ARGC(a), a, &o, err, sizeof err) == 0, "all deployment options");
		is_int(o.format, FORMAT_QCOW2, "--format=qcow2");
		is_str(o.kernel, "k.elf", "--kernel");
		is_str(o.append, "verbose -- /p a", "--append keeps its words");
		is_str(o.libvirt, "vm-1.x", "--libvirt NAME");
		is_str(o.memory, "1G", "--memory=SIZE");
		is_int(o.memory_mib, 1024, "--memory=1G is 1024 MiB");
		is_str(o.blk, "d.raw", "--blk");
		ok(o.net && o.uefi && o.kvm == 0, "--net --uefi --tcg");
		mk_opts_free(&o);
	}
	struct {
		char *opt, *val, *msg;
	} bad[] = {
		{ "--format", "vmdk",
		  "--format vmdk: expected cpio, raw, qcow2, iso, gce, aws or oci" },
		{ "--append", "verbose", "--append needs --format (a GRUB image) or --libvirt" },
		{ "--kernel", "k", "--kernel needs --format (a GRUB image) or --libvirt" },
		{ "--memory", "1G",
		  "--memory, --blk, --net, --uefi, --kvm and --tcg go with --libvirt NAME" },
		{ "--libvirt", "a/b",
		  "--libvirt a/b: a name of letters, digits, '_', '.' and '-'" },
		{ "--libvirt", "-x", "--libvirt -x: a name of letters, digits, '_', '.' and '-'" },
		{ "--format", "", "--format needs a value (see --help)" },
		{ "--memory", "8", "--memory 8: expected a size like 256M or 1G (at least 16M)" },
		{ "--memory", "1X", "--memory 1X: expected a size like 256M or 1G (at least 16M)" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *a[] = { "htux-mkimage", bad[i].opt, bad[i].val, "-o", "x", "/bin/true" };
		ok(mk_parse(ARGC(a), a, &o, err, sizeof err) == -1, "refused: %s %s", bad[i].opt,
		   bad[i].val);
		is_str(err, bad[i].msg, "message for %s %s", bad[i].opt, bad[i].val);
		mk_opts_free(&o);
	}
	{
		char *a[] = { "htux-mkimage", "--libvirt", "v", "--uefi", "-o", "x", "/bin/true" };
		ok(mk_parse(ARGC(a), a, &o, err, sizeof err) == -1 &&
			   !strcmp(err, "--uefi boots a disk: use --format raw, qcow2 or aws"),
		   "--uefi needs a disk image");
		mk_opts_free(&o);
	}
	{
		char words[] = "verbose\nmenuentry x {";
		char *a[] = { "htux-mkimage", "--format", "iso", "--append",
			      words,          "-o",       "x",   "/bin/true" };
		ok(mk_parse(ARGC(a), a, &o, err, sizeof err) == -1 &&
			   !strcmp(err, "--append: the kernel command line is one line"),
		   "--append with a newline refused (it would add GRUB commands)");
		mk_opts_free(&o);
	}
	{
		char *a[] = { "htux-mkimage", "--format", "oci",      "--libvirt", "v",
			      "-o",           "x",        "/bin/true" };
		ok(mk_parse(ARGC(a), a, &o, err, sizeof err) == -1 &&
			   !strcmp(err,
				   "--libvirt: an OCI image does not boot in libvirt; use --format raw or qcow2"),
		   "--format oci with --libvirt refused");
		mk_opts_free(&o);
	}
	is_str(disk_format_name(disk_format_parse("gce")), "gce", "format names round-trip");
	is_int(disk_format_parse("oci"), FORMAT_OCI, "--format oci");
	is_int(disk_format_parse("GCE"), -1, "format names are lower case");
}

/* --oci IMAGE: what follows is docker run's ARGS (no PROG) */
static void test_oci(void)
{
	struct mk_opts o;
	char err[256];

	{
		char *a[] = { "htux-mkimage", "-o", "x", "--oci", "lay:tag", "sh", "-c", "ls" };
		ok(mk_parse(ARGC(a), a, &o, err, sizeof err) == 0, "--oci IMAGE ARGS");
		is_str(o.oci, "lay:tag", "--oci's value");
		ok(!o.prog && o.nargs == 3 && !strcmp(o.args[0], "sh"), "ARGS after the image");
		mk_opts_free(&o);
	}
	{
		char *a[] = { "htux-mkimage", "-o", "x", "--oci=lay" };
		ok(mk_parse(ARGC(a), a, &o, err, sizeof err) == 0 && o.nargs == 0,
		   "--oci=IMAGE without ARGS");
		mk_opts_free(&o);
	}
	{
		char *a[] = { "htux-mkimage", "-o", "x", "--minimal", "k", "--oci", "lay" };
		ok(mk_parse(ARGC(a), a, &o, err, sizeof err) == -1 &&
			   !strcmp(err,
				   "--oci: --minimal and --trace-files take a PROG, not an image"),
		   "--oci with --minimal refused");
		mk_opts_free(&o);
	}
	{
		char *a[] = { "htux-mkimage", "-o", "x", "--oci" };
		ok(mk_parse(ARGC(a), a, &o, err, sizeof err) == -1 &&
			   !strncmp(err, "--oci needs", 11),
		   "--oci without a value refused");
		mk_opts_free(&o);
	}
	{
		char *a[] = { "htux-mkimage", "-o", "x", "--oci", "lay" };
		ok(mk_parse(ARGC(a), a, &o, err, sizeof err) == 0 && o.rootfs == ROOTFS_AUTO,
		   "--rootfs defaults to auto");
		mk_opts_free(&o);
	}
	{
		char *a[] = { "htux-mkimage", "-o", "x", "--rootfs=disk", "--oci", "lay" };
		ok(mk_parse(ARGC(a), a, &o, err, sizeof err) == 0 && o.rootfs == ROOTFS_DISK,
		   "--rootfs=disk");
		mk_opts_free(&o);
	}
	static const struct {
		int argc;
		char *argv[9];
		const char *msg;
	} bad[] = {
		{ 5, { "m", "-o", "x", "--rootfs", "ram" }, "--rootfs needs auto, initrd or disk" },
		{ 9,
		  { "m", "-o", "x", "--rootfs", "disk", "--format", "raw", "--oci", "lay" },
		  "--rootfs disk: -o is an ext2 disk, not --format or --libvirt's image" },
		{ 9,
		  { "m", "-o", "x", "--rootfs", "disk", "--add", "/bin/sh", "--oci", "lay" },
		  "--rootfs disk: --add is not supported on a root disk; use --rootfs initrd" },
	};
	for (size_t i = 0; i < ARGC(bad); i++) {
		char *argv[9];

		memcpy(argv, bad[i].argv, sizeof argv);
		ok(mk_parse(bad[i].argc, argv, &o, err, sizeof err) == -1 &&
			   !strcmp(err, bad[i].msg),
		   bad[i].msg);
		mk_opts_free(&o);
	}
	{
		char *a[] = { "htux-mkimage", "-o", "x", "--rootfs", "disk", "/bin/sh" };
		ok(mk_parse(ARGC(a), a, &o, err, sizeof err) == -1 &&
			   !strcmp(err, "--rootfs goes with --oci (a container image)"),
		   "--rootfs without --oci refused");
		mk_opts_free(&o);
	}
}

int main(void)
{
	test_parse();
	test_oci();
	test_deploy();
	test_manifests();
	test_paths();
	return tap_done();
}
