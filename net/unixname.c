/* unixname.c: AF_UNIX names: sockaddr_un parsed as a filesystem path or
 * an abstract name, bind (a socket inode made at the path, or an
 * abstract name; autobind), the lookup connect and sendto use, and
 * getsockname/getpeername. */
#include "net/unix.h"

/* ---- names */

struct uaddr {
	bool abstract;
	char path[UNIX_PATH_MAX + 1]; /* a path, NUL-terminated */
	uint8_t abs[UNIX_PATH_MAX];   /* an abstract name (after the NUL) */
	unsigned abslen;
};

/* 1: autobind (family only), 0: parsed, <0: -errno. */
static int uaddr_parse(const void *a, unsigned len, struct uaddr *out)
{
	const struct sockaddr_un *sun = a;
	memset(out, 0, sizeof(*out));
	if (len < sizeof(sun->sun_family) || len > sizeof(*sun) || sun->sun_family != AF_UNIX)
		return -EINVAL;
	unsigned n = len - (unsigned)sizeof(sun->sun_family);
	if (n == 0)
		return 1;
	if (sun->sun_path[0] == 0) {
		out->abstract = true;
		out->abslen = n - 1;
		memcpy(out->abs, sun->sun_path + 1, n - 1);
		return 0;
	}
	memcpy(out->path, sun->sun_path, n);
	out->path[n] = 0;
	return 0;
}

static struct usock *find_abstract(const uint8_t *name, unsigned len, int type)
{
	for (struct usock *u = unix_all; u; u = u->all_next)
		if (!u->ino && u->namelen == 2 + 1 + len && u->name[2] == 0 &&
		    !memcmp(u->name + 3, name, len) && (type < 0 || u->s->type == type))
			return u;
	return NULL;
}

/* The socket a connect or send names: -ENOENT, -ECONNREFUSED, -EPROTOTYPE. */
int unix_lookup(const void *a, unsigned len, int type, struct usock **out)
{
	struct uaddr ua;
	int e = uaddr_parse(a, len, &ua);
	if (e)
		return e > 0 ? -EINVAL : e;
	struct usock *t = NULL;
	if (ua.abstract) {
		t = find_abstract(ua.abs, ua.abslen, type); /* names are per type */
	} else {
		struct inode *ino;
		e = vfs_lookupat(AT_FDCWD, ua.path, LOOKUP_FOLLOW, &ino);
		if (e)
			return e;
		bool sock = S_ISSOCK(ino->mode);
		for (struct usock *u = unix_all; u && sock; u = u->all_next)
			if (u->ino == ino) {
				t = u;
				break;
			}
		inode_put(ino);
	}
	if (!t)
		return -ECONNREFUSED;
	if (t->s->type != type)
		return -EPROTOTYPE;
	*out = t;
	return 0;
}

static int do_bind(struct usock *u, struct uaddr *ua, int autob)
{
	if (autob) {
		/* an abstract name of five hex digits, as Linux picks */
		static unsigned next = 0x10000;
		char hex[6];
		for (;;) {
			unsigned v = next++ & 0xfffff;
			for (int i = 4; i >= 0; i--, v >>= 4)
				hex[i] = "0123456789abcdef"[v & 15];
			if (!find_abstract((uint8_t *)hex, 5, -1))
				break;
		}
		ua->abstract = true;
		memcpy(ua->abs, hex, 5);
		ua->abslen = 5;
	}
	struct sockaddr_un sun;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (ua->abstract) {
		if (find_abstract(ua->abs, ua->abslen, u->s->type))
			return -EADDRINUSE;
		memcpy(sun.sun_path + 1, ua->abs, ua->abslen);
		u->namelen = 2 + 1 + ua->abslen;
	} else {
		int e = vfs_mknodat(AT_FDCWD, ua->path, S_IFSOCK | 0777, 0);
		if (e)
			return e == -EEXIST ? -EADDRINUSE : e;
		e = vfs_lookupat(AT_FDCWD, ua->path, 0, &u->ino);
		if (e)
			return e;
		size_t n = strlen(ua->path);
		memcpy(sun.sun_path, ua->path, n);
		u->namelen = (unsigned)(2 + n + 1);
	}
	memcpy(u->name, &sun, sizeof(sun));
	return 0;
}

int unix_bind(struct sock *s, const void *a, unsigned len)
{
	struct usock *u = U(s);
	struct uaddr ua;
	int e = uaddr_parse(a, len, &ua);
	if (e < 0)
		return e;
	if (u->namelen)
		return -EINVAL;
	return do_bind(u, &ua, e);
}

int unix_getname(struct sock *s, void *out, bool peer)
{
	struct usock *u = U(s);
	if (peer) {
		if (!u->peer || (!is_dgram(u) && u->st != U_CONNECTED))
			return -ENOTCONN;
		u = u->peer;
	}
	if (!u->namelen) {
		uint16_t fam = AF_UNIX;
		memcpy(out, &fam, sizeof(fam));
		return sizeof(fam);
	}
	memcpy(out, u->name, u->namelen);
	return (int)u->namelen;
}
