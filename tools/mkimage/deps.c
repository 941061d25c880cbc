/* deps.c: what a program needs in the image besides itself. Dynamically
   linked programs are refused for now; the closure over PT_INTERP and
   DT_NEEDED (with the loader's search path) is to be written here. */
#include "deps.h"
#include "report.h"

#include <stdlib.h>

int deps_collect(const char *prog, const struct elf_info *info,
		 struct deps *out)
{
	out->v = NULL;
	out->n = 0;
	if (info->interp) {
		mk_error(prog, "dynamically linked programs are not supported yet "
			 "(it needs %s); link it statically", info->interp);
		return -1;
	}
	return 0;
}

int deps_add(struct image *im, const struct deps *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (image_add(im, d->v[i].host, d->v[i].guest))
			return -1;
	return 0;
}

void deps_free(struct deps *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].host);
		free(d->v[i].guest);
	}
	free(d->v);
	d->v = NULL;
	d->n = 0;
}
