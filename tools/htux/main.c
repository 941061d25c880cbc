/* main.c: htux: runs a Linux x86-64 program under the htux unikernel in
   QEMU (makes the image with htux-mkimage, boots it, returns the program's
   exit status). */
#include "argvec.h"
#include "child.h"
#include "locate.h"
#include "options.h"
#include "qemu.h"
#include "report.h"
#include "feed.h"
#include "gdb.h"
#include "relay.h"
#include "status.h"
#include "../common/kvm.h"
#include "../common/mfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "dev"
#endif

#ifndef PKGLIBEXECDIR
#define PKGLIBEXECDIR "/usr/local/libexec/htux"
#endif

#define FAILED 125 /* htux itself or QEMU failed */

static const char usage[] =
	"Usage: htux run [OPTION]... PROG [ARG]...\n"
	"       htux run [OPTION]... --oci PATH[:TAG] [ARG]...\n"
	"       htux run [OPTION]... --image DISK\n"
	"       htux run [OPTION]... -f MANIFEST [ARG]...\n"
	"       htux --help | --version\n"
	"Run the x86-64 Linux program PROG with ARGs under the\n"
	"htux unikernel in QEMU. The program's output (serial port COM1) goes to\n"
	"stdout, stdin is passed on, and htux exits with the program's status.\n"
	"\n"
	"Options (they end at PROG or at \"--\"):\n"
	"  --oci PATH[:TAG]       run a container image as docker run IMAGE\n"
	"                         [ARG]... would: an OCI image layout directory\n"
	"                         (TAG defaults to latest) or a docker save\n"
	"                         archive; its Entrypoint + Cmd (ARGs replace\n"
	"                         Cmd) with its Env, WorkingDir and User, and its\n"
	"                         whole root filesystem (see htux-mkimage --help;\n"
	"                         -e and --user override the image's)\n"
	"  --rootfs auto|initrd|disk\n"
	"                         with --oci: the root filesystem in the initrd\n"
	"                         (RAM) or on an ext2 disk booted as the root\n"
	"                         (vda; -m defaults to 256M); auto (the default)\n"
	"                         takes the disk over 512 MiB of files\n"
	"  -m, --mem SIZE         guest memory, e.g. 512M or 2G (default: the\n"
	"                         image's size + 96M, at least 128M)\n"
	"  --kvm                  use KVM (the default when /dev/kvm opens and can\n"
	"                         run a guest)\n"
	"  --tcg                  use QEMU's emulator (the default without KVM)\n"
	"  --machine TYPE         QEMU machine: pc (default), q35 or microvm\n"
	"  --smp N                N virtual CPUs, on which the program's threads\n"
	"                         run in parallel (QEMU -smp N; 1 to 255, the\n"
	"                         kernel uses up to 64; default 1)\n"
	"  -f, --manifest FILE    options, PROG and ARGs from the image manifest\n"
	"                         FILE (see the README, \"Manifests\"); options\n"
	"                         given here override its single values and add\n"
	"                         to its lists; ARGs given here replace its args\n"
	"  --cpu MODEL            QEMU CPU model (default: host with KVM, QEMU's\n"
	"                         default with TCG)\n"
	"  --verbose              kernel messages (kernel option verbose)\n"
	"  --trace                report unimplemented system calls (trace)\n"
	"  --strace               report every system call (strace), on stderr\n"
	"  --syscall-summary      count and time the system calls; a table like\n"
	"                         strace -c's on stderr at exit (syscall_summary)\n"
	"  --fast-syscalls        run PROG in ring 0 (kernel option fastsys): its\n"
	"                         system calls enter without a privilege change,\n"
	"                         its \"mov $N,%eax; syscall\" sites rewritten into\n"
	"                         calls to the kernel; PROG can then write kernel\n"
	"                         memory (docs/design.md)\n"
	"  --tty, --no-tty        the program's stdin, stdout and stderr are a\n"
	"                         terminal, or a byte stream as docker run\n"
	"                         without -t (kernel option notty: isatty() is\n"
	"                         false, input passes unchanged, binary data\n"
	"                         too, and ends where the host's stdin ends);\n"
	"                         default: a terminal when htux's stdin and\n"
	"                         stdout both are\n"
	"  --init                 run PROG under a built-in init, as docker run\n"
	"                         --init: pid 1 reaps orphaned processes and passes\n"
	"                         SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1 and\n"
	"                         SIGUSR2 sent to it on to PROG, which is pid 2\n"
	"                         (kernel option init)\n"
	"  --gdb[=PORT]           start paused with QEMU's gdbstub on\n"
	"                         127.0.0.1:PORT (default 1234) and print the gdb\n"
	"                         command that loads the kernel's and PROG's symbols\n"
	"  -e, --env NAME=VALUE   set an environment variable of the program\n"
	"  --user NAME|UID[:GID]  run PROG as this user, not root: the uid, group\n"
	"                         and supplementary groups of its /etc/passwd and\n"
	"                         /etc/group entries (this host's, packed into the\n"
	"                         image unless --add gives an /etc/passwd), HOME\n"
	"                         from passwd unless -e HOME, no capabilities;\n"
	"                         files in the image belong to root, /tmp is\n"
	"                         writable (see htux-mkimage --user)\n"
	"  --add HOST[:GUEST]     add a host file or directory to the image (see\n"
	"                         htux-mkimage --help)\n"
	"  --rewrite-syscalls     rewrite the program's \"mov $N,%eax; syscall\" sites\n"
	"                         into jumps to trampolines that still trap (a test\n"
	"                         of --fast-syscalls' rewriting; kernel option sysrw)\n"
	"  --minimal              boot a kernel holding only the system calls PROG\n"
	"                         can make (see htux-mkimage --minimal)\n"
	"  --minimal-ignore-unknown  the same, even when some calls' numbers are\n"
	"                         unknown (see htux-mkimage --help)\n"
	"  --trace-files          add the files PROG uses when run once on this\n"
	"                         host under strace (see htux-mkimage --help)\n"
	"  --disk FILE[:/MOUNTPOINT]\n"
	"                         a raw disk image as a virtio disk (vda, vdb, ...\n"
	"                         in order; the program sees /dev/vda); with a\n"
	"                         MOUNTPOINT the kernel mounts its ext2\n"
	"                         filesystem there (kernel option\n"
	"                         mount.vda=/MOUNTPOINT); an ext2 first disk\n"
	"                         goes on /data without one\n"
	"  --net                  a virtio network device on QEMU's user network\n"
	"                         (the guest gets 10.0.2.15 by DHCP, gateway\n"
	"                         10.0.2.2, DNS 10.0.2.3)\n"
	"  -p, --publish HOSTPORT:GUESTPORT[/udp]\n"
	"                         forward 127.0.0.1:HOSTPORT on this host to the\n"
	"                         guest's GUESTPORT (TCP unless /udp; repeatable;\n"
	"                         implies --net)\n"
	"  --console serial|hvc   the program's console: COM1 (default) or a\n"
	"                         virtio console port (kernel option console=hvc;\n"
	"                         kernel messages then go to stderr)\n"
	"  --append WORDS         more kernel command-line words (see\n"
	"                         docs/design.md), e.g. --append 'TZ=UTC'\n"
	"  --kernel PATH          the kernel (default: $HTUX_KERNEL, else htux.elf\n"
	"                         next to htux, else " PKGLIBEXECDIR "/htux.elf)\n"
	"  --qemu PATH            QEMU (default: $HTUX_QEMU, else\n"
	"                         qemu-system-x86_64)\n"
	"  --qemu-arg ARG         one more QEMU argument (repeatable)\n"
	"  --keep IMAGE           write the image to IMAGE and keep it\n"
	"  --boot grub|uefi       boot a GRUB disk image (htux-mkimage --format raw)\n"
	"                         instead of -kernel: under SeaBIOS, or under OVMF\n"
	"                         (whose boot messages come before the program's\n"
	"                         output); pc or q35 only\n"
	"  --image DISK           boot DISK, made by htux-mkimage --format raw,\n"
	"                         qcow2 or iso, as it is (no PROG: the disk names\n"
	"                         it); with --boot grub (default) or uefi\n"
	"  --dry-run              print the htux-mkimage and QEMU commands, run\n"
	"                         nothing\n"
	"  -h, --help             show this help and exit\n"
	"  --version              show the version and exit\n"
	"\n"
	"Exit status: the program's (0 to 255; 128+N when it was killed by signal\n"
	"N); htux-mkimage's (1, or 2 for a usage error) when PROG cannot be used;\n"
	"2 on a usage error; 125 when QEMU or htux itself failed.\n";

/* The directory for our temporary files: $TMPDIR unless QEMU could not
   take paths in it (spaces, commas), else /tmp. */
static const char *tmp_base(void)
{
	const char *t = getenv("TMPDIR");

	if (t && t[0] == '/' && !strpbrk(t, " ,"))
		return t;
	return "/tmp";
}

static char *join(const char *dir, const char *name)
{
	char *p = malloc(strlen(dir) + 1 + strlen(name) + 1);

	if (p) {
		strcpy(p, dir);
		strcat(p, "/");
		strcat(p, name);
	}
	return p;
}

struct run {
	struct run_paths p;
	char *tmpdir, *image, *status, *kernel, *mkimage;
	char *minimal; /* --minimal: the kernel made for the program */
	char mem[32];  /* -m chosen from the image's size */
};

static void cleanup(struct run *r, const struct htux_opts *o)
{
	if (r->tmpdir) {
		if (!o->keep && !o->image && r->image)
			unlink(r->image);
		if (r->status)
			unlink(r->status);
		if (r->minimal)
			unlink(r->minimal);
		if (rmdir(r->tmpdir))
			htux_error("%s: %s", r->tmpdir, strerror(errno));
	}
	free(r->tmpdir);
	free(r->image);
	free(r->status);
	free(r->kernel);
	free(r->mkimage);
	free(r->minimal);
}

static int choose_accel(const struct htux_opts *o)
{
	int e;

	if (o->accel == ACCEL_TCG)
		return 0;
	e = kvm_error();
	if (o->accel == ACCEL_KVM && e) {
		htux_error("--kvm: /dev/kvm: %s", kvm_why(e));
		return -1;
	}
	return e == 0;
}

/* Runs htux-mkimage; returns 0, or the exit status to give. */
static int make_image(const struct htux_opts *o, struct run *r)
{
	struct argvec cmd = { 0 };
	int ws, sig = 0;

	if (mkimage_command(o, &r->p, &cmd)) {
		argvec_free(&cmd);
		htux_error("out of memory");
		return FAILED;
	}
	ws = child_run(cmd.v, &sig);
	argvec_free(&cmd);
	if (ws == -1)
		return FAILED;
	if (WIFEXITED(ws))
		return WEXITSTATUS(ws);
	if (WIFSIGNALED(ws))
		return 128 + WTERMSIG(ws);
	return FAILED;
}

/* Without -m: enough memory for the image (it stays in the guest's RAM)
   and the program; --verbose says what was chosen. */
static void choose_mem(const struct htux_opts *o, struct run *r)
{
	struct stat st;
	long long size = stat(r->image, &st) ? 0 : (long long)st.st_size;

	if (r->p.root_disk)
		snprintf(r->mem, sizeof r->mem, "%s", MEM_ROOT_DISK);
	else
		mem_for_image(size, r->mem, sizeof r->mem);
	r->p.mem = r->mem;
	if (o->verbose && r->p.root_disk)
		fprintf(stderr, "htux: memory: -m %s with a root disk (give -m to choose)\n",
			r->mem);
	else if (o->verbose)
		fprintf(stderr, "htux: memory: -m %s for a %lld KiB image (give -m to choose)\n",
			r->mem, size >> 10);
}

/* QEMU's multiboot loader takes the initrd's size as a signed int: one
   of 2 GiB or more makes it fail with "Failed to open file". */
static int initrd_too_big(const struct run *r, const struct htux_opts *o)
{
	struct stat st;

	if (stat(r->image, &st) || st.st_size <= INT_MAX)
		return 0;
	htux_error("the image is %lld MiB: QEMU loads an initrd under 2 GiB only; %s",
		   (long long)(st.st_size >> 20),
		   o->oci ? "use --rootfs disk (a root disk)"
			  : "put large data on a --disk FILE:/MOUNTPOINT");
	return 1;
}

static int boot(const struct htux_opts *o, struct run *r)
{
	struct argvec cmd = { 0 };
	struct termios tio;
	int tty, ws, sig = 0;

	if (qemu_command(o, &r->p, &cmd)) {
		argvec_free(&cmd);
		htux_error("out of memory");
		return FAILED;
	}
	tty = isatty(0) && tcgetattr(0, &tio) == 0;
	pid_t feeder = feed_start(o->notty);
	if (feeder < 0) {
		argvec_free(&cmd);
		return FAILED;
	}
	pid_t relay = relay_start(r->status); /* diagnostics to stderr */
	ws = child_run(cmd.v, &sig);
	relay_stop(relay);
	feed_stop(feeder);
	argvec_free(&cmd);
	if (tty)
		tcsetattr(0, TCSANOW, &tio);
	if (ws == -1)
		return FAILED;
	int guest = status_read(r->status);
	if (guest < 0 && o->gdb_port > 0 && WIFEXITED(ws) && WEXITSTATUS(ws) == 0) {
		htux_error("the program did not finish: QEMU was stopped from gdb");
		return FAILED;
	}
	return status_decide(guest, ws, sig);
}

static int dry_run(const struct htux_opts *o, struct run *r)
{
	struct argvec mk = { 0 }, qemu = { 0 };
	int ret = 0;

	if (mkimage_command(o, &r->p, &mk) || qemu_command(o, &r->p, &qemu)) {
		htux_error("out of memory");
		ret = FAILED;
	} else {
		if (!o->image)
			argvec_print(&mk, stdout);
		argvec_print(&qemu, stdout);
		if (fflush(stdout)) {
			htux_error("write error: %s", strerror(errno));
			ret = FAILED;
		}
	}
	argvec_free(&mk);
	argvec_free(&qemu);
	return ret;
}

/* Each -p host port must be free on 127.0.0.1, or QEMU would fail with a
   less helpful message. */
static int ports_check(const struct htux_opts *o)
{
	for (size_t i = 0; i < o->nports; i++) {
		int h, g, fd, one = 1;
		const char *proto;
		struct sockaddr_in a = { .sin_family = AF_INET };

		if (port_split(o->ports[i], &h, &g, &proto))
			continue;
		a.sin_port = htons((unsigned short)h);
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		fd = socket(AF_INET, strcmp(proto, "udp") ? SOCK_STREAM : SOCK_DGRAM, 0);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(fd, (struct sockaddr *)&a, sizeof a)) {
			htux_error("-p %s: host port %d/%s: %s", o->ports[i], h, proto,
				   errno == EADDRINUSE ? "already in use" : strerror(errno));
			close(fd);
			return -1;
		}
		close(fd);
	}
	return 0;
}

static int run(const struct htux_opts *o)
{
	struct run r = { 0 };
	int kvm, ret;

	kvm = choose_accel(o);
	if (kvm < 0)
		return FAILED;
	if (o->image && access(o->image, R_OK)) {
		htux_error("%s: %s", o->image, strerror(errno));
		return FAILED;
	}
	/* --image: the disk holds its own kernel */
	r.kernel = o->image ? strdup("") : locate_kernel(o->kernel);
	if (!r.kernel)
		return FAILED;
	if (strchr(r.kernel, ' ')) {
		/* QEMU's multiboot loader puts the kernel path in front of the
		   command line, where the kernel skips it as one word. */
		htux_error("%s: the kernel's path must not contain spaces", r.kernel);
		ret = FAILED;
		goto out;
	}
	if (o->keep && strchr(o->keep, ' ')) {
		htux_error("%s: QEMU cannot load an initrd whose path contains spaces", o->keep);
		ret = FAILED;
		goto out;
	}
	for (size_t i = 0; i < o->ndisks; i++) {
		const char *mp;
		char *file = disk_split(o->disks[i], &mp);
		if (!file || access(file, R_OK)) {
			htux_error("--disk %s: %s", file ? file : o->disks[i],
				   file ? strerror(errno) : "out of memory");
			free(file);
			ret = FAILED;
			goto out;
		}
		free(file);
	}
	if (!o->dry_run && ports_check(o)) {
		ret = FAILED;
		goto out;
	}
	r.mkimage = locate_tool("htux-mkimage");
	if (o->dry_run) {
		r.tmpdir = NULL;
		r.status = join(tmp_base(), "htux.XXXXXX/status");
		r.image = o->image  ? strdup(o->image)
			  : o->keep ? strdup(o->keep)
				    : join(tmp_base(), o->boot ? "htux.XXXXXX/app.img"
							       : "htux.XXXXXX/app.cpio");
	} else {
		r.tmpdir = join(tmp_base(), "htux.XXXXXX");
		if (r.tmpdir && !mkdtemp(r.tmpdir)) {
			htux_error("%s: %s", r.tmpdir, strerror(errno));
			free(r.tmpdir);
			r.tmpdir = NULL;
			ret = FAILED;
			goto out;
		}
		r.status = r.tmpdir ? join(r.tmpdir, "status") : NULL;
		r.image = o->image   ? strdup(o->image)
			  : o->keep  ? strdup(o->keep)
			  : r.tmpdir ? join(r.tmpdir, o->boot ? "app.img" : "app.cpio")
				     : NULL;
	}
	if (!r.mkimage || !r.status || !r.image) {
		htux_error("out of memory");
		ret = FAILED;
		goto out;
	}
	r.p.mkimage = r.mkimage;
	r.p.qemu = locate_qemu(o->qemu);
	r.p.kernel = r.kernel;
	r.p.image = r.image;
	r.p.status = r.status;
	r.p.kvm = kvm;
	if (o->minimal) {
		r.minimal = r.tmpdir ? join(r.tmpdir, "kernel.elf")
				     : join(tmp_base(), "htux.XXXXXX/kernel.elf");
		if (!r.minimal) {
			htux_error("out of memory");
			ret = FAILED;
			goto out;
		}
		r.p.minimal = r.minimal;
		r.p.kernel = r.minimal;
	}
	if (o->dry_run) {
		r.p.root_disk = o->rootfs && !strcmp(o->rootfs, "disk");
		ret = dry_run(o, &r);
		goto out;
	}
	ret = o->image ? 0 : make_image(o, &r);
	/* htux-mkimage made an ext2 root disk: --rootfs disk, or auto for a
	   large root filesystem (it said so) */
	r.p.root_disk = ret == 0 && o->oci && is_ext2(r.image);
	if (ret == 0 && !o->boot && !r.p.root_disk && initrd_too_big(&r, o))
		ret = FAILED;
	if (ret == 0 && !o->mem)
		choose_mem(o, &r);
	if (ret == 0 && !o->image && o->gdb_port > 0 &&
	    gdb_hint(stderr, o->gdb_port, r.p.kernel, o->prog[0]))
		ret = FAILED;
	if (ret == 0)
		ret = boot(o, &r);
out:
	cleanup(&r, o);
	return ret;
}

/* The manifest keys and the options they stand for (README, "Manifests"). */
static const struct mf_key manifest_keys[] = { { "program", NULL, MF_PROGRAM },
					       { "args", NULL, MF_ARGS },
					       { "arg", NULL, MF_ARG },
					       { "env", "-e", MF_REPEAT },
					       { "add", "--add", MF_HOST },
					       { "memory", "-m", MF_VALUE },
					       { "smp", "--smp", MF_VALUE },
					       { "net", "--net", MF_ONOFF },
					       { "publish", "-p", MF_REPEAT },
					       { "disk", "--disk", MF_DISK },
					       { "user", "--user", MF_VALUE },
					       { "oci", "--oci", MF_OCI },
					       { NULL, NULL, 0 } };

/* One manifest value checked by the command-line parser. */
static int check_option(const char *opt, const char *value, char *err, size_t errlen)
{
	char *v[] = { "htux", "run", (char *)opt, (char *)value, "--", "x", NULL };
	struct htux_opts o;
	int r = htux_parse(6, v, &o, err, errlen);

	htux_opts_free(&o);
	return r;
}

int main(int argc, char **argv)
{
	static const struct mf_tool tool = { "htux", 2, htux_takes_value, manifest_keys,
					     check_option };
	struct htux_opts o;
	char err[512];
	int ret;

	if (argc > 2 && !strcmp(argv[1], "run") && mf_expand(&tool, argc, argv, &argc, &argv))
		return 2;
	if (htux_parse(argc, argv, &o, err, sizeof err)) {
		htux_error("%s", err);
		htux_opts_free(&o);
		return 2;
	}
	/* The console is a terminal when ours is (stdin and stdout), as
	   docker run -it; else a byte stream, as docker run -i */
	o.notty = o.tty < 0 || (o.tty == 0 && !(isatty(0) && isatty(1)));
	/* and its stderr a stream of its own, where QEMU can open ours, unless
	   both share our terminal */
	struct stat st;
	int st_ok = !fstat(2, &st);
	o.err3 = (o.notty || !isatty(2)) && st_ok &&
		 (S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode));
	/* QEMU opens /dev/stderr anew (COM3, or COM1 with --console hvc),
	   appending: a file ours must append to as well, else our writes
	   (and the shell's) at their own offset and QEMU's at the end
	   overwrite each other */
	if ((o.err3 || o.hvc) && st_ok && S_ISREG(st.st_mode)) {
		int fl = fcntl(2, F_GETFL);
		if (fl >= 0 && !(fl & O_APPEND))
			fcntl(2, F_SETFL, fl | O_APPEND);
	}
	if (o.help || o.version) {
		fputs(o.help ? usage : "htux " PACKAGE_VERSION "\n", stdout);
		ret = 0;
		if (fflush(stdout)) {
			htux_error("write error: %s", strerror(errno));
			ret = FAILED;
		}
	} else {
		ret = run(&o);
	}
	htux_opts_free(&o);
	return ret;
}
