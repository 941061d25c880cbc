/* htux_opts_test.c: unit tests of the launcher's command line, the
   commands it builds and its exit-status rules (tools/htux/options.c,
   qemu.c, status.c). */
#include "tap.h"
#include "options.h"
#include "qemu.h"
#include "status.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define ARGC(a) ((int)(sizeof(a) / sizeof(a[0])))

/* The argument after the first occurrence of key in v, or NULL. */
static const char *after(const struct argvec *v, const char *key)
{
	for (size_t i = 0; i + 1 < v->n; i++)
		if (!strcmp(v->v[i], key))
			return v->v[i + 1];
	return NULL;
}

static int has(const struct argvec *v, const char *s)
{
	for (size_t i = 0; i < v->n; i++)
		if (!strcmp(v->v[i], s))
			return 1;
	return 0;
}

/* Memory without -m: the image's size plus 96 MiB, in steps of 64 MiB,
   at least 128 MiB. */
static void test_mem_for_image(void)
{
	char b[32];

	mem_for_image(0, b, sizeof b);
	is_str(b, "128M", "memory for an empty image");
	mem_for_image(32 << 20, b, sizeof b);
	is_str(b, "128M", "memory for a 32 MiB image");
	mem_for_image((32 << 20) + 1, b, sizeof b);
	is_str(b, "192M", "memory for an image just over 32 MiB");
	mem_for_image(117LL << 20, b, sizeof b);
	is_str(b, "256M", "memory for a 117 MiB image");
	mem_for_image(3LL << 30, b, sizeof b);
	is_str(b, "3200M", "memory for a 3 GiB image");
}

static void test_defaults(void)
{
	char *a[] = { "htux", "run", "/bin/busybox", "ls", "-l" };
	struct run_paths p = { "/b/htux-mkimage",
			       "qemu-system-x86_64",
			       "/k/htux.elf",
			       "/t/app.cpio",
			       "/t/status",
			       0,
			       NULL,
			       NULL,
			       0 };
	struct htux_opts o;
	struct argvec mk = { 0 }, q = { 0 };
	char err[256], *cl;

	ok(htux_parse(ARGC(a), a, &o, err, sizeof err) == 0, "htux run PROG ARGS");
	ok(o.mem == NULL, "default memory: sized from the image");
	is_str(o.machine, "pc", "default machine");
	is_int(o.accel, ACCEL_AUTO, "default accelerator: automatic");
	ok(!o.trace && !o.strace && !o.verbose && !o.dry_run, "flags off");
	ok(!o.kernel && !o.qemu && !o.keep && !o.cpu, "no paths");
	is_int(o.nprog, 3, "PROG and 2 ARGs, options stop at PROG");
	is_str(o.prog[2], "-l", "ARG that looks like an option");
	cl = kernel_cmdline(&o, 0);
	is_str(cl, "", "empty kernel command line");
	free(cl);
	ok(mkimage_command(&o, &p, &mk) == 0, "mkimage command");
	ok(mk.n == 7 && !strcmp(mk.v[0], "/b/htux-mkimage") && !strcmp(mk.v[1], "-o") &&
		   !strcmp(mk.v[2], "/t/app.cpio") && !strcmp(mk.v[3], "--") &&
		   !strcmp(mk.v[4], "/bin/busybox") && !strcmp(mk.v[6], "-l") && !mk.v[7],
	   "mkimage -o IMAGE -- PROG ARGS");
	ok(qemu_command(&o, &p, &q) == 0, "QEMU command");
	is_str(q.v[0], "qemu-system-x86_64", "QEMU program");
	is_str(after(&q, "-M"), "pc", "-M pc");
	is_str(after(&q, "-m"), "128M", "-m 128M");
	is_str(after(&q, "-accel"), "tcg", "-accel tcg");
	ok(!has(&q, "-cpu"), "no -cpu with TCG");
	is_str(after(&q, "-kernel"), "/k/htux.elf", "-kernel");
	is_str(after(&q, "-initrd"), "/t/app.cpio", "-initrd");
	is_str(after(&q, "-append"), "", "-append");
	is_str(after(&q, "-serial"), "stdio", "COM1 on stdio");
	is_str(after(&q, "-chardev"), "file,id=htux-status,path=/t/status", "status chardev");
	ok(has(&q, "isa-serial,chardev=htux-status,iobase=0x2f8,irq=3"), "COM2 at 0x2f8");
	ok(has(&q, "isa-debug-exit,iobase=0xf4,iosize=4"), "isa-debug-exit at 0xf4");
	ok(has(&q, "-nodefaults") && has(&q, "-no-reboot"), "-nodefaults -no-reboot");
	is_str(after(&q, "-display"), "none", "-display none");
	is_str(after(&q, "-monitor"), "none", "-monitor none");
	ok(q.v[q.n] == NULL, "NULL-terminated");
	argvec_free(&mk);
	argvec_free(&q);
	htux_opts_free(&o);
}

static void test_options(void)
{
	char *a[] = { "htux",          "run",          "-m",          "1G",        "--kvm",
		      "--machine=q35", "--trace",      "--strace",    "--verbose", "-e",
		      "A=1",           "--add",        "/etc:/guest", "--env=B=2", "--append",
		      "TZ=UTC",        "--append=x",   "--kernel",    "/k",        "--qemu=/q",
		      "--keep",        "/i,j.cpio",    "--cpu",       "max",       "--qemu-arg",
		      "-smp",          "--qemu-arg=2", "--dry-run",   "--",        "--prog" };
	struct run_paths p = { "mk", "/q", "/k", "/i,j.cpio", "/t/s,x", 1, NULL, NULL, 0 };
	struct htux_opts o;
	struct argvec mk = { 0 }, q = { 0 };
	char err[256], *cl;

	ok(htux_parse(ARGC(a), a, &o, err, sizeof err) == 0, "every option");
	is_str(o.mem, "1G", "-m");
	is_int(o.accel, ACCEL_KVM, "--kvm");
	is_str(o.machine, "q35", "--machine=");
	ok(o.trace && o.strace && o.verbose && o.dry_run, "flags");
	is_str(o.kernel, "/k", "--kernel");
	is_str(o.qemu, "/q", "--qemu=");
	is_str(o.keep, "/i,j.cpio", "--keep");
	is_str(o.cpu, "max", "--cpu");
	is_int(o.nprog, 1, "-- ends options");
	is_str(o.prog[0], "--prog", "PROG after --");
	cl = kernel_cmdline(&o, 0);
	is_str(cl, "verbose trace strace TZ=UTC x", "kernel command line");
	free(cl);
	ok(mkimage_command(&o, &p, &mk) == 0 && mk.n == 11, "mkimage command with -e and --add");
	ok(mk.n == 11 && !strcmp(mk.v[3], "-e") && !strcmp(mk.v[4], "A=1") &&
		   !strcmp(mk.v[5], "--add") && !strcmp(mk.v[6], "/etc:/guest") &&
		   !strcmp(mk.v[7], "-e") && !strcmp(mk.v[8], "B=2") && !strcmp(mk.v[9], "--") &&
		   !strcmp(mk.v[10], "--prog"),
	   "-e and --add passed on in order");
	ok(qemu_command(&o, &p, &q) == 0, "QEMU command");
	is_str(after(&q, "-accel"), "kvm", "-accel kvm");
	is_str(after(&q, "-cpu"), "max", "--cpu overrides -cpu host");
	is_str(after(&q, "-initrd"), "/i,,j.cpio", "commas doubled in -initrd");
	is_str(after(&q, "-chardev"), "file,id=htux-status,path=/t/s,,x",
	       "commas doubled in -chardev");
	is_str(after(&q, "-append"), "verbose trace strace TZ=UTC x", "-append");
	ok(q.n >= 2 && !strcmp(q.v[q.n - 2], "-smp") && !strcmp(q.v[q.n - 1], "2"),
	   "--qemu-arg at the end, in order");
	argvec_free(&mk);
	argvec_free(&q);
	htux_opts_free(&o);

	{
		char *b[] = { "htux", "run", "--kvm", "--tcg", "-m512M", "p" };
		struct run_paths pk = { "mk", "q", "k", "i", "s", 1, NULL, NULL, 0 };

		ok(htux_parse(ARGC(b), b, &o, err, sizeof err) == 0, "last of --kvm/--tcg wins");
		is_int(o.accel, ACCEL_TCG, "--tcg");
		is_str(o.mem, "512M", "-mSIZE");
		ok(qemu_command(&o, &pk, &q) == 0, "QEMU command with KVM");
		is_str(after(&q, "-cpu"), "host", "-cpu host with KVM");
		argvec_free(&q);
		htux_opts_free(&o);
	}
	{
		char *b[] = { "htux", "--help" };

		ok(htux_parse(ARGC(b), b, &o, err, sizeof err) == 0 && o.help, "htux --help");
		htux_opts_free(&o);
		b[1] = "--version";
		ok(htux_parse(ARGC(b), b, &o, err, sizeof err) == 0 && o.version, "htux --version");
		htux_opts_free(&o);
	}
	{
		char *b[] = { "htux", "run", "--help" };

		ok(htux_parse(ARGC(b), b, &o, err, sizeof err) == 0 && o.help, "htux run --help");
		htux_opts_free(&o);
	}
}

/* The debugging options: --syscall-summary, --gdb[=PORT], --minimal; and
 * --fast-syscalls. */
static void test_debug_options(void)
{
	char *a[] = { "htux",       "run",       "--syscall-summary",
		      "--gdb=4321", "--minimal", "--minimal-ignore-unknown",
		      "p" };
	struct run_paths p = { "mk", "q", "/t/kernel.elf", "i", "s", 0, "/t/kernel.elf", NULL, 0 };
	struct htux_opts o;
	struct argvec mk = { 0 }, q = { 0 };
	char err[256], *cl;

	ok(htux_parse(ARGC(a), a, &o, err, sizeof err) == 0, "debugging options");
	ok(o.summary && o.gdb_port == 4321 && o.minimal, "--syscall-summary --gdb=4321 --minimal");
	cl = kernel_cmdline(&o, 0);
	is_str(cl, "syscall_summary", "kernel option syscall_summary");
	free(cl);
	ok(mkimage_command(&o, &p, &mk) == 0 && mk.n == 8 &&
		   !strcmp(mk.v[3], "--minimal-ignore-unknown") && !strcmp(mk.v[4], "--minimal") &&
		   !strcmp(mk.v[5], "/t/kernel.elf") && !strcmp(mk.v[6], "--"),
	   "mkimage --minimal-ignore-unknown --minimal KERNEL");
	ok(qemu_command(&o, &p, &q) == 0, "QEMU command with --gdb");
	is_str(after(&q, "-gdb"), "tcp:127.0.0.1:4321", "-gdb tcp:127.0.0.1:PORT");
	ok(has(&q, "-S"), "-S: paused until gdb continues");
	is_str(after(&q, "-kernel"), "/t/kernel.elf", "the minimal kernel boots");
	argvec_free(&mk);
	argvec_free(&q);
	htux_opts_free(&o);
	{
		char *b[] = { "htux", "run", "--gdb", "p" };
		ok(htux_parse(ARGC(b), b, &o, err, sizeof err) == 0 && o.gdb_port == 1234,
		   "--gdb: port 1234");
		htux_opts_free(&o);
	}
	{
		char *b[] = { "htux", "run", "--init", "--strace", "p" };
		ok(htux_parse(ARGC(b), b, &o, err, sizeof err) == 0 && o.init, "--init");
		cl = kernel_cmdline(&o, 0);
		is_str(cl, "strace init", "kernel option init");
		free(cl);
		htux_opts_free(&o);
	}
	{
		char *b[] = { "htux", "run", "--fast-syscalls", "--init", "p" };
		ok(htux_parse(ARGC(b), b, &o, err, sizeof err) == 0 && o.fastsys,
		   "--fast-syscalls");
		cl = kernel_cmdline(&o, 0);
		is_str(cl, "init fastsys", "kernel option fastsys");
		free(cl);
		htux_opts_free(&o);
	}
	{
		char *b[] = { "htux", "run", "--rewrite-syscalls", "p" };
		struct argvec m2 = { 0 };
		ok(htux_parse(ARGC(b), b, &o, err, sizeof err) == 0 && o.sysrw,
		   "--rewrite-syscalls");
		cl = kernel_cmdline(&o, 0);
		is_str(cl, "sysrw", "kernel option sysrw");
		free(cl);
		ok(mkimage_command(&o, &p, &m2) == 0 && has(&m2, "--syscall-sites"),
		   "mkimage --syscall-sites");
		argvec_free(&m2);
		htux_opts_free(&o);
	}
}

static void test_errors(void)
{
	static const struct {
		int argc;
		char *argv[5];
		const char *msg;
	} bad[] = {
		{ 1, { "htux" }, "missing command (see htux --help)" },
		{ 2, { "htux", "walk" }, "unknown command walk (see htux --help)" },
		{ 2, { "htux", "run" }, "missing PROG (see htux --help)" },
		{ 3, { "htux", "run", "" }, "empty PROG" },
		{ 4, { "htux", "run", "--frob", "p" }, "unknown option --frob (see htux --help)" },
		{ 3, { "htux", "run", "-m" }, "-m needs a value (see htux --help)" },
		{ 4,
		  { "htux", "run", "-m", "lots" },
		  "-m lots: expected a memory size such as 128M or 1G" },
		{ 4,
		  { "htux", "run", "-m", "0" },
		  "-m 0: expected a memory size such as 128M or 1G" },
		{ 4,
		  { "htux", "run", "-m", "12Q" },
		  "-m 12Q: expected a memory size such as 128M or 1G" },
		{ 4,
		  { "htux", "run", "--machine", "isapc" },
		  "--machine isapc: expected pc, q35 or microvm" },
		{ 4, { "htux", "run", "-e", "NOVALUE" }, "-e NOVALUE: expected NAME=VALUE" },
		{ 4, { "htux", "run", "--add", ":/x" }, "--add: empty HOST path" },
		{ 4, { "htux", "run", "--kernel=", "p" }, "--kernel: empty path" },
		{ 4, { "htux", "run", "--kvmx", "p" }, "unknown option --kvmx (see htux --help)" },
		{ 4, { "htux", "run", "--mem=1G", "" }, "empty PROG" },
		{ 4,
		  { "htux", "run", "--disk", ":/mnt" },
		  "--disk :/mnt: expected FILE or FILE:/MOUNTPOINT" },
		{ 4,
		  { "htux", "run", "--console", "tty" },
		  "--console tty: expected serial or hvc" },
		{ 4,
		  { "htux", "run", "--gdb=0", "p" },
		  "--gdb=PORT: expected a TCP port from 1 to 65535" },
		{ 4,
		  { "htux", "run", "--gdb=http", "p" },
		  "--gdb=PORT: expected a TCP port from 1 to 65535" },
		{ 4,
		  { "htux", "run", "--minimal-ignore-unknown", "p" },
		  "--minimal-ignore-unknown needs --minimal" },
		{ 4,
		  { "htux", "run", "--verbose=1", "p" },
		  "--verbose takes no value (see htux --help)" },
		{ 4,
		  { "htux", "run", "--init=yes", "p" },
		  "--init takes no value (see htux --help)" },
		{ 4, { "htux", "run", "--qemu-arg=", "p" }, "--qemu-arg: empty argument" },
		{ 5,
		  { "htux", "run", "-p80:80", "-p80:81", "p" },
		  "-p 80:81: host port 80/tcp is already published" },
		{ 5,
		  { "htux", "run", "--init", "--image", "d" },
		  "--image: the disk already holds the program, its files and kernel options (give them to htux-mkimage)" },
	};
	struct htux_opts o;
	char err[256];

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *argv[5];

		memcpy(argv, bad[i].argv, sizeof argv);
		err[0] = '\0';
		ok(htux_parse(bad[i].argc, argv, &o, err, sizeof err) == -1, "refused: %s",
		   bad[i].msg);
		is_str(err, bad[i].msg, "message");
		htux_opts_free(&o);
	}
}

static void test_status(void)
{
	static const char two[] = "htux-exit 3\nnoise\nhtux-exit 200\r\n";

	is_int(status_parse("htux-exit 0\n", 12), 0, "status 0");
	is_int(status_parse("htux-exit 255\n", 14), 255, "status 255");
	is_int(status_parse(two, sizeof two - 1), 200, "last line wins, CR ignored");
	is_int(status_parse("htux-exit 256\n", 14), -1, "256 is no status");
	is_int(status_parse("htux-exit 7", 11), -1, "an unfinished line is no status");
	is_int(status_parse("htux-exit \n", 11), -1, "no number");
	is_int(status_parse("htux-exit 1x\n", 13), -1, "not a number");
	is_int(status_parse("xhtux-exit 1\n", 13), -1, "tag at line start only");
	is_int(status_parse("", 0), -1, "empty file");
	is_int(status_read("/nonexistent/status"), -1, "missing file");

	is_int(status_decide(42, 15 << 8, 0), 42, "the status line wins");
	is_int(status_decide(-1, 15 << 8, 0), 7, "isa-debug-exit 7: QEMU exits 15");
	is_int(status_decide(-1, 255 << 8, 0), 127, "QEMU exit 255: 127");
	is_int(status_decide(-1, 1 << 8, 0), 125, "QEMU exit 1 without status line: failure");
	is_int(status_decide(-1, 0, 0), 125, "QEMU exit 0 without status line: failure");
	is_int(status_decide(-1, 0, 2), 130, "QEMU ended by a forwarded SIGINT: 130");
	is_int(status_decide(-1, 15, 15), 143, "QEMU killed by a forwarded SIGTERM: 143");
	is_int(status_decide(-1, 9, 0), 125, "QEMU killed by SIGKILL: failure");
}

/* --disk and --console: QEMU devices per machine, kernel words. */
static void test_devices(void)
{
	char *a[] = { "htux",      "run", "--disk",   "a,b.img", "--disk=/d/c.img:/mnt/c",
		      "--console", "hvc", "--append", "TZ=UTC",  "prog" };
	char *m[] = { "htux", "run", "--machine", "microvm", "--disk", "x.img", "prog" };
	struct run_paths p = { "/b/htux-mkimage",
			       "qemu-system-x86_64",
			       "/k/htux.elf",
			       "/t/app.cpio",
			       "/t/status",
			       0,
			       NULL,
			       NULL,
			       0 };
	struct htux_opts o;
	struct argvec q = { 0 };
	char err[256], *cl;
	const char *mp;
	char *f;

	ok(htux_parse(ARGC(a), a, &o, err, sizeof err) == 0, "--disk twice, --console hvc");
	is_int(o.ndisks, 2, "two disks");
	f = disk_split(o.disks[1], &mp);
	is_str(f, "/d/c.img", "FILE of FILE:/MOUNTPOINT");
	is_str(mp, "/mnt/c", "MOUNTPOINT");
	free(f);
	f = disk_split("dir:name.img", &mp);
	ok(f && !strcmp(f, "dir:name.img") && !mp, "a colon not followed by / is part of FILE");
	free(f);
	cl = kernel_cmdline(&o, 0);
	is_str(cl, "console=hvc mount.vdb=/mnt/c TZ=UTC",
	       "kernel words: console=hvc, mount.vdb, --append");
	free(cl);
	ok(qemu_command(&o, &p, &q) == 0, "QEMU command with devices");
	is_str(after(&q, "-drive"), "file=a,,b.img,if=none,format=raw,id=htux-d0",
	       "first -drive, comma doubled");
	ok(has(&q, "virtio-blk-pci,drive=htux-d0") && has(&q, "virtio-blk-pci,drive=htux-d1"),
	   "virtio-blk-pci for each disk on pc");
	ok(has(&q, "virtio-serial-pci") && has(&q, "virtconsole,chardev=htux-con"),
	   "virtio console on pc");
	is_str(after(&q, "-serial"), "chardev:htux-com1", "COM1 to stderr with --console hvc");
	ok(has(&q, "file,id=htux-com1,path=/dev/stderr,append=on"), "... appending to it");
	argvec_free(&q);
	htux_opts_free(&o);

	ok(htux_parse(ARGC(m), m, &o, err, sizeof err) == 0, "--machine microvm --disk");
	ok(qemu_command(&o, &p, &q) == 0, "QEMU command on microvm");
	is_str(after(&q, "-global"), "virtio-mmio.force-legacy=false",
	       "virtio 1.x MMIO on microvm");
	ok(has(&q, "virtio-blk-device,drive=htux-d0"), "virtio-blk-device on microvm");
	is_str(after(&q, "-serial"), "stdio", "COM1 on stdio without --console hvc");
	argvec_free(&q);
	htux_opts_free(&o);
}

/* --net and -p: the user network, forwards, microvm's device, errors. */
static void test_net(void)
{
	char *a[] = { "htux",          "run", "-p", "8080:80", "--publish=5353:53/udp",
		      "-p8022:22/tcp", "prog" };
	char *m[] = { "htux", "run", "--machine", "microvm", "--net", "prog" };
	char *bad[] = { "htux", "run", "-p", "80", "prog" };
	char *bad2[] = { "htux", "run", "-p", "0:80", "prog" };
	char *bad3[] = { "htux", "run", "-p", "80:80/sctp", "prog" };
	struct run_paths p = { "/b/htux-mkimage",
			       "qemu-system-x86_64",
			       "/k/htux.elf",
			       "/t/app.cpio",
			       "/t/status",
			       0,
			       NULL,
			       NULL,
			       0 };
	struct htux_opts o;
	struct argvec q = { 0 };
	char err[256];

	ok(htux_parse(ARGC(a), a, &o, err, sizeof err) == 0, "-p three ways");
	ok(o.net && o.nports == 3, "-p implies --net");
	ok(qemu_command(&o, &p, &q) == 0, "QEMU command with forwards");
	is_str(after(&q, "-netdev"),
	       "user,id=htux-n0,hostfwd=tcp:127.0.0.1:8080-:80,"
	       "hostfwd=udp:127.0.0.1:5353-:53,hostfwd=tcp:127.0.0.1:8022-:22",
	       "-netdev user with hostfwd");
	ok(has(&q, "virtio-net-pci,netdev=htux-n0"), "virtio-net-pci on pc");
	argvec_free(&q);
	htux_opts_free(&o);

	ok(htux_parse(ARGC(m), m, &o, err, sizeof err) == 0, "--net on microvm");
	ok(qemu_command(&o, &p, &q) == 0, "QEMU command on microvm");
	is_str(after(&q, "-netdev"), "user,id=htux-n0", "no forwards");
	ok(has(&q, "virtio-net-device,netdev=htux-n0"), "virtio-net-device on microvm");
	argvec_free(&q);
	htux_opts_free(&o);

	ok(htux_parse(ARGC(bad), bad, &o, err, sizeof err) == -1, "-p 80 refused");
	is_str(err, "-p 80: expected HOSTPORT:GUESTPORT[/tcp|/udp] with ports 1-65535",
	       "its message");
	htux_opts_free(&o);
	ok(htux_parse(ARGC(bad2), bad2, &o, err, sizeof err) == -1, "port 0 refused");
	htux_opts_free(&o);
	ok(htux_parse(ARGC(bad3), bad3, &o, err, sizeof err) == -1, "an unknown protocol refused");
	htux_opts_free(&o);
}

/* --oci IMAGE [ARGS]: passed on to htux-mkimage, ARGS after "--". */
static void test_oci(void)
{
	char *a[] = { "htux", "run", "-e", "A=1", "--oci", "lay:t", "sh", "-c", "x" };
	struct run_paths p = { "mk", "q", "k", "i", "s", 0, NULL, NULL, 0 };
	struct htux_opts o;
	struct argvec mk = { 0 };
	char err[256];

	ok(htux_parse(ARGC(a), a, &o, err, sizeof err) == 0, "--oci IMAGE ARGS");
	ok(o.oci && !strcmp(o.oci, "lay:t") && o.nprog == 3, "--oci's value and the ARGS");
	ok(mkimage_command(&o, &p, &mk) == 0 && mk.n == 11 && !strcmp(mk.v[5], "--oci") &&
		   !strcmp(mk.v[6], "lay:t") && !strcmp(mk.v[7], "--") && !strcmp(mk.v[8], "sh"),
	   "htux-mkimage -o i -e A=1 --oci IMAGE -- ARGS");
	argvec_free(&mk);
	htux_opts_free(&o);
	{
		char *b[] = { "htux", "run", "--oci", "lay" };
		ok(htux_parse(ARGC(b), b, &o, err, sizeof err) == 0 && o.nprog == 0,
		   "--oci without ARGS: the image's Cmd");
		htux_opts_free(&o);
	}
	{
		char *b[] = { "htux", "run", "--minimal", "--oci", "lay" };
		ok(htux_parse(ARGC(b), b, &o, err, sizeof err) == -1 &&
			   !strcmp(err, "--oci: --minimal and --gdb take a PROG, not an image"),
		   "--oci with --minimal refused");
		htux_opts_free(&o);
	}
	{
		char *b[] = { "htux", "run", "--trace-files", "--oci", "lay" };
		ok(htux_parse(ARGC(b), b, &o, err, sizeof err) == -1 &&
			   !strcmp(err, "--oci: --trace-files takes a PROG, not an image"),
		   "--oci with --trace-files refused");
		htux_opts_free(&o);
	}
}

/* --rootfs: passed to htux-mkimage; a root disk is vda with root=. */
static void test_rootfs(void)
{
	char *a[] = { "htux", "run", "--rootfs", "disk", "--disk", "d.img:/mnt", "--oci", "lay" };
	struct run_paths p = { "mk", "q", "k", "/t/app.cpio", "s", 0, NULL, NULL, 1 };
	struct htux_opts o;
	struct argvec mk = { 0 }, q = { 0 };
	char err[256], *cl;
	int initrd = 0, root = -1, other = -1;

	ok(htux_parse(ARGC(a), a, &o, err, sizeof err) == 0, "--rootfs disk --oci IMAGE");
	ok(mkimage_command(&o, &p, &mk) == 0 && !strcmp(mk.v[3], "--rootfs") &&
		   !strcmp(mk.v[4], "disk") && !strcmp(mk.v[5], "--oci"),
	   "htux-mkimage gets --rootfs disk");
	cl = kernel_cmdline(&o, 1);
	ok(cl && !strcmp(cl, "root=/dev/vda mount.vdb=/mnt"), "root=/dev/vda; --disk is vdb");
	free(cl);
	ok(qemu_command(&o, &p, &q) == 0, "the QEMU command with a root disk");
	for (size_t i = 0; i < q.n; i++) {
		initrd |= !strcmp(q.v[i], "-initrd");
		if (!strcmp(q.v[i], "file=/t/app.cpio,if=none,format=raw,id=htux-root"))
			root = (int)i;
		if (!strcmp(q.v[i], "file=d.img,if=none,format=raw,id=htux-d0"))
			other = (int)i;
	}
	ok(!initrd && root > 0 && other > root, "the image is the first disk, no -initrd");
	argvec_free(&mk);
	argvec_free(&q);
	htux_opts_free(&o);
	{
		char *b[] = { "htux", "run", "--rootfs", "disk", "prog" };
		ok(htux_parse(ARGC(b), b, &o, err, sizeof err) == -1 &&
			   !strcmp(err, "--rootfs goes with --oci (a container image)"),
		   "--rootfs without --oci refused");
		htux_opts_free(&o);
	}
	{
		char *b[] = { "htux", "run", "--rootfs", "ram", "--oci", "lay" };
		ok(htux_parse(ARGC(b), b, &o, err, sizeof err) == -1 &&
			   !strcmp(err, "--rootfs ram: expected auto, initrd or disk"),
		   "--rootfs with an unknown place refused");
		htux_opts_free(&o);
	}
}

int main(void)
{
	test_defaults();
	test_oci();
	test_rootfs();
	test_devices();
	test_net();
	test_options();
	test_debug_options();
	test_errors();
	test_status();
	test_mem_for_image();
	return tap_done();
}
