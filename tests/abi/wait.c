/* wait.c: waiting for children when there are none: wait, waitpid with
 * WNOHANG, waitid, and the option checks that come first. */
#include "abi.h"
#include <sys/wait.h>

int main(int argc, char **argv)
{
	int st;
	siginfo_t si;

	abi_init(argc, argv);
	R(wait(&st));
	R(waitpid(-1, &st, WNOHANG));
	R(waitpid(1234, &st, 0));
	R(waitpid(-1, &st, 0x100000));
	R(waitid(P_ALL, 0, &si, WEXITED));
	R(waitid(P_PID, 99, &si, WEXITED | WNOHANG));
	R(waitid(P_ALL, 0, &si, 0));
	R(waitid(42, 0, &si, WEXITED));
	return 0;
}
