/* sys/syslog.c: syslog(2): the action decoded and its arguments checked;
 * the log itself is kernel/klog.c's. */
#include "kernel/kernel.h"
#include "kernel/syscall.h"
#include "kernel/klog.h"

#define SYSLOG_ACTION_CLOSE 0
#define SYSLOG_ACTION_OPEN 1
#define SYSLOG_ACTION_READ 2
#define SYSLOG_ACTION_READ_ALL 3
#define SYSLOG_ACTION_READ_CLEAR 4
#define SYSLOG_ACTION_CLEAR 5
#define SYSLOG_ACTION_CONSOLE_OFF 6
#define SYSLOG_ACTION_CONSOLE_ON 7
#define SYSLOG_ACTION_CONSOLE_LEVEL 8
#define SYSLOG_ACTION_SIZE_UNREAD 9
#define SYSLOG_ACTION_SIZE_BUFFER 10

long sys_syslog(int type, char *buf, int len)
{
	switch (type) {
	case SYSLOG_ACTION_CLOSE:
	case SYSLOG_ACTION_OPEN: return 0;
	case SYSLOG_ACTION_READ:
	case SYSLOG_ACTION_READ_ALL:
	case SYSLOG_ACTION_READ_CLEAR:
		if (!buf || len < 0)
			return -EINVAL;
		if (len == 0)
			return 0;
		if (!access_ok(buf, (size_t)len))
			return -EFAULT;
		if (type == SYSLOG_ACTION_READ)
			return klog_read(buf, (size_t)len);
		return klog_read_all(buf, (size_t)len, type == SYSLOG_ACTION_READ_CLEAR);
	case SYSLOG_ACTION_CLEAR: klog_clear(); return 0;
	case SYSLOG_ACTION_CONSOLE_OFF: klog_console_off(); return 0;
	case SYSLOG_ACTION_CONSOLE_ON: klog_console_on(); return 0;
	case SYSLOG_ACTION_CONSOLE_LEVEL:
		if (len < 1 || len > 8)
			return -EINVAL;
		klog_console_level(len);
		return 0;
	case SYSLOG_ACTION_SIZE_UNREAD: return (long)klog_unread();
	case SYSLOG_ACTION_SIZE_BUFFER: return KLOG_SIZE;
	default: return -EINVAL;
	}
}
