/* serial.h: the 16550 UARTs: COM1 is the console, COM2 (when present) is
 * the launcher's side channel for the exit status, COM3 (when present and
 * asked for: stderr=com3) the program's stderr. */
#ifndef HTUX_SERIAL_H
#define HTUX_SERIAL_H

#include <stdbool.h>
#include <stddef.h>

void serial_init(void);
void serial_write(const char *s, size_t n); /* COM1, byte for byte */
int serial_getc(void);                      /* COM1: a byte, or -1 if none waiting */
bool serial_has_input(void);                /* COM1 has a byte waiting */
void serial_rx_irq_on(void);                /* COM1 interrupts (ISA IRQ 4) when a byte comes */
void serial_flush(void);                    /* wait until COM1 has sent everything */
bool com2_present(void);
void com2_write(const char *s, size_t n);
bool com3_present(void);
void com3_write(const char *s, size_t n);

#endif
