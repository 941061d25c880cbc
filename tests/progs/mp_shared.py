# mp_shared.py: Python multiprocessing between processes (tests/boot/shm.sh):
# a Lock guarding a shared Value, a Semaphore counting the workers done.
import multiprocessing as mp

def work(lock, sem, val, n):
    for _ in range(n):
        with lock:
            val.value += 1
    sem.release()

if __name__ == "__main__":
    mp.set_start_method("fork")
    lock = mp.Lock()
    sem = mp.Semaphore(0)
    val = mp.Value("i", 0, lock=False)
    ps = [mp.Process(target=work, args=(lock, sem, val, 500)) for _ in range(2)]
    for p in ps:
        p.start()
    for _ in ps:
        sem.acquire()
    for p in ps:
        p.join()
    print("value", val.value, "exit codes", [p.exitcode for p in ps])
    sem.release()
    sem.release()
    print("semaphore value", sem.get_value())
