# modules.py: Python extension modules that link libraries of their own
# (libsqlite3, libcrypto, libssl, libffi), each used once.
import ctypes
import hashlib
import sqlite3
import ssl

db = sqlite3.connect(":memory:")
db.execute("create table t(x)")
db.executemany("insert into t values (?)", [(i,) for i in range(10)])
print("sqlite3", db.execute("select sum(x), count(*) from t").fetchone())
print("sha256", hashlib.sha256(b"htux").hexdigest())
print("ssl", ssl.OPENSSL_VERSION.split()[0])
print("ctypes", ctypes.CDLL(None).abs(-7))
