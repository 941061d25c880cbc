/* signal_kill.c MODE: default actions and dispositions. term: kill(getpid(),
 * SIGTERM) ends the program (143); resethand: an SA_RESETHAND handler runs
 * once, the second raise kills (138); abort: abort() (134); ignore:
 * SIG_IGN and default-ignored signals do nothing; usr1-masked: a blocked
 * SIGUSR1 kills when unblocked. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void on_sig(int sig) { printf("handler %d\n", sig); }

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "term";
	setvbuf(stdout, NULL, _IONBF, 0);
	if (!strcmp(mode, "term")) {
		printf("sending SIGTERM\n");
		kill(getpid(), SIGTERM);
	} else if (!strcmp(mode, "resethand")) {
		struct sigaction sa, cur;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_sig;
		sa.sa_flags = SA_RESETHAND;
		sigaction(SIGUSR1, &sa, NULL);
		raise(SIGUSR1);
		sigaction(SIGUSR1, NULL, &cur);
		printf("after: handler is default %d\n", cur.sa_handler == SIG_DFL);
		raise(SIGUSR1);
	} else if (!strcmp(mode, "abort")) {
		printf("aborting\n");
		abort();
	} else if (!strcmp(mode, "ignore")) {
		signal(SIGTERM, SIG_IGN);
		kill(getpid(), SIGTERM);
		raise(SIGCHLD);
		raise(SIGURG);
		raise(SIGCONT);
		printf("still here\n");
		return 3;
	} else if (!strcmp(mode, "usr1-masked")) {
		sigset_t set;
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigprocmask(SIG_BLOCK, &set, NULL);
		raise(SIGUSR1);
		printf("blocked, still here\n");
		sigprocmask(SIG_UNBLOCK, &set, NULL);
	} else if (!strcmp(mode, "kill9")) {
		printf("SIGKILL\n");
		kill(getpid(), SIGKILL);
	}
	printf("not reached\n");
	return 0;
}
