/* uts.c: the names the system goes by: the host name and NIS domain name
 * (uname(2)'s nodename and domainname, /proc/sys/kernel/hostname and
 * domainname, the DHCP client's host name). kernel/sys/info.c holds
 * sethostname, setdomainname and uname. */
#include "kernel/kernel.h"
#include "kernel/uts.h"
#include <linux/utsname.h>

static char hostname[__NEW_UTS_LEN + 1] = "htux";
static char domainname[__NEW_UTS_LEN + 1] = "(none)";

const char *uts_hostname(void) { return hostname; }
const char *uts_domainname(void) { return domainname; }

static void set(char *dst, const char *name, size_t len)
{
	memcpy(dst, name, len);
	memset(dst + len, 0, __NEW_UTS_LEN + 1 - len);
}

void uts_set_hostname(const char *name, size_t len) { set(hostname, name, len); }
void uts_set_domainname(const char *name, size_t len) { set(domainname, name, len); }
