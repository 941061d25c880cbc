// gosmp: GOMAXPROCS=N (argv[1]) goroutines doing CPU work (SHA-256
// chains) and channel traffic (a ring of goroutines passing a token), for
// the SMP tests (issue 16). Prints results that do not depend on the
// number of CPUs, and whether runtime.NumCPU() agrees with the CPUs that
// /sys/devices/system/cpu/online lists (htux: 1 while the scheduler runs
// on CPU 0 only; all of them with the SMP scheduler).
package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
)

// online counts the CPUs in a list like "0-3,6".
func online() (int, error) {
	b, err := os.ReadFile("/sys/devices/system/cpu/online")
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range strings.Split(strings.TrimSpace(string(b)), ",") {
		lo, hi, found := strings.Cut(r, "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			return 0, err
		}
		z := a
		if found {
			if z, err = strconv.Atoi(hi); err != nil {
				return 0, err
			}
		}
		n += z - a + 1
	}
	return n, nil
}

// chain hashes seed's bytes rounds times.
func chain(seed, rounds int) [32]byte {
	h := sha256.Sum256([]byte(strconv.Itoa(seed)))
	for i := 1; i < rounds; i++ {
		h = sha256.Sum256(h[:])
	}
	return h
}

func main() {
	procs := 2
	if len(os.Args) > 1 {
		if n, err := strconv.Atoi(os.Args[1]); err == nil && n > 0 {
			procs = n
		}
	}
	runtime.GOMAXPROCS(procs)
	fmt.Printf("gomaxprocs %d\n", runtime.GOMAXPROCS(0))
	if n, err := online(); err != nil {
		fmt.Println("cpus: cannot read /sys/devices/system/cpu/online:", err)
	} else if n != runtime.NumCPU() {
		fmt.Printf("cpus: NumCPU %d, online %d\n", runtime.NumCPU(), n)
	} else {
		fmt.Println("cpus: NumCPU = online CPUs")
	}

	// CPU work: 4*procs chains over procs workers
	jobs := make(chan int)
	results := make(chan [2][32]byte)
	var wg sync.WaitGroup
	for w := 0; w < procs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				results <- [2][32]byte{chain(j, 1), chain(j, 20000)}
			}
		}()
	}
	go func() {
		for j := 0; j < 4*procs; j++ {
			jobs <- j
		}
		close(jobs)
		wg.Wait()
		close(results)
	}()
	var sum [32]byte
	n := 0
	for r := range results {
		for i := range sum {
			sum[i] ^= r[1][i] // order-independent
		}
		n++
	}
	fmt.Printf("chains %d xor %x\n", n, sum[:8])

	// a ring: main sends a counter through 8 goroutines, each adding 1,
	// and gets it back, 20000 times
	const ring, laps = 8, 20000
	chans := make([]chan int, ring+1)
	for i := range chans {
		chans[i] = make(chan int)
	}
	for i := 0; i < ring; i++ {
		go func(in, out chan int) {
			for v := range in {
				out <- v + 1
			}
			close(out)
		}(chans[i], chans[i+1])
	}
	v := 0
	for l := 0; l < laps; l++ {
		chans[0] <- v
		v = <-chans[ring]
	}
	close(chans[0])
	fmt.Printf("ring %d (want %d)\n", v, ring*laps)
}
