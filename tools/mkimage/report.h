/* report.h: htux-mkimage's error and warning messages. */
#ifndef HTUX_MKIMAGE_REPORT_H
#define HTUX_MKIMAGE_REPORT_H

/* Prints "htux-mkimage: PATH: MESSAGE" (or "htux-mkimage: MESSAGE" when
   path is NULL) as one line on stderr. */
void mk_error(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mk_warn(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Called before any line of ours on stderr (mk_error, mk_warn and the
   summary lines call it): blanks the progress line, when one is shown. */
extern void (*mk_line_hook)(void);
void mk_line_begin(void);

#endif
