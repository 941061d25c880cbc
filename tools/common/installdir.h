/* installdir.h: finding the files an installed htux keeps beside its
   programs, wherever the installation was moved. */
#ifndef HTUX_INSTALLDIR_H
#define HTUX_INSTALLDIR_H

/* The path of NAME in one of the directories an installation keeps the
   kernel's files in, relative to the directory of the running program:
   ../lib/htux (the Debian package, --libexecdir=/usr/lib) or
   ../libexec/htux (make install's default); NULL when none has it with
   access MODE. malloc'd. */
char *install_find(const char *name, int mode);

#endif
