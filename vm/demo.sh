# The "make demo" session, run inside the VM by guest-init.
run() {
	echo
	echo "\$ $*"
	"$@"
}
run gupctl info
run gupctl pin --path pin-fast --write --mem anon --pages 4
run gupctl pin --path pin --longterm --write --mem anon --pages 4
run gupctl pin --path gup-fast --longterm --mem anon --pages 4
run gupctl pin --path pin --longterm --mem file:/mnt/dax/demo --pages 4
run gupctl pin --path pin-fast --mem file:/mnt/dax/demo --pages 4
run gupctl --json pin --path pin-fast --longterm --mem file:/mnt/dax/demo --pages 4
