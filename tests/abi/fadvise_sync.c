/* fadvise_sync.c: fadvise64, readahead and sync_file_range accept what
 * they should and refuse the rest; fsync and fdatasync. */
#include "abi.h"
#include <sys/syscall.h>

#define SFR_WAIT_BEFORE 1
#define SFR_WRITE 2
#define SFR_WAIT_AFTER 4

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	abi_put("f", "some data");
	int fd = R(open("f", O_RDWR));
	for (int adv = 0; adv <= 6; adv++)
		printf("fadvise %d = %ld\n", adv, (long)posix_fadvise(fd, 0, 0, adv));
	R(syscall(SYS_fadvise64, fd, 0, -1, 0));
	R(syscall(SYS_fadvise64, fd, 100, 10, 4));
	R(syscall(SYS_fadvise64, 99, 0, 0, 0));
	int p[2];
	R(pipe(p));
	R(syscall(SYS_fadvise64, p[0], 0, 0, 0));
	R(syscall(SYS_readahead, fd, 0, 4096));
	R(syscall(SYS_readahead, 99, 0, 4096));
	R(syscall(SYS_readahead, p[0], 0, 4096));
	R(syscall(SYS_readahead, p[1], 0, 4096));
	int d = R(open(".", O_RDONLY | O_DIRECTORY));
	R(syscall(SYS_readahead, d, 0, 4096));
	int wo = R(open("f", O_WRONLY));
	R(syscall(SYS_readahead, wo, 0, 4096));
	R(sync_file_range(fd, 0, 0, SFR_WRITE));
	R(sync_file_range(fd, 0, 100, SFR_WAIT_BEFORE | SFR_WRITE | SFR_WAIT_AFTER));
	R(sync_file_range(fd, 0, 0, 8));
	R(sync_file_range(fd, -1, 0, 0));
	R(sync_file_range(fd, 0, -1, 0));
	R(sync_file_range(99, 0, 0, 0));
	R(sync_file_range(p[1], 0, 0, 0));
	R(sync_file_range(d, 0, 0, 0));
	R(fsync(fd));
	R(fdatasync(fd));
	R(fsync(p[0]));
	R(fsync(99));
	return 0;
}
