/* pathset.c: the set of names already written to the image (a hash
   table with linear probing). */
#include "pathset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static size_t hash(const char *s)
{
	uint64_t h = 1469598103934665603u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211u;
	return (size_t)h;
}

static struct pathset_entry *slot(struct pathset_entry *tab, size_t cap, const char *path)
{
	size_t i = hash(path) & (cap - 1);

	while (tab[i].path && strcmp(tab[i].path, path))
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

struct pathset_entry *pathset_find(const struct pathset *s, const char *path)
{
	struct pathset_entry *e;

	if (!s->cap)
		return NULL;
	e = slot(s->tab, s->cap, path);
	return e->path ? e : NULL;
}

static int grow(struct pathset *s)
{
	size_t cap = s->cap ? s->cap * 2 : 64, i;
	struct pathset_entry *tab = calloc(cap, sizeof *tab);

	if (!tab)
		return -1;
	for (i = 0; i < s->cap; i++)
		if (s->tab[i].path)
			*slot(tab, cap, s->tab[i].path) = s->tab[i];
	free(s->tab);
	s->tab = tab;
	s->cap = cap;
	return 0;
}

struct pathset_entry *pathset_add(struct pathset *s, const char *path, const char *host, int kind)
{
	struct pathset_entry *e;
	char *p, *h = NULL;

	if ((s->n + 1) * 2 > s->cap && grow(s))
		return NULL;
	p = strdup(path);
	if (host)
		h = strdup(host);
	if (!p || (host && !h)) {
		free(p);
		free(h);
		return NULL;
	}
	e = slot(s->tab, s->cap, path);
	e->path = p;
	e->host = h;
	e->kind = kind;
	s->n++;
	return e;
}

void pathset_free(struct pathset *s)
{
	size_t i;

	for (i = 0; i < s->cap; i++) {
		free(s->tab[i].path);
		free(s->tab[i].host);
	}
	free(s->tab);
	memset(s, 0, sizeof *s);
}
