/* hooks.h: htux's hooks into lwIP (LWIP_HOOK_FILENAME in lwipopts.h),
 * defined in net/stack.c: a TCP segment that found its pcb passes
 * net_tcp_inpacket first (a SYN to a listening pcb may make room among
 * the half-open connections). */
#ifndef HTUX_LWIP_HOOKS_H
#define HTUX_LWIP_HOOKS_H

#include "lwip/err.h"

struct tcp_pcb;
struct tcp_hdr;
err_t net_tcp_inpacket(struct tcp_pcb *pcb, const struct tcp_hdr *hdr);

#endif
