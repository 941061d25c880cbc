/* rename.c: rename's cases and errors. */
#include "abi.h"

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	char b[32];
	abi_put("a", "A");
	abi_put("b", "B");
	R(rename("a", "b"));
	R(abi_get("b", b, sizeof(b)));
	printf("b: %s\n", b);
	R(access("a", F_OK));
	R(rename("b", "b"));
	R(rename("missing", "x"));
	R(mkdir("d1", 0755));
	R(mkdir("d2", 0755));
	R(mkdir("d3", 0755));
	abi_put("d3/f", "F");
	R(rename("d1", "d2"));
	R(access("d1", F_OK));
	R(rename("d2", "d3"));
	R(rename("b", "d3"));
	R(rename("d3", "b"));
	R(rename("d3", "d3/sub"));
	R(rename("d3", "d3/f/x"));
	R(rename("b", "nodir/b"));
	R(rename("b", "c/"));
	R(rename("d3/f", "d2/g"));
	R(abi_get("d2/g", b, sizeof(b)));
	printf("d2/g: %s\n", b);
	R(rename("d2", "d4/"));
	R(access("d4/g", F_OK));
	R(rename(".", "x"));
	R(rename("b", "."));
	R(rename("b", ""));
	int fd = R(open("b", O_RDONLY));
	R(rename("b", "moved"));
	R(read(fd, b, sizeof(b)));
	R(close(fd));
	R(symlink("moved", "ln"));
	R(rename("ln", "ln2"));
	R(abi_get("ln2", b, sizeof(b)));
	printf("ln2: %s\n", b);
	return 0;
}
