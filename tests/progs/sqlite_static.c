/* sqlite_static.c: a small static SQLite shell for tests/boot/minimal.sh:
   runs the SQL of argv[2] on the database file argv[1] and prints each
   result row as values separated by '|'. Built with gcc -static and
   Debian's libsqlite3.a. */
#include <sqlite3.h>
#include <stdio.h>

static int row(void *unused, int n, char **vals, char **names)
{
	(void)unused;
	(void)names;
	for (int i = 0; i < n; i++)
		printf("%s%s", i ? "|" : "", vals[i] ? vals[i] : "");
	putchar('\n');
	return 0;
}

int main(int argc, char **argv)
{
	sqlite3 *db;
	char *err = NULL;

	if (argc != 3) {
		fprintf(stderr, "usage: %s DATABASE SQL\n", argv[0]);
		return 2;
	}
	if (sqlite3_open(argv[1], &db) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", argv[1], sqlite3_errmsg(db));
		return 1;
	}
	if (sqlite3_exec(db, argv[2], row, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "error: %s\n", err);
		sqlite3_free(err);
		sqlite3_close(db);
		return 1;
	}
	return sqlite3_close(db) == SQLITE_OK ? 0 : 1;
}
