/* path.h: host paths: $PATH lookup and lexical absolute paths. */
#ifndef HTUX_MKIMAGE_PATH_H
#define HTUX_MKIMAGE_PATH_H

/* The file a shell would run for name: name itself when it holds a '/',
   else the first executable regular file DIR/name for DIR in $PATH (an
   empty DIR is "."), else the first regular file found there (so that the
   caller can say it is not executable). Returns a malloc'd string, or NULL
   with errno ENOENT (not found) or ENOMEM. */
char *path_search(const char *name);

/* The absolute form of path without resolving symbolic links: relative
   paths are taken from the current directory ($PWD when it names it), then
   "//", "." and ".." are removed lexically. Returns a malloc'd string, or
   NULL with errno set. */
char *path_absolute(const char *path);

/* Lexical clean-up of an absolute path, as above; "/" stays "/". */
char *path_normalize(const char *path);

/* The path child inside dir (an absolute normalized path). */
char *path_join(const char *dir, const char *child);

#endif
