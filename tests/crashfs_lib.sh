# tests/crashfs_lib.sh: what the crash tests (tests/boot/ext2_crash.sh,
# ext3_crash.sh, ext4_crash.sh) check after QEMU was killed during
# tests/progs/crashfs.c; sourced after tests/lib.sh, with $OUT the serial
# output and the disk's files dumped under $HTUX_TMP/dump.

# intact: every "synced PATH CRC SIZE" line of a whole line of $OUT whose
# PATH was not removed later holds CRC SIZE in $HTUX_TMP/dump (or the CRC
# SIZE of a "pending" line after it: written, not yet synced); prints the
# count checked, or the first wrong one.
intact() {
	_n=0
	# the last line only if it is whole
	tr -d '\r' < "$OUT" > "$HTUX_TMP/lines"
	[ -n "$(tail -c 1 "$OUT")" ] && sed -i '$d' "$HTUX_TMP/lines"
	awk '$1 == "removing" { gone[$2] = 1 }
	     $1 == "synced" && NF == 4 { s[$2] = $3 " " $4; delete q[$2] }
	     $1 == "pending" && NF == 4 { q[$2] = $3 " " $4 }
	     END { for (p in s) if (!(p in gone)) print p, s[p], (p in q ? q[p] : "") }' \
		"$HTUX_TMP/lines" > "$HTUX_TMP/want"
	while read -r _p _crc _size _qcrc _qsize; do
		_got=$(cksum < "$HTUX_TMP/dump$_p" 2>/dev/null)
		if [ "$_got" != "$_crc $_size" ] && { [ -z "$_qcrc" ] || [ "$_got" != "$_qcrc $_qsize" ]; }; then
			echo "$_p: want cksum $_crc $_size${_qcrc:+ (or $_qcrc $_qsize)}, got ${_got:-no file}"
			return 1
		fi
		_n=$((_n + 1))
	done < "$HTUX_TMP/want"
	echo "$_n"
}
