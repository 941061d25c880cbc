#!/bin/sh
# shell_script.sh: a longer busybox sh script for tests/boot/shell.sh:
# functions, case, here-documents, read loops, xargs, tar with gzip (which
# busybox runs through $PATH), subshells and set -e. $1: a work directory.
set -e
cd "$1"
f() { echo "f($1) $(echo "$1" | tr a-z A-Z)"; return 0; }
for i in $(seq 1 20); do echo "line $i" > "file$i.txt"; done
ls | wc -l
for x in file1*.txt; do case "$x" in *1.txt) echo "one: $x";; *) echo "other: $x";; esac; done | sort
cat <<END | sed 's/^/> /'
here $(f abc)
END
n=0; while read -r a b; do n=$((n + b)); done < file7.txt; echo "n=$n"
{ echo a; echo b; } | { read x; read y; echo "$y$x"; }
grep -l "line 1" *.txt | xargs cat | sort | uniq -c | sort -rn | head -3
tar czf all.tgz file*.txt && mkdir out && cd out && tar xzf ../all.tgz && ls | wc -l && cd ..
md5sum file1.txt out/file1.txt | awk '{print $1}' | uniq | wc -l
(cd out && rm -f file1*.txt && ls | wc -l)
test -e nothere || echo "no nothere"
false || echo "or works"
echo done
