/* bigbss.c: a program whose last PT_LOAD segment has a 100 TiB p_memsz
 * (a bss that size) runs, and exits at once: ending its address space
 * costs the pages present, not the size of the area. The program makes
 * it at run time: a copy of itself with that segment so patched, run in
 * a child as "bigbss child". Not for the host (Linux refuses the bss). */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "child")) {
		printf("the copy with a 100 TiB bss runs\n");
		return 0;
	}
	int fd = open("/proc/self/exe", O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st))
		return 1;
	unsigned char *b = malloc(st.st_size);
	if (!b || read(fd, b, st.st_size) != st.st_size)
		return 2;
	close(fd);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)b;
	Elf64_Phdr *last = NULL;
	for (int i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr *ph = (Elf64_Phdr *)(b + eh->e_phoff + (size_t)i * eh->e_phentsize);
		if (ph->p_type == PT_LOAD)
			last = ph;
	}
	if (!last)
		return 3;
	last->p_memsz = 100UL << 40;
	fd = open("/tmp/bigbss", O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (fd < 0 || write(fd, b, st.st_size) != st.st_size || close(fd))
		return 4;
	pid_t p = fork();
	if (p == 0) {
		execl("/tmp/bigbss", "bigbss", "child", (char *)NULL);
		perror("execl");
		_exit(127);
	}
	int ws;
	waitpid(p, &ws, 0);
	printf("it exited: %d\n", WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws));
	return 0;
}
