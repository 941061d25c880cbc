/* exec.c: execve of a program (this one, in another role) with argv and
 * envp, close-on-exec descriptors, dispositions after exec, #! scripts
 * (with an argument), the errors (ENOENT, EACCES, ENOEXEC, E2BIG), vfork
 * plus exec, posix_spawn, and execveat. */
#include "abi.h"
#include <signal.h>
#include <spawn.h>
#include <libgen.h>
#include <sys/syscall.h>
#include <sys/wait.h>

extern char **environ;
static char self[4096];

static void status(const char *what, int st)
{
	if (WIFEXITED(st))
		printf("%s: exited %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s: killed by %d\n", what, WTERMSIG(st));
}

/* The roles the program takes when exec'd. */
static int role(int argc, char **argv)
{
	if (!strcmp(argv[1], "show")) {
		for (int i = 2; i < argc; i++)
			printf("  argv[%d] = %s\n", i, argv[i]);
		const char *v = getenv("ABI_VAR");
		printf("  ABI_VAR = %s\n", v ? v : "(unset)");
		return argc;
	}
	if (!strcmp(argv[1], "fds")) {
		for (int i = 2; i < argc; i++) {
			int fd = atoi(argv[i]);
			errno = 0;
			int r = fcntl(fd, F_GETFD);
			printf("  fd %s: %s\n", i == 2 ? "plain" : "cloexec",
			       r < 0 ? abi_errname(errno) : "open");
		}
		struct sigaction sa;
		sigaction(SIGUSR1, NULL, &sa);
		printf("  SIGUSR1 %s\n", sa.sa_handler == SIG_IGN ? "ignored" : "default");
		sigaction(SIGUSR2, NULL, &sa);
		printf("  SIGUSR2 %s\n", sa.sa_handler == SIG_DFL ? "default" : "caught");
		sigset_t m;
		sigprocmask(SIG_SETMASK, NULL, &m);
		printf("  SIGINT blocked: %s\n", sigismember(&m, SIGINT) ? "yes" : "no");
		return 0;
	}
	if (!strcmp(argv[1], "script")) {
		/* argv: interpreter, its argument, the script, the script's args */
		printf("  interpreter argv[0] = %s\n", basename(argv[0]));
		for (int i = 1; i < argc; i++)
			printf("  argv[%d] = %s\n", i, i == 2 ? basename(argv[i]) : argv[i]);
		return 5;
	}
	return 100;
}

static void on_usr2(int sig) { (void)sig; }

static int run(char *const av[], char *const ev[])
{
	int st;
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		execve(self, av, ev);
		_exit(127);
	}
	waitpid(p, &st, 0);
	return st;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && argv[1][0] != '/' && strcmp(argv[1], "."))
		return role(argc, argv);
	abi_init(argc, argv);
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return 1;
	self[n] = 0;

	/* argv and envp go through. */
	char *av[] = { "prog", "show", "one", "two words", "", NULL };
	char *ev[] = { "ABI_VAR=value", "OTHER=1", NULL };
	status("show", run(av, ev));
	char *ev0[] = { NULL };
	status("show, empty env", run(av, ev0));

	/* Close-on-exec, and what exec does to dispositions and the mask. */
	abi_put("f", "data");
	int plain = open("f", O_RDONLY), ce = open("f", O_RDONLY | O_CLOEXEC);
	char a1[16], a2[16];
	snprintf(a1, sizeof(a1), "%d", plain);
	snprintf(a2, sizeof(a2), "%d", ce);
	signal(SIGUSR1, SIG_IGN);
	signal(SIGUSR2, on_usr2);
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGINT);
	sigprocmask(SIG_BLOCK, &m, NULL);
	char *avf[] = { "prog", "fds", a1, a2, NULL };
	status("fds", run(avf, ev));
	sigprocmask(SIG_UNBLOCK, &m, NULL);
	signal(SIGUSR1, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);

	/* A #! script whose interpreter is this program, with an argument. */
	char line[4200];
	snprintf(line, sizeof(line), "#!%s script\necho not reached\n", self);
	abi_put("s.sh", line);
	chmod("s.sh", 0755);
	int st;
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		char *sv[] = { "s.sh", "arg1", NULL };
		execve("./s.sh", sv, ev);
		_exit(127);
	}
	waitpid(p, &st, 0);
	status("script", st);

	/* Errors: the calling process goes on. */
	char *none[] = { "x", NULL };
	R(execve("/nonexistent/prog", none, ev));
	R(execve("missing", none, ev));
	R(execve(".", none, ev));
	R(execve("f", none, ev)); /* not executable */
	chmod("f", 0755);
	R(execve("f", none, ev)); /* executable, not a program */
	abi_put("bad.sh", "#!/nonexistent/interp\n");
	chmod("bad.sh", 0755);
	R(execve("bad.sh", none, ev));
	size_t big = 200 * 1024;
	char *huge = malloc(big + 1);
	memset(huge, 'a', big);
	huge[big] = 0;
	char *hv[] = { "x", huge, NULL };
	R(execve(self, hv, ev));
	free(huge);

	/* vfork + exec: the parent waits for the exec. */
	fflush(stdout);
	p = vfork();
	if (p == 0) {
		char *vv[] = { "prog", "show", "from vfork", NULL };
		execve(self, vv, ev);
		_exit(127);
	}
	waitpid(p, &st, 0); /* (printing comes after: the child's output may come first) */
	SAY(p > 0);
	status("vfork", st);

	/* vfork + _exit. */
	p = vfork();
	if (p == 0)
		_exit(33);
	waitpid(p, &st, 0);
	status("vfork exit", st);

	/* posix_spawn, and its failure report. */
	char *spv[] = { "prog", "show", "spawned", NULL };
	fflush(stdout);
	int e = posix_spawn(&p, self, NULL, NULL, spv, ev);
	waitpid(p, &st, 0);
	printf("posix_spawn: %s\n", e ? abi_errname(e) : "0");
	status("spawn", st);
	R(posix_spawn(&p, "/nonexistent", NULL, NULL, spv, ev));
	waitpid(p, &st, 0);

	/* execveat relative to a directory, and with AT_EMPTY_PATH. */
	p = fork();
	if (p == 0) {
		int fd = open(self, O_PATH);
		char *xv[] = { "prog", "show", "execveat", NULL };
		syscall(SYS_execveat, fd, "", xv, ev, AT_EMPTY_PATH);
		_exit(127);
	}
	waitpid(p, &st, 0);
	status("execveat", st);
	return 0;
}
