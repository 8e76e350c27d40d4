#!/bin/sh
# sign.sh KDIR MODULE.ko
# "make sign": signs MODULE.ko with the DKMS MOK key (the one DKMS signs its
# builds with and mokutil enrolls: see README, Secure Boot), using the
# kernel's own scripts/sign-file and hash.  MOK_KEY and MOK_CERT override
# the key pair's paths.  No key: says so and exits 0.
set -eu
kdir=$1 module=$2
key=${MOK_KEY:-/var/lib/dkms/mok.key}
cert=${MOK_CERT:-/var/lib/dkms/mok.pub}

if [ ! -e "$key" ] || [ ! -e "$cert" ]; then
	echo "make sign: no MOK key pair ($key, $cert): $module left unsigned." \
		"DKMS creates the pair at its first build (make dkms-install)."
	exit 0
fi
if [ ! -r "$key" ]; then
	echo "make sign: cannot read $key: run as root" >&2
	exit 1
fi
sign_file=$kdir/scripts/sign-file
if [ ! -x "$sign_file" ]; then
	rel=$(cat "$kdir/include/config/kernel.release")
	sign_file=/usr/lib/linux-kbuild-$(echo "$rel" | cut -d. -f1,2)/scripts/sign-file
fi
[ -x "$sign_file" ] || { echo "make sign: no scripts/sign-file in $kdir" >&2; exit 1; }
hash=$(sed -n 's/^CONFIG_MODULE_SIG_HASH="\(.*\)"$/\1/p' "$kdir/.config" 2>/dev/null)
hash=${hash:-sha512}

signer=$(modinfo -F signer "$module" 2>/dev/null || true)
if [ -n "$signer" ]; then
	echo "make sign: $module is already signed (signer: $signer)"
	exit 0
fi
"$sign_file" "$hash" "$key" "$cert" "$module"
echo "make sign: signed $module ($hash) with $cert;" \
	"signer: $(modinfo -F signer "$module")"
