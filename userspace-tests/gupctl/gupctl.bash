# bash completion for gupctl (installed as
# /usr/share/bash-completion/completions/gupctl).  The words come from
# the gupctl being completed (gupctl --complete ...): the same table as
# --help and gupctl(1); GUP path names from the loaded module.
# shellcheck shell=bash

_gupctl()
{
	local cur prev words cword cmd='' i gupctl
	# kind:KIND and file:PATH are one word here; bash still replaces
	# only what follows the colon (__ltrim_colon_completions)
	_init_completion -n : || return
	gupctl=${words[0]}

	# _gupctl_words TOPIC [ARG]: gupctl's words for TOPIC that start with $cur
	_gupctl_words()
	{
		mapfile -t COMPREPLY < <(compgen -W "$("$gupctl" --complete "$@" 2>/dev/null)" -- "$cur")
	}
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		--json) ;;
		*) cmd=${words[i]}; break ;;
		esac
	done
	if [[ -z $cmd ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$("$gupctl" --complete commands 2>/dev/null) help --json --help --version --man" -- "$cur")
		return
	fi
	case $prev in
	--path)
		if [[ $cmd == bench ]]; then
			_gupctl_words bench-paths
		else
			_gupctl_words paths
		fi
		return ;;
	--mem)
		case $cmd in
		bench) _gupctl_words bench-mems ;;
		experiment) _gupctl_words coh-mems ;;
		*)
			if [[ $cur == file:* ]]; then
				compopt -o filenames
				mapfile -t COMPREPLY < <(compgen -f -P file: -- "${cur#file:}")
			else
				mapfile -t COMPREPLY < <(compgen -W "anon file: $("$gupctl" --complete kinds 2>/dev/null | sed 's/^/kind:/')" -- "$cur")
				[[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == file: ]] && compopt -o nospace
			fi
			__ltrim_colon_completions "$cur" ;;
		esac
		return ;;
	--kind) _gupctl_words kinds; return ;;
	--event) _gupctl_words events; return ;;
	--pin) _gupctl_words pins; return ;;
	--as) _gupctl_words profiles; return ;;
	--account) _gupctl_words accounts; return ;;
	--kernel) return ;;
	--prefault) mapfile -t COMPREPLY < <(compgen -W "write read none" -- "$cur"); return ;;
	--fsdax | --ext4 | --tmpfs | --out) _filedir -d; return ;;
	--csv) _filedir; return ;;
	--pages | --per-call | --pid | --addr | --older-than | --every | --count | --size | \
	--threads | --spread | --budget | --repeats | --offset) return ;;
	esac
	if [[ $cur == -* ]]; then
		_gupctl_words options "$cmd"
		return
	fi
	case $cmd in
	help) [[ $cword -eq $((i + 1)) ]] && _gupctl_words commands ;;
	experiment) _gupctl_words experiments ;;
	esac
} && complete -F _gupctl gupctl
