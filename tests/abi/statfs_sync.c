/* statfs_sync.c: statfs/fstatfs on the working directory (a tmpfs) and
 * on /proc, and the sync family. */
#include "abi.h"
#include <sys/vfs.h>

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	struct statfs s;
	R(statfs(".", &s));
	printf("type %lx bsize %ld namelen %ld frsize %ld\n", (long)s.f_type, (long)s.f_bsize,
	       (long)s.f_namelen, (long)s.f_frsize);
	SAY(s.f_blocks > 0 && s.f_bfree <= s.f_blocks && s.f_bavail <= s.f_bfree);
	SAY(s.f_files > 0 && s.f_ffree <= s.f_files);
	R(statfs("/proc", &s));
	printf("proc type %lx\n", (long)s.f_type);
	abi_put("f", "data");
	int fd = R(open("f", O_RDWR));
	R(fstatfs(fd, &s));
	printf("type %lx\n", (long)s.f_type);
	R(statfs("missing", &s));
	R(fstatfs(99, &s));
	R(fsync(fd));
	R(fdatasync(fd));
	R(syncfs(fd));
	sync();
	R(syncfs(99));
	R(fsync(99));
	R(close(fd));
	return 0;
}
