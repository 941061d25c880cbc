/* uts.h: the host and domain names (kernel/uts.c). kernel/proc.h also
 * declares the getters, for its older callers. */
#ifndef HTUX_UTS_H
#define HTUX_UTS_H

#include <stddef.h>

const char *uts_hostname(void);
const char *uts_domainname(void);
/* Sets the name to len bytes of name; len <= __NEW_UTS_LEN (checked by
 * the caller). */
void uts_set_hostname(const char *name, size_t len);
void uts_set_domainname(const char *name, size_t len);

#endif
