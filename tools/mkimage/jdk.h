/* jdk.h: the Java runtime that a JDK launcher (java, javac, jshell ...)
   loads at run time: its java.home's lib/ and conf/ trees. */
#ifndef HTUX_MKIMAGE_JDK_H
#define HTUX_MKIMAGE_JDK_H

#include "image.h"

/* When prog (a host path, perhaps a symbolic link) is the launcher of a
   modular JDK or JRE, i.e. its real path is HOME/bin/NAME and HOME/lib
   holds jvm.cfg and modules: returns HOME (malloc'd, links resolved) and
   sets *real to prog's real path (malloc'd). NULL otherwise. */
char *jdk_home(const char *prog, char **real);

/* Adds what the JVM opens below home (see jdk.c for what is left out),
   each shared library with its dependency closure (interp: the launcher's
   PT_INTERP, NULL for none); launcher is the program's path (its name
   decides whether javac's ct.sym is needed). Names already in the image
   are kept. 0, or -1 after a message. */
int jdk_add(struct image *im, const char *home, const char *launcher, const char *interp);

#endif
