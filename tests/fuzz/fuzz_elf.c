/* fuzz_elf.c: libFuzzer target for htux-mkimage's ELF readers
 * (tools/mkimage/elfcheck.c, the program check; tools/mkimage/elfdyn.c,
 * the dynamic section as ld.so reads it). Each input is written to a
 * memfd and read through its /proc/self/fd path, as mkimage reads files.
 * Built and run by tests/fuzz/run.sh. */
#define _GNU_SOURCE
#include "elfcheck.h"
#include "elfdyn.h"
#include "report.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int fd = -1;
static char path[64];

/* mkimage's one-line errors (tools/mkimage/report.c) are not wanted here:
   thousands of inputs a second would flood the log. */
void mk_error(const char *path, const char *fmt, ...) { (void)path, (void)fmt; }

void mk_warn(const char *path, const char *fmt, ...) { (void)path, (void)fmt; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_info info;
	struct elf_dyn d;
	const char *why;

	if (fd < 0) {
		fd = memfd_create("fuzz-elf", 0);
		if (fd < 0 || fchmod(fd, 0755))
			abort();
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	if (elf_check(path, &info) == 0)
		elf_info_free(&info);
	for (int want_so = 0; want_so < 2; want_so++) {
		why = NULL;
		if (elf_dyn_read(path, want_so, &d, &why) == ELFDYN_OK)
			elf_dyn_free(&d);
	}
	return 0;
}
