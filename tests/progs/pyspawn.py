# pyspawn.py: python3 starting busybox applets (subprocess uses vfork or
# posix_spawn, then exec) and forking itself.
import os
import subprocess

r = subprocess.run(['/bin/busybox', 'echo', 'hi from child'], capture_output=True, text=True)
print(repr(r.stdout), r.returncode)
print(subprocess.run(['/bin/busybox', 'sh', '-c', 'exit 3']).returncode)
p = subprocess.Popen(['/bin/busybox', 'tr', 'a-z', 'A-Z'], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
out, _ = p.communicate(b'piped text')
print(out, p.returncode)
try:
    subprocess.run(['/nonexistent/program'])
except FileNotFoundError as e:
    print('FileNotFoundError', e.errno)
pid = os.fork()
if pid == 0:
    os._exit(5)
print(os.waitpid(pid, 0)[1] >> 8)
