/* sock_intr.c: signals and sockets: a blocking recv and accept end with
 * EINTR when the handler has no SA_RESTART and go on with it; SIGPIPE and
 * EPIPE for a write on a stream whose peer is gone, none with
 * MSG_NOSIGNAL. */
#include "abi.h"
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>

static volatile int alarms, pipes;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}
static void on_pipe(int sig)
{
	(void)sig;
	pipes++;
}

static void arm(int restart)
{
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = restart ? SA_RESTART : 0 };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { .it_value = { 0, 50000 } };
	setitimer(ITIMER_REAL, &it, NULL);
}

static int late_fd;
static void *late_writer(void *arg)
{
	(void)arg;
	usleep(200000);
	(void)!write(late_fd, "late", 4);
	return NULL;
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	int sv[2];
	char buf[16];
	R(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	arm(0);
	R(recv(sv[0], buf, sizeof(buf), 0));
	printf("alarms %d\n", alarms);

	arm(1);
	late_fd = sv[1];
	pthread_t t;
	pthread_create(&t, NULL, late_writer, NULL);
	R(read(sv[0], buf, sizeof(buf)));
	pthread_join(t, NULL);
	printf("alarms %d\n", alarms);

	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int l = OK(socket(AF_INET, SOCK_STREAM, 0));
	R(bind(l, (struct sockaddr *)&a, sizeof(a)));
	R(listen(l, 1));
	arm(0);
	R(accept(l, NULL, NULL));
	printf("alarms %d\n", alarms);
	close(l);

	signal(SIGPIPE, on_pipe);
	close(sv[1]);
	R(write(sv[0], "x", 1));
	printf("sigpipes %d\n", pipes);
	R(send(sv[0], "x", 1, MSG_NOSIGNAL));
	printf("sigpipes %d\n", pipes);
	close(sv[0]);
	return 0;
}
