# Source it in this tree (". scripts/make-completion.bash"): bash then
# completes make's KERNELS= and KERNEL= with the kernels of
# vm/kernels.list (and "tree"), and the rest as bash-completion's make does.
# shellcheck shell=bash disable=SC2207,SC2034

_gpt_make()
{
	local cur prev words cword list
	_init_completion -n = || return
	if [[ -f vm/kernels.list && ($cur == KERNELS=* || $cur == KERNEL=*) ]]; then
		list=$(awk '!/^#/ && NF { print $1 }' vm/kernels.list)
		# "=" breaks words: bash replaces what follows it
		COMPREPLY=($(compgen -W "$list tree" -- "${cur#*=}"))
		return
	fi
	_make "$@"
}
# make's own completion first: loading it later would register it again
# over this one
declare -F _make >/dev/null || _completion_loader make
complete -F _gpt_make make
