// gopipe: pipes through Go's netpoller (epoll, edge-triggered, eventfd
// wake-ups): a writer and a reader goroutine, read deadlines, closing.
package main

import (
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"time"
)

func main() {
	r, w, err := os.Pipe()
	if err != nil {
		fmt.Println("pipe:", err)
		os.Exit(1)
	}
	// 1 MiB through a 64 KiB pipe: both sides park in the netpoller.
	data := make([]byte, 1<<20)
	for i := range data {
		data[i] = byte(i * 7)
	}
	go func() {
		for off := 0; off < len(data); off += 3000 {
			end := off + 3000
			if end > len(data) {
				end = len(data)
			}
			w.Write(data[off:end])
		}
		w.Close()
	}()
	h := sha256.New()
	n, err := io.Copy(h, r)
	fmt.Printf("copied %d bytes, err %v, sum ok %v\n", n, err, fmt.Sprintf("%x", h.Sum(nil)) == fmt.Sprintf("%x", sha256.Sum256(data)))
	r.Close()

	// A read deadline on an empty pipe times out (timed from before the
	// deadline is set: a busy host may delay what follows).
	r, w, _ = os.Pipe()
	start := time.Now()
	r.SetReadDeadline(start.Add(50 * time.Millisecond))
	buf := make([]byte, 10)
	_, err = r.Read(buf)
	fmt.Println("deadline:", os.IsTimeout(err), time.Since(start) >= 40*time.Millisecond)

	// A reader parked in the netpoller wakes for data from a timer goroutine.
	r.SetReadDeadline(time.Time{})
	time.AfterFunc(30*time.Millisecond, func() { w.Write([]byte("ping")) })
	k, err := r.Read(buf)
	fmt.Printf("woke with %q %v\n", buf[:k], err)
	w.Close()
	k, err = r.Read(buf)
	fmt.Println("after close:", k, err)
}
