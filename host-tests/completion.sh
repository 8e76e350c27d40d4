#!/bin/bash
# completion.sh FILE [MAKEFILE_COMPLETION]   TAP: the bash completion
# FILE (gupctl's, as installed) completes commands, options, bench paths,
# memory kinds, coherence events and help's commands, with the gupctl on
# PATH; scripts/make-completion.bash, run in the tree, make's KERNELS=.
set -u
file=$1 make_file=${2:-}
. /usr/share/bash-completion/bash_completion
# shellcheck disable=SC1090
. "$file"
n=0 failed=0
# complete LINE WANT...: every WANT among what LINE<TAB> offers
complete_line() {
	local line=$1 line2 w got miss=
	shift
	COMP_LINE=$line COMP_POINT=${#line} COMP_TYPE=9
	# as bash splits: at blanks, and a colon or = is a word of its own
	line2=${line//:/ : }
	read -ra COMP_WORDS <<<"${line2//=/ = }"
	[[ $line == *' ' || $line == *: || $line == *= ]] && COMP_WORDS+=('')
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	"$fn" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	got=" ${COMPREPLY[*]} "
	for w in "$@"; do
		[[ $got == *" $w "* ]] || miss="$miss $w"
	done
	n=$((n + 1))
	if [ -z "$miss" ]; then
		echo "ok $n - completion: \"$line\" offers $*"
	else
		failed=1
		echo "not ok $n - completion: \"$line\" offers $* (missing:$miss; got:$got)"
	fi
}
fn=_gupctl
complete_line "gupctl " pin bench matrix experiment help --json --version --man
complete_line "gupctl --json ma" matrix
complete_line "gupctl pin --pa" --path
# after the colon: what bash puts in place of "anon-t"
complete_line "gupctl pin --path pin --mem kind:anon-t" anon-thp
complete_line "gupctl pin --prefault " write read none
complete_line "gupctl bench --path pin-f" pin-fast pin-fast-longterm
complete_line "gupctl bench --mem " anon thp hugetlb fsdax
complete_line "gupctl experiment coherence --event fork-" fork-child-writes fork-child-exits
complete_line "gupctl experiment " list all coherence fork
complete_line "gupctl help be" bench
complete_line "gupctl pin --as io" io_uring
complete_line "gupctl pin --account locked" locked-vm
complete_line "gupctl pro" profiles
if [ -n "$make_file" ]; then
	# shellcheck disable=SC1090
	. "$make_file"
	fn=_gpt_make
	complete_line "make check KERNELS=7" 7.2 7.2-rt
	complete_line "make shell KERNEL=" 5.10 6.1 6.12 7.2 7.2-rt tree
	complete_line "make check-s" check-stress
	n=$((n + 1))
	if complete -p make | grep -q _gpt_make; then
		echo "ok $n - completion: make's stays _gpt_make after completing"
	else
		failed=1
		echo "not ok $n - completion: make's is now $(complete -p make)"
	fi
	# a gupctl named by its path, none on PATH: that one is asked
	PATH=/nonexistent fn=_gupctl complete_line "$(command -v gupctl) pin --pa" --path
fi
echo "1..$n"
exit $failed
