/* syslog.c: the kernel log: its size, whole records "<L>[...] ...\n"
 * from READ_ALL, and the errors (nothing here changes the host's log). */
#include "abi.h"
#include <sys/klog.h>

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	long size = klogctl(10, NULL, 0);
	SAY(size > 0);
	char buf[512];
	long n = klogctl(3, buf, sizeof(buf));
	SAY(n > 0);
	if (n > 0) {
		SAY(buf[0] == '<' && buf[2] == '>' && buf[3] == '[');
		SAY(buf[n - 1] == '\n');
		SAY(strstr(buf, "] ") != NULL);
	}
	n = klogctl(3, buf, 20);
	SAY(n <= 20);
	SAY(klogctl(9, NULL, 0) >= 0);
	R(klogctl(0, NULL, 0));
	R(klogctl(1, NULL, 0));
	R(klogctl(3, buf, 0));
	R(klogctl(3, NULL, 10));
	R(klogctl(3, buf, -1));
	R(klogctl(2, NULL, 10));
	R(klogctl(2, buf, 0));
	R(klogctl(4, NULL, 10));
	R(klogctl(8, NULL, 0));
	R(klogctl(8, NULL, 9));
	R(klogctl(11, NULL, 0));
	R(klogctl(-1, NULL, 0));
	return 0;
}
