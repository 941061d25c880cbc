/* stdlib.h for lwIP: nothing beyond the kernel header (lwIP allocates through lwipopts.h). */
#include "kernel/kernel.h"
