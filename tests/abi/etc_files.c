/* etc_files.c: /etc/passwd, /etc/group, /etc/hosts and /etc/resolv.conf
 * exist and say what C libraries look for: root, localhost, a name
 * server. */
#include "abi.h"

static char buf[1 << 16];

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	SAY(abi_get("/etc/passwd", buf, sizeof(buf)) > 0);
	SAY(strncmp(buf, "root:x:0:0:", 11) == 0 || strstr(buf, "\nroot:x:0:0:") != NULL);
	SAY(abi_get("/etc/group", buf, sizeof(buf)) > 0);
	SAY(strncmp(buf, "root:x:0:", 9) == 0 || strstr(buf, "\nroot:x:0:") != NULL);
	SAY(abi_get("/etc/hosts", buf, sizeof(buf)) > 0);
	SAY(strstr(buf, "127.0.0.1") != NULL && strstr(buf, "localhost") != NULL);
	SAY(abi_get("/etc/resolv.conf", buf, sizeof(buf)) >= 0);
	struct stat st;
	R(stat("/etc", &st));
	SAY(S_ISDIR(st.st_mode));
	return 0;
}
