/* report.h: the htux launcher's error messages. */
#ifndef HTUX_REPORT_H
#define HTUX_REPORT_H

/* Prints "htux: MESSAGE" as one line on stderr. */
void htux_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
