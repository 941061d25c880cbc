/* abi.h: the socket ABI constants and layouts Linux's UAPI headers do not
 * export (they live in the C library's sys/socket.h): families, types,
 * MSG_* flags, msghdr and cmsghdr. Values are Linux x86_64's. */
#ifndef HTUX_NET_ABI_H
#define HTUX_NET_ABI_H

#include "kernel/kernel.h"
#include <asm/socket.h>
#include <linux/in.h>
#include <linux/un.h>
#include <linux/tcp.h>

#define AF_UNSPEC 0
#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define AF_NETLINK 16
#define AF_PACKET 17

#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_RAW 3
#define SOCK_SEQPACKET 5
#define SOCK_TYPE_MASK 0xf
#define SOCK_NONBLOCK O_NONBLOCK
#define SOCK_CLOEXEC O_CLOEXEC

#define MSG_OOB 0x1
#define MSG_PEEK 0x2
#define MSG_DONTROUTE 0x4
#define MSG_CTRUNC 0x8
#define MSG_TRUNC 0x20
#define MSG_DONTWAIT 0x40
#define MSG_EOR 0x80
#define MSG_WAITALL 0x100
#define MSG_NOSIGNAL 0x4000
#define MSG_MORE 0x8000
#define MSG_CMSG_CLOEXEC 0x40000000

#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2

#define SCM_RIGHTS 1
#define SCM_CREDENTIALS 2

#define SOL_IP 0
#define SOL_TCP 6
#define SOL_UDP 17
#define SOL_IPV6 41
#define SOL_NETLINK 270

struct k_msghdr {
	void *msg_name;
	int msg_namelen;
	struct iovec *msg_iov;
	size_t msg_iovlen;
	void *msg_control;
	size_t msg_controllen;
	int msg_flags;
};

struct k_mmsghdr {
	struct k_msghdr msg_hdr;
	unsigned msg_len;
};

struct k_cmsghdr {
	size_t cmsg_len;
	int cmsg_level;
	int cmsg_type;
};

#define CMSG_ALIGN_K(n) (((n) + sizeof(size_t) - 1) & ~(sizeof(size_t) - 1))
#define CMSG_HDR_K CMSG_ALIGN_K(sizeof(struct k_cmsghdr))

struct k_ucred {
	int pid;
	unsigned uid, gid;
};

struct k_linger {
	int l_onoff;
	int l_linger;
};

#endif
