/* installdir.h: finding files beside the running program: in a build tree
   (next to it) or in an installation, wherever it was moved. */
#ifndef HTUX_INSTALLDIR_H
#define HTUX_INSTALLDIR_H

/* The directory holding the running executable, or NULL. malloc'd. */
char *exe_dir(void);

/* DIR/NAME when it is a regular file that access(MODE) allows, else NULL
   (also for a NULL dir). malloc'd. */
char *file_in(const char *dir, const char *name, int mode);

/* NAME next to the running program (a build tree), or NULL. malloc'd. */
char *exe_sibling(const char *name, int mode);

/* The path of NAME in one of the directories an installation keeps the
   kernel's files in, relative to the directory of the running program:
   ../lib/htux (the Debian package, --libexecdir=/usr/lib) or
   ../libexec/htux (make install's default); NULL when none has it with
   access MODE. malloc'd. */
char *install_find(const char *name, int mode);

#endif
