/* proc_net_snmp.c: /proc/net/snmp as netstat -s and nstat read it: pairs
 * of "Title: names" and "Title: values" lines with as many values as
 * names, the sections in Linux's order, the names each has had since
 * Linux 4.x in their order (newer kernels append more: only that common
 * prefix is printed), integer values, Forwarding 1 or 2 and MaxConn -1.
 * Never the counts themselves, which are the machine's. */
#include "abi.h"

static char buf[1 << 16];

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	static const struct {
		const char *title;
		int common;
	} want[] = {
		{ "Ip", 19 }, { "Icmp", 16 }, { "Tcp", 15 }, { "Udp", 8 }, { "UdpLite", 8 },
	};
	long n = OK(abi_get("/proc/net/snmp", buf, sizeof(buf)));
	if (n <= 0)
		return 1;
	int pairs_ok = 1, values_ok = 1, seen = 0;
	char *save = NULL;
	for (char *head = strtok_r(buf, "\n", &save); head; head = strtok_r(NULL, "\n", &save)) {
		char *vals = strtok_r(NULL, "\n", &save);
		char *hc = strchr(head, ':');
		if (!vals || !hc || strncmp(head, vals, (size_t)(hc - head + 1))) {
			pairs_ok = 0;
			break;
		}
		*hc = 0;
		char *names[64], *nums[64];
		int nn = 0, nv = 0;
		char *s2 = NULL;
		for (char *t = strtok_r(hc + 1, " ", &s2); t && nn < 64;
		     t = strtok_r(NULL, " ", &s2))
			names[nn++] = t;
		for (char *t = strtok_r(vals + (hc - head) + 1, " ", &s2); t && nv < 64;
		     t = strtok_r(NULL, " ", &s2))
			nums[nv++] = t;
		if (nn != nv)
			pairs_ok = 0;
		for (int i = 0; i < nv && i < nn; i++) {
			char *end;
			// cppcheck-suppress uninitvar ; i < nv: the first nv were filled
			long long v = strtoll(nums[i], &end, 10);
			if (*end || (v < 0 && strcmp(names[i], "MaxConn")))
				values_ok = 0;
			if (!strcmp(names[i], "Forwarding"))
				printf("Ip Forwarding is 1 or 2: %s\n",
				       v == 1 || v == 2 ? "yes" : "no");
			if (!strcmp(names[i], "MaxConn"))
				printf("Tcp MaxConn: %lld\n", v);
		}
		if (!strcmp(head, "IcmpMsg"))
			continue; /* only the message types seen: the machine's */
		if (seen >= (int)(sizeof(want) / sizeof(want[0])) ||
		    strcmp(head, want[seen].title)) {
			printf("unexpected section %s\n", head);
			continue;
		}
		printf("%s:", head);
		for (int i = 0; i < want[seen].common && i < nn; i++)
			printf(" %s", names[i]);
		printf("\n");
		seen++;
	}
	SAY(pairs_ok);
	SAY(values_ok);
	printf("sections: %d\n", seen);
	return 0;
}
