/* string.h for lwIP: the kernel's own memory and string functions. */
#include "kernel/kernel.h"
