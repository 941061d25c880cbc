/* user.h: --user: the user the program runs as (tools/mkimage/user.c). */
#ifndef HTUX_MKIMAGE_USER_H
#define HTUX_MKIMAGE_USER_H

#include <stddef.h>

struct image;

/* Are the n bytes of s decimal digits (n > 0)? */
int user_all_digits(const char *s, size_t n);
/* Writes /.htux/user (spec) and, when the image has no /etc/passwd (no
   --add put one there), an /etc/passwd and /etc/group holding root's
   entries and this host's entries for the user: its passwd line, its
   primary group and each group that lists it. A NAME this host does not
   know is an error; a UID it does not know gets no entries (it runs with
   that uid, the GID or the same number as group, and no other groups). */
int user_add(struct image *im, const char *spec);

#endif
