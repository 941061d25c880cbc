/* applets.h: busybox's applets as links in the image. */
#ifndef HTUX_MKIMAGE_APPLETS_H
#define HTUX_MKIMAGE_APPLETS_H

#include "image.h"

/* When the program is busybox (its file is named "busybox"), asks it for
   its applets (busybox --list-full, run on this host) and adds each as a
   symbolic link to guest, at the path busybox installs it (/bin/sh,
   /usr/bin/wc, ...), so that programs exec'd by path or through $PATH
   find them. Names already in the image are left alone. 0 (also when the
   program is not busybox, or gives no list), or -1 on a write error. */
int applets_add(struct image *im, const char *host, const char *guest);

#endif
