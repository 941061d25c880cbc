/* usage.h: htux-mkimage --help's text. */
#ifndef HTUX_MKIMAGE_USAGE_H
#define HTUX_MKIMAGE_USAGE_H

extern const char mk_usage[];

#endif
