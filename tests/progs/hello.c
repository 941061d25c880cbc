/* hello.c: prints a greeting, its arguments and one environment variable. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	const char *who = getenv("WHO");
	printf("hello, %s\n", who ? who : "world");
	for (int i = 1; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	return 0;
}
