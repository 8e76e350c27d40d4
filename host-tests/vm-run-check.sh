#!/bin/sh
# vm-run-check.sh NAME OUTDIR
# "make run" and "make shell" on kernel NAME, as TAP on stdout: a command
# runs with the module loaded, its output streams back, its exit status is
# gup-vm's and the files it writes come back; the shell, driven through a
# pseudo-terminal (script), runs a typed command and leaves on "poweroff";
# and the time from start to the shell's prompt.
set -u
name=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
vm=$top/vm/gup-vm
. "$top/scripts/tap.sh"
rm -rf "$out"
mkdir -p "$out"

# run: output, exit status, files back; and every gupctl command's --json
# output, to check against docs/gupctl.schema.json.
json_cmds='g="gupctl --json"; $g pin --path pin --longterm --mem kind:memfd-hugetlb --pages 8 >pin.json
$g info >info.json; $g pin --path gup --longterm >pin-refused.json
$g pin --path pin --write --mem kind:prot-none --pages 2 >pin-gup-refused.json
$g pin --path pin-fast --longterm --write --hold --dirty --mem kind:memfd --pages 4 >pin-hold.json
printf "pin --path pin --hold --pages 2\nquery 1\nunpin 1\nquery 9\n" | $g session >session.json
$g matrix --kind anon-thp --pages 2 >matrix.json; $g watch >watch.json
$g experiment list >experiment-list.json; $g experiment fork >experiment.json
$g experiment coherence --event fork-child-writes --event pageout --mem anon --mem shmem >coherence.json
$g bench --size 1 --mem anon --mem hugetlb --path pin-fast --per-call 1 --per-call 0 --budget 1 >bench.json
$g bench --size 2 --size 4 --mem anon --path pin-longterm --per-call 512 --repeats 3 --offset 256 --threads 2 --profile=4 >bench-profile.json
$g profiles >profiles.json; $g profiles --matrix --ext4 /mnt/ext4 --tmpfs /mnt/tmpfs >profiles-matrix.json
$g pin --as io_uring --mem kind:ext4-shared --pages 4 >pin-as.json'
"$vm" "$name" --out "$out/files" "$json_cmds; echo ran-on-\$(uname -r); exit 7" \
	>"$out/run.log" 2>"$out/run.err"
rc=$?
point "$(ok_if test $rc -eq 7)" "$name: make run exits with the command's status (7: $rc)"
point "$(ok_if grep -q '^ran-on-' "$out/run.log")" "$name: make run streams the command's output ($(grep '^ran-on-' "$out/run.log"))"
point "$(ok_if grep -q '"pinned": 8,' "$out/files/pin.json")" \
	"$name: a file the command wrote in /out comes back (pin.json: a long-term pin of 8 memfd-hugetlb pages, \"pinned\": 8)"
point "$(ok_if grep -q '"function": "pin_user_pages"' "$out/files/bench-profile.json")" \
	"$name: gupctl bench --profile: pin_user_pages in the call tree of gpt_bench_once (bench-profile.json)"
# FILE DOCUMENTS: one document per command run (a session's: one a command)
for f in pin:1 info:1 pin-refused:1 pin-gup-refused:1 pin-hold:1 session:4 matrix:1 \
	watch:1 experiment-list:1 experiment:1 coherence:1 bench:1 bench-profile:1 profiles:1 \
	profiles-matrix:1 pin-as:1; do
	if "$top/scripts/json-check.py" "$top/docs/gupctl.schema.json" \
		"$out/files/${f%%:*}.json" "${f#*:}" >"$out/json-check.log" 2>&1; then v=OK; else v=FAIL; fi
	point $v "$name: gupctl --json, ${f%%:*}.json: $(tail -1 "$out/json-check.log"), against docs/gupctl.schema.json"
done

# shell: typed through a pseudo-terminal, answered, left with poweroff
fifo=$out/shell.in
mkfifo "$fifo"
start=$(date +%s%N)
script -qfec "$vm $name shell" /dev/null <"$fifo" >"$out/shell.log" 2>&1 &
pid=$!
exec 3>"$fifo"
waitfor() {	# STRING TENTHS
	i=0
	while ! grep -q "$1" "$out/shell.log" 2>/dev/null; do
		i=$((i + 1))
		[ $i -le "$2" ] || return 1
		sleep 0.1
	done
}
prompt=no ms=
if waitfor 'gup-vm:/mnt# ' 3000; then
	prompt=yes
	ms=$((($(date +%s%N) - start) / 1000000))
	printf 'echo hello-$((6*7)) from $(uname -r)\n' >&3
	waitfor 'hello-42 from' 600
	printf 'poweroff\n' >&3
fi
exec 3>&-
i=0
while kill -0 $pid 2>/dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
kill $pid 2>/dev/null
wait $pid
rc=$?
point "$(ok_if test $prompt = yes)" "$name: make shell reaches its prompt, ${ms:-?} ms from start"
point "$(ok_if grep -q '^hello-42 from' "$out/shell.log")" "$name: a command typed in make shell runs and answers"
point "$(ok_if test $rc -eq 0)" "$name: poweroff leaves make shell, status 0 ($rc)"
[ -n "$ms" ] && echo "$name $ms" >"$out/prompt-ms"
echo "1..$n"
