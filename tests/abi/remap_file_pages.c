/* remap_file_pages.c: the deprecated call as Linux emulates it: a page
 * of a shared file mapping (or of shared anonymous memory) shows another
 * page of the file afterwards, writes going to that page; several
 * contiguous mappings of one file count as one; EINVAL for a protection,
 * a private or missing mapping, an empty or wrapping range. */
#include "abi.h"
#include <stdint.h>
#include <sys/mman.h>

static void show(const char *what, const char *p, int n)
{
	printf("%s:", what);
	for (int i = 0; i < n; i++)
		printf(" %c", p[i * 4096]);
	printf("\n");
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	int fd = open("f", O_RDWR | O_CREAT, 0644);
	char page[4096];
	for (int i = 0; i < 4; i++) {
		memset(page, 'A' + i, sizeof(page));
		write(fd, page, sizeof(page));
	}
	char *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	show("mapped", p, 3);
	R(remap_file_pages(p, 4096, 0, 3, 0));
	show("page 0 shows page 3", p, 3);
	p[0] = 'x';
	char c;
	pread(fd, &c, 1, 3 * 4096);
	printf("file page 3 now starts with %c\n", c);
	R(remap_file_pages(p + 4096, 8192, 0, 0, 0));
	show("pages 1-2 show 0-1", p, 3);
	R(remap_file_pages(p + 100, 4096, 0, 2, 0)); /* start rounds down */
	show("page 0 shows page 2", p, 3);

	R(remap_file_pages(p, 4096, PROT_READ, 0, 0));
	R(remap_file_pages(p, 0, 0, 0, 0));
	R(remap_file_pages(p, 4 * 4096, 0, 0, 0));
	R(remap_file_pages(p, 4096, 0, SIZE_MAX, 0));
	char *priv = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	R(remap_file_pages(priv, 4096, 0, 1, 0));
	munmap(priv, 4096);
	R(remap_file_pages(priv, 4096, 0, 1, 0));

	/* two contiguous mappings of the file, one call across both */
	char *q = mmap(NULL, 2 * 4096, PROT_READ, MAP_SHARED, fd, 0);
	mmap(q + 4096, 4096, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 3 * 4096);
	show("two mappings", q, 2);
	R(remap_file_pages(q, 2 * 4096, 0, 1, 0));
	show("remapped across both", q, 2);
	mmap(q + 4096, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
	R(remap_file_pages(q, 2 * 4096, 0, 1, 0));

	/* shared anonymous memory */
	char *s = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	s[0] = '0';
	s[4096] = '1';
	R(remap_file_pages(s, 4096, 0, 1, 0));
	show("anonymous", s, 2);
	return 0;
}
