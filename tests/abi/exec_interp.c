/* exec_interp.c: execve of copies of this (static) program given a
 * PT_INTERP header (its PT_GNU_STACK one retyped) that Linux refuses:
 * empty, one byte, not NUL-terminated, longer than PATH_MAX (ENOEXEC);
 * and one naming a file that does not exist (ENOENT). */
#include "abi.h"
#include <elf.h>
#include <sys/wait.h>

static char self[4096];

/* Writes a copy of this program whose PT_GNU_STACK header is a PT_INTERP
 * of filesz bytes at offset off; returns 0, or -1 when there is none. */
static int make_copy(const char *name, uint64_t off, uint64_t filesz, int patch)
{
	int in = open(self, O_RDONLY);
	struct stat st;
	if (in < 0 || fstat(in, &st))
		return -1;
	char *buf = malloc(st.st_size);
	if (!buf || read(in, buf, st.st_size) != st.st_size)
		return -1;
	close(in);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	Elf64_Phdr *ph = (Elf64_Phdr *)(buf + eh->e_phoff);
	int found = patch ? -1 : 0;
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_GNU_STACK && patch) {
			ph[i].p_type = PT_INTERP;
			ph[i].p_offset = off;
			ph[i].p_filesz = filesz;
			found = 0;
		}
	int out = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (out < 0 || write(out, buf, st.st_size) != st.st_size || close(out))
		return -1;
	free(buf);
	return found;
}

static void try_exec(const char *what, uint64_t off, uint64_t filesz, int patch)
{
	if (make_copy("copy", off, filesz, patch)) {
		printf("%s: no copy\n", what);
		return;
	}
	int pfd[2];
	pipe(pfd);
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		char *av[] = { "copy", "ran", NULL };
		close(pfd[0]);
		execve("./copy", av, NULL);
		int e = errno;
		write(pfd[1], &e, sizeof(e));
		_exit(127);
	}
	close(pfd[1]);
	int e = 0, st;
	ssize_t n = read(pfd[0], &e, sizeof(e));
	close(pfd[0]);
	waitpid(p, &st, 0);
	if (n == sizeof(e))
		printf("%s: execve = -1 %s\n", what, abi_errname(e));
	else
		printf("%s: ran, status %d\n", what, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	unlink("copy");
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "ran"))
		return 7;
	abi_init(argc, argv);
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return 1;
	self[n] = 0;
	/* e_ident: "\177ELF", class 2, data 1, version 1, then zeros */
	try_exec("the copy as it is", 0, 0, 0);
	try_exec("empty", 0, 0, 1);
	try_exec("one NUL byte", 9, 1, 1);
	try_exec("no NUL at the end", 0, 4, 1);
	try_exec("PATH_MAX + 1 bytes", 0, 4097, 1);
	try_exec("missing interpreter", 1, 9, 1);
	return 0;
}
