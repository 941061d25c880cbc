/* serial.c: 16550 UART driver: COM1 carries the console byte for byte,
 * sent polled, received by interrupt once the console asks for it (else
 * polled at each tick); COM2, when QEMU has one, carries the exit status
 * to the launcher; COM3, when QEMU has one, the program's stderr with the
 * kernel option stderr=com3 (fs/console.c). The FIFOs stay off: turning them on clears them, and a
 * byte of input may already wait. */
#include "arch/x86_64/serial.h"
#include "arch/x86_64/io.h"
#include "arch/x86_64/cpu.h"

#define COM1 0x3F8
#define COM2 0x2F8
#define COM3 0x3E8

enum { DATA = 0, IER = 1, FCR = 2, LCR = 3, MCR = 4, LSR = 5, SCR = 7 };
#define LSR_DR 0x01   /* data ready */
#define LSR_THRE 0x20 /* transmit holding register empty */
#define LSR_TEMT 0x40 /* transmitter empty */

static bool com2_ok, com3_ok;

static void uart_setup(uint16_t base)
{
	outb(base + IER, 0x00);
	outb(base + LCR, 0x80); /* divisor latch: 115200 baud */
	outb(base + DATA, 0x01);
	outb(base + IER, 0x00);
	outb(base + LCR, 0x03); /* 8N1 */
	/* FCR is left alone: enabling the FIFOs clears them, which would drop
	 * input that arrived before us. */
	outb(base + MCR, 0x03); /* DTR, RTS */
}

static bool uart_present(uint16_t base)
{
	outb(base + SCR, 0x5A);
	if (inb(base + SCR) != 0x5A)
		return false;
	outb(base + SCR, 0xA5);
	return inb(base + SCR) == 0xA5;
}

void serial_init(void)
{
	uart_setup(COM1);
	com2_ok = uart_present(COM2);
	if (com2_ok)
		uart_setup(COM2);
	com3_ok = uart_present(COM3);
	if (com3_ok)
		uart_setup(COM3);
}

static void uart_write(uint16_t base, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		while (!(inb(base + LSR) & LSR_THRE))
			cpu_relax();
		outb(base + DATA, (uint8_t)s[i]);
	}
}

void serial_write(const char *s, size_t n) { uart_write(COM1, s, n); }

int serial_getc(void)
{
	if (!(inb(COM1 + LSR) & LSR_DR))
		return -1;
	return inb(COM1 + DATA);
}

bool serial_has_input(void) { return inb(COM1 + LSR) & LSR_DR; }

/* Received-data interrupts: the line is up while a byte waits, so each
 * byte is an edge once the one before was read. */
void serial_rx_irq_on(void) { outb(COM1 + IER, 0x01); }

void serial_flush(void)
{
	while (!(inb(COM1 + LSR) & LSR_TEMT))
		cpu_relax();
}

bool com2_present(void) { return com2_ok; }

void com2_write(const char *s, size_t n)
{
	if (com2_ok)
		uart_write(COM2, s, n);
}

bool com3_present(void) { return com3_ok; }

void com3_write(const char *s, size_t n)
{
	if (com3_ok)
		uart_write(COM3, s, n);
}
