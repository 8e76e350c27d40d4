# bash completion for gupctl (installed as
# /usr/share/bash-completion/completions/gupctl).  The words come from
# gupctl itself (gupctl --complete ...): the same table as --help and
# gupctl(1); GUP path names from the loaded module.
# shellcheck shell=bash disable=SC2207

_gupctl()
{
	local cur prev words cword cmd='' i
	# kind:KIND and file:PATH are one word here; bash still replaces
	# only what follows the colon (__ltrim_colon_completions)
	_init_completion -n : || return

	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		--json) ;;
		*) cmd=${words[i]}; break ;;
		esac
	done
	if [[ -z $cmd ]]; then
		COMPREPLY=($(compgen -W "$(gupctl --complete commands) help --json --help --version --man" -- "$cur"))
		return
	fi
	case $prev in
	--path)
		[[ $cmd == bench ]] && COMPREPLY=($(compgen -W "$(gupctl --complete bench-paths)" -- "$cur")) ||
			COMPREPLY=($(compgen -W "$(gupctl --complete paths)" -- "$cur"))
		return ;;
	--mem)
		case $cmd in
		bench) COMPREPLY=($(compgen -W "$(gupctl --complete bench-mems)" -- "$cur")) ;;
		experiment) COMPREPLY=($(compgen -W "$(gupctl --complete coh-mems)" -- "$cur")) ;;
		*)
			if [[ $cur == file:* ]]; then
				compopt -o filenames
				COMPREPLY=($(compgen -f -P file: -- "${cur#file:}"))
			else
				COMPREPLY=($(compgen -W "anon file: $(gupctl --complete kinds | sed 's/^/kind:/')" -- "$cur"))
				[[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == file: ]] && compopt -o nospace
			fi
			__ltrim_colon_completions "$cur" ;;
		esac
		return ;;
	--kind) COMPREPLY=($(compgen -W "$(gupctl --complete kinds)" -- "$cur")); return ;;
	--event) COMPREPLY=($(compgen -W "$(gupctl --complete events)" -- "$cur")); return ;;
	--pin) COMPREPLY=($(compgen -W "$(gupctl --complete pins)" -- "$cur")); return ;;
	--prefault) COMPREPLY=($(compgen -W "write read none" -- "$cur")); return ;;
	--fsdax | --ext4 | --tmpfs | --out) _filedir -d; return ;;
	--csv) _filedir; return ;;
	--pages | --per-call | --pid | --addr | --older-than | --every | --count | --size | \
	--threads | --spread | --budget | --repeats | --offset) return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(gupctl --complete options "$cmd")" -- "$cur"))
		return
	fi
	case $cmd in
	help) [[ $cword -eq $((i + 1)) ]] && COMPREPLY=($(compgen -W "$(gupctl --complete commands)" -- "$cur")) ;;
	experiment) COMPREPLY=($(compgen -W "$(gupctl --complete experiments)" -- "$cur")) ;;
	esac
} && complete -F _gupctl gupctl
