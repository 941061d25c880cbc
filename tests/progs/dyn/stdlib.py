# stdlib.py: Debian's python3 using a slice of its standard library:
# json, re, hashlib, sqlite3 (in memory and a file in /tmp), threading,
# datetime with zoneinfo, and os calls (no subprocess). Its output does not
# depend on the machine, so that htux and the host can be compared.
import datetime
import hashlib
import json
import os
import re
import sqlite3
import sys
import threading
import zoneinfo

data = {"name": "htux", "list": [1, 2.5, None, True], "nested": {"k": "v\u00e9"}}
text = json.dumps(data, sort_keys=True)
print("json", text, json.loads(text) == data)

m = re.findall(r"(\w+)=(\d+)", "a=1 bb=22 ccc=333")
print("re", m, re.sub(r"\d", "#", "x1y22z"))

print("sha256", hashlib.sha256(b"hello htux").hexdigest())
print("md5", hashlib.md5(b"x" * 100000).hexdigest())

db = sqlite3.connect(":memory:")
db.execute("create table t(a integer, b text)")
db.executemany("insert into t values (?, ?)", [(i, str(i * i)) for i in range(1000)])
print("sqlite memory", db.execute("select count(*), sum(a), max(b) from t").fetchone())
path = "/tmp/htux-stdlib-%d.db" % os.getpid()
fdb = sqlite3.connect(path)
fdb.execute("create table kv(k text primary key, v integer)")
with fdb:
    fdb.executemany("insert into kv values (?, ?)", [("k%03d" % i, i) for i in range(500)])
fdb.close()
fdb = sqlite3.connect(path)
print("sqlite file", fdb.execute("select count(*), sum(v) from kv").fetchone(),
      os.path.getsize(path) > 0)
fdb.close()
os.remove(path)

lock = threading.Lock()
total = [0]
def work(n):
    s = sum(i * i for i in range(n))
    with lock:
        total[0] += s
threads = [threading.Thread(target=work, args=(10000 + i,)) for i in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("threads", total[0], threading.active_count())

utc = zoneinfo.ZoneInfo("UTC")
paris = zoneinfo.ZoneInfo("Europe/Paris")
d = datetime.datetime(2024, 7, 14, 12, 0, tzinfo=utc)
print("zoneinfo", d.astimezone(paris).isoformat(), d.astimezone(paris).tzname())
w = datetime.datetime(2024, 1, 14, 12, 0, tzinfo=utc).astimezone(paris)
print("zoneinfo winter", w.isoformat(), w.tzname())
print("date", datetime.date(2000, 2, 29) + datetime.timedelta(days=366))

os.makedirs("/tmp/htux-py/a/b", exist_ok=True)
with open("/tmp/htux-py/a/b/f.txt", "w") as f:
    f.write("content\n")
os.rename("/tmp/htux-py/a/b/f.txt", "/tmp/htux-py/a/g.txt")
print("os", sorted(os.listdir("/tmp/htux-py/a")), os.stat("/tmp/htux-py/a/g.txt").st_size,
      os.path.exists("/tmp/htux-py/a/b/f.txt"))
os.remove("/tmp/htux-py/a/g.txt")
os.rmdir("/tmp/htux-py/a/b")
os.rmdir("/tmp/htux-py/a")
os.rmdir("/tmp/htux-py")
print("env", os.environ.get("HTUX_DYN"), os.getcwd() == os.path.realpath("."))
print("argv", sys.argv[1:])
sys.exit(3)
