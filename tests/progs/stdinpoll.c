/* stdinpoll.c: waits for standard input with poll (no timeout), then reads
 * it to the end and prints what came. Under htux stdin is the console: the
 * poll and the reads block until the launcher's bytes arrive. */
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	static char data[65536];
	size_t len = 0;
	struct pollfd p = { 0, POLLIN, 0 };
	int r = poll(&p, 1, -1);
	printf("poll: %d readable %d\n", r, (p.revents & POLLIN) != 0);
	for (;;) {
		ssize_t n = read(0, data + len, sizeof(data) - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	printf("read %zu bytes: %.*s", len, (int)len, data);
	return 0;
}
