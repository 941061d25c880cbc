/* ustat.c: ustat(2) for the filesystem of the work directory (free
 * blocks and inodes present, the name fields empty) and of /proc (none
 * free), EINVAL for a device no filesystem has, EFAULT. */
#include "abi.h"
#include <stdint.h>
#include <sys/syscall.h>

struct ustat_u {
	int f_tfree;
	unsigned long f_tinode;
	char f_fname[6], f_fpack[6];
};

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	struct stat st;
	struct ustat_u u;
	stat(".", &st);
	memset(&u, 0x55, sizeof(u));
	R(syscall(SYS_ustat, (unsigned)st.st_dev, &u));
	printf("  free blocks %d, free inodes %d, names empty %d\n", u.f_tfree > 0, u.f_tinode > 0,
	       !u.f_fname[0] && !u.f_fpack[0] && !u.f_fname[5] && !u.f_fpack[5]);
	stat("/proc/self", &st);
	memset(&u, 0x55, sizeof(u));
	R(syscall(SYS_ustat, (unsigned)st.st_dev, &u));
	printf("  /proc: free blocks %d, free inodes %lu\n", u.f_tfree, u.f_tinode);
	R(syscall(SYS_ustat, 0xfff0fu, &u));
	stat(".", &st);
	R(syscall(SYS_ustat, (unsigned)st.st_dev, (void *)8));
	return 0;
}
