/* arch/cc.h: lwIP's port header for htux: the kernel's types, no C
 * library, diagnostics through the kernel log, asserts as panics. */
#ifndef HTUX_LWIP_ARCH_CC_H
#define HTUX_LWIP_ARCH_CC_H

#include "kernel/kernel.h"

#define LWIP_NO_INTTYPES_H 1
#define LWIP_NO_CTYPE_H 1
#define SSIZE_MAX INT64_MAX /* kernel.h has ssize_t */
#define X8_F "02x"
#define U16_F "u"
#define S16_F "d"
#define X16_F "x"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "lu"

#define BYTE_ORDER LITTLE_ENDIAN
#define LWIP_RAND() net_random32()
uint32_t net_random32(void);

#define LWIP_PLATFORM_DIAG(x) \
	do { \
		klog_info x; \
	} while (0)
#define LWIP_PLATFORM_ASSERT(x) panic("lwip: %s (%s:%d)", x, __FILE__, __LINE__)

#define PACK_STRUCT_BEGIN
#define PACK_STRUCT_END
#define PACK_STRUCT_STRUCT __attribute__((packed))
#define PACK_STRUCT_FIELD(x) x

#endif
