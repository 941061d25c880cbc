/* usevalue.c: a program linked against libvalue.so. */
#include <stdio.h>

int htux_dyn_value(void);

int main(void)
{
	printf("value %d\n", htux_dyn_value());
	return 0;
}
