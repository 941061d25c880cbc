/* manifest.c: the contents of /.htux/argv and /.htux/env (strings each
   ending with a NUL byte, see docs/design.md). */
#include "manifest.h"

#include <stdlib.h>
#include <string.h>

const char *const manifest_default_env[] = { "PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/", NULL };

static int append(struct blob *b, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = realloc(b->data, b->len + n);

	if (!p)
		return -1;
	memcpy(p + b->len, s, n);
	b->data = p;
	b->len += n;
	return 0;
}

int manifest_argv(struct blob *b, const char *path, const char *argv0, char *const args[],
		  size_t nargs)
{
	size_t i;

	b->data = NULL;
	b->len = 0;
	if (append(b, path) || append(b, argv0))
		goto fail;
	for (i = 0; i < nargs; i++)
		if (append(b, args[i]))
			goto fail;
	return 0;
fail:
	blob_free(b);
	return -1;
}

int manifest_valid_env(const char *s)
{
	const char *eq = strchr(s, '=');

	return eq && eq != s;
}

static int same_name(const char *a, const char *b)
{
	size_t n = (size_t)(strchr(a, '=') - a);

	return !strncmp(a, b, n + 1);
}

int manifest_env(struct blob *b, const char *const set[], size_t nset)
{
	size_t ndef = 0, n = 0, i, j;
	const char **v;
	int ret = -1;

	b->data = NULL;
	b->len = 0;
	while (manifest_default_env[ndef])
		ndef++;
	v = malloc((ndef + nset) * sizeof *v);
	if (!v)
		return -1;
	for (i = 0; i < ndef; i++)
		v[n++] = manifest_default_env[i];
	for (i = 0; i < nset; i++) {
		for (j = 0; j < n && !same_name(v[j], set[i]); j++)
			;
		v[j] = set[i];
		if (j == n)
			n++;
	}
	for (i = 0; i < n; i++)
		if (append(b, v[i]))
			goto out;
	ret = 0;
out:
	if (ret)
		blob_free(b);
	free(v);
	return ret;
}

void blob_free(struct blob *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
}
