// main.go: goroutines and channels, a sync.WaitGroup, a time.Ticker, a
// mutex under contention, file I/O and os/signal; prints deterministic
// results.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"sync"
	"syscall"
	"time"
)

func main() {
	dir := "/tmp"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	var wg sync.WaitGroup
	ch := make(chan int, 100)
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func(n int) { defer wg.Done(); ch <- n * n }(i)
	}
	wg.Wait()
	close(ch)
	var squares []int
	for v := range ch {
		squares = append(squares, v)
	}
	sort.Ints(squares)
	fmt.Println("squares:", len(squares), squares[:5], squares[99])

	var mu sync.Mutex
	counter := 0
	var wg2 sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg2.Add(1)
		go func() {
			defer wg2.Done()
			for j := 0; j < 1000; j++ {
				mu.Lock()
				counter++
				mu.Unlock()
			}
		}()
	}
	wg2.Wait()
	fmt.Println("counter:", counter)

	start := time.Now()
	t := time.NewTicker(10 * time.Millisecond)
	for i := 0; i < 5; i++ {
		<-t.C
	}
	t.Stop()
	fmt.Println("5 ticks took >= 50ms:", time.Since(start) >= 50*time.Millisecond)

	p := filepath.Join(dir, "go-test.txt")
	if err := os.WriteFile(p, []byte("written by go\n"), 0644); err != nil {
		fmt.Println("write:", err)
		os.Exit(1)
	}
	b, err := os.ReadFile(p)
	fmt.Printf("read back: %q %v\n", b, err)
	os.Remove(p)
	_, err = os.Stat(p)
	fmt.Println("removed:", os.IsNotExist(err))
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGUSR1)
	syscall.Kill(os.Getpid(), syscall.SIGUSR1)
	select {
	case s := <-sigs:
		fmt.Println("os/signal got:", s)
	case <-time.After(5 * time.Second):
		fmt.Println("os/signal: no signal")
	}
	os.Exit(3)
}
