/* Work.java (tests/boot/java.sh): 8 threads on a ConcurrentHashMap,
 * String.format, file I/O in args[0], a NullPointerException (in the
 * interpreter and in JIT-compiled code, where the JVM takes it as a
 * SIGSEGV), a StackOverflowError (in the main thread and in a thread with a
 * small stack: the JVM's guard pages), the CPU time of a busy loop as the
 * JVM reads it (its thread's CPU clock, the process's /proc/self/stat) and
 * System.exit(3). */
import java.lang.management.*;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;

public class Work {
	static int depth;
	static void recurse() { depth++; recurse(); }
	static int len(String s) { return s.length(); }

	/* A null dereference in JIT-compiled code (an implicit null check:
	   SIGSEGV in the JVM), after warming len up. */
	static String compiledNull() {
		String[] v = { "ab", "cde" };
		long n = 0;
		for (int i = 0; i < 300000; i++)
			n += len(v[i & 1]);
		try {
			n += len(null);
			return "no exception";
		} catch (NullPointerException e) {
			return "caught NullPointerException in compiled code " + n;
		}
	}

	public static void main(String[] args) throws Exception {
		ConcurrentHashMap<Integer, Long> map = new ConcurrentHashMap<>();
		Thread[] ts = new Thread[8];
		for (int i = 0; i < 8; i++) {
			final int id = i;
			ts[i] = new Thread(() -> {
				long sum = 0;
				for (int k = 0; k < 1000; k++) {
					sum += k * id;
					map.merge(k % 100, 1L, Long::sum);
				}
				map.put(1000 + id, sum);
			});
			ts[i].start();
		}
		for (Thread t : ts)
			t.join();
		long total = 0;
		for (int k = 0; k < 100; k++)
			total += map.get(k);
		System.out.println(String.format("threads %d entries %d total %d sum7 %d",
			ts.length, map.size(), total, map.get(1007)));

		Path p = Paths.get(args[0], "work.txt");
		Files.write(p, Arrays.asList("alpha", "beta", String.format("%.3f", Math.PI)));
		List<String> lines = Files.readAllLines(p);
		System.out.println("file " + lines + " size " + Files.size(p));

		try {
			String s = null;
			s.length();
		} catch (NullPointerException e) {
			System.out.println("caught NullPointerException");
		}
		try {
			recurse();
		} catch (StackOverflowError e) {
			System.out.println("caught StackOverflowError deep " + (depth > 1000));
		}
		System.out.println(compiledNull());
		String[] res = new String[1];
		Thread deep = new Thread(null, () -> {
			depth = 0;
			try {
				recurse();
			} catch (StackOverflowError e) {
				res[0] = "caught StackOverflowError in a thread deep " + (depth > 1000);
			}
		}, "deep", 256 << 10);
		deep.start();
		deep.join();
		System.out.println(res[0]);
		/* 100 ms of this thread's CPU time: no more than the wall time */
		ThreadMXBean mx = ManagementFactory.getThreadMXBean();
		long w0 = System.nanoTime(), c0 = mx.getCurrentThreadCpuTime(), c1;
		while ((c1 = mx.getCurrentThreadCpuTime()) - c0 < 100_000_000L)
			;
		long wall = System.nanoTime() - w0;
		long proc = ProcessHandle.current().info().totalCpuDuration().get().toMillis();
		System.out.println("thread CPU time: 100 ms busy within " + (c1 - c0 <= wall) +
			", process CPU time at least that " + (proc >= 100));
		System.exit(3);
	}
}
