# The "make demo" session, run inside the VM by guest-init.
run() {
	echo
	echo "\$ $*"
	"$@"
}
# What the kernel does to pinned pages, short-term against long-term.
run gupctl experiment all
# Does the device see what the process sees?  The table (the evidence of
# every cell follows it in gupctl's own output).
echo
echo '$ gupctl experiment coherence | sed "/^evidence:/q"'
gupctl experiment coherence | sed '/^evidence:/q'
run gupctl info
run gupctl pin --path pin-fast --write --mem anon --pages 4
run gupctl pin --path gup --longterm --mem anon --pages 4
run gupctl pin --path pin --longterm --mem file:/mnt/dax/demo --create --pages 4
run gupctl pin --path pin-fast --mem file:/mnt/dax/demo --pages 4
run gupctl --json pin --path pin-fast --longterm --mem file:/mnt/dax/demo --pages 4
run gupctl pin --path pin-fast --longterm --hold --mem kind:anon-thp --pages 4
run gupctl pin --path pin --write --mem kind:partial --pages 8
echo
echo '$ gupctl session    # holds live as long as the session'
gupctl session <<'SESSION'
pin --path pin --write --hold --mem file:/mnt/ext4/demo --create --pages 2
pin --path gup-fast --hold --mem kind:zero-page --pages 2
query 1
query 2
unpin 1 --dirty
unpin 2
SESSION
echo
echo '$ gupctl watch --older-than 500    # while another process holds a long-term pin'
(sleep 2; echo) | gupctl pin --path pin-fast --longterm --hold --wait --mem anon --pages 2 >/dev/null 2>&1 &
sleep 1
gupctl watch --older-than 500
wait
run gupctl matrix --fsdax /mnt/dax --ext4 /mnt/ext4 --tmpfs /mnt/tmpfs
