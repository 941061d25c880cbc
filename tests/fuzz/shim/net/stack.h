/* stack.h (fuzzing shim): the one network call kernel/cmdline.c makes, for
 * tests/fuzz/run.sh; fuzz_cmdline.c implements it. */
#ifndef HTUX_NET_STACK_H
#define HTUX_NET_STACK_H
int net_set_ip_option(const char *val);
#endif
