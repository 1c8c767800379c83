# btc.bash: bash completion for btc, the ahead-of-time compiler for bpftrace scripts.
# Installed as ${datadir}/bash-completion/completions/btc (docs/CMakeLists.txt); loads on
# demand with bash-completion, or source it by hand. Uses bash-completion's _filedir when it
# is there, plain compgen otherwise. Tested by tests/docs/check_docs.sh.

# The current word and the option it is a value of. bash splits `--emit=ir` into
# `--emit` `=` `ir` (COMP_WORDBREAKS has '='), and `--emit=` into `--emit` `=`.
# Sets _btc_cur, _btc_prev (the word before the value, without the '='), _btc_prev2 (the
# word before that: --module-btf for `--module-btf NAME=FILE`) and _btc_eq (1 when the
# value follows a '=').
_btc_words() {
  local i=$COMP_CWORD k
  _btc_cur=${COMP_WORDS[i]}
  _btc_eq=0
  k=$i # index of the word the value follows
  if [[ $_btc_cur == "=" ]]; then
    _btc_cur="" _btc_eq=1
  elif ((i >= 2)) && [[ ${COMP_WORDS[i - 1]} == "=" ]]; then
    _btc_eq=1 k=$((i - 1))
  fi
  _btc_prev=${COMP_WORDS[k - 1]:-}
  _btc_prev2=""
  ((k >= 2)) && _btc_prev2=${COMP_WORDS[k - 2]}
  return 0
}

# Files (optionally only those ending in .$1, plus directories, falling back to all files).
_btc_files() {
  # shellcheck disable=SC2034 # _filedir completes $cur
  local IFS=$'\n' cur=$_btc_cur
  if declare -F _filedir >/dev/null; then
    if [[ -n ${1:-} ]]; then
      _filedir "$1"
      ((${#COMPREPLY[@]})) || _filedir
    else
      _filedir
    fi
    return 0
  fi
  compopt -o filenames 2>/dev/null
  if [[ -n ${1:-} ]]; then
    mapfile -t COMPREPLY < <(compgen -d -- "$_btc_cur"; compgen -f -X "!*.$1" -- "$_btc_cur")
    ((${#COMPREPLY[@]})) || mapfile -t COMPREPLY < <(compgen -f -- "$_btc_cur")
  else
    mapfile -t COMPREPLY < <(compgen -f -- "$_btc_cur")
  fi
}

_btc_dirs() {
  # shellcheck disable=SC2034 # _filedir completes $cur
  local IFS=$'\n' cur=$_btc_cur
  if declare -F _filedir >/dev/null; then
    _filedir -d
  else
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -d -- "$_btc_cur")
  fi
}

_btc() {
  local _btc_cur _btc_prev _btc_prev2 _btc_eq
  COMPREPLY=()
  _btc_words

  case $_btc_prev in
  --emit)
    mapfile -t COMPREPLY < <(compgen -W "ast ir bpf-obj skel manifest man" -- "$_btc_cur")
    return 0
    ;;
  --target)
    mapfile -t COMPREPLY < <(compgen -W "x86_64 aarch64" -- "$_btc_cur")
    return 0
    ;;
  -o | --output | --btf)
    _btc_files
    return 0
    ;;
  --include)
    _btc_files h
    return 0
    ;;
  -I)
    _btc_dirs
    return 0
    ;;
  --module-btf)
    # NAME= (modules with BTF on this host); the FILE after it is completed below.
    local mods
    mods=$(command ls /sys/kernel/btf 2>/dev/null | grep -vx vmlinux)
    mapfile -t COMPREPLY < <(compgen -W "$mods" -S "=" -- "$_btc_cur")
    compopt -o nospace 2>/dev/null
    return 0
    ;;
  -e | --strlen | --map-keys-max)
    return 0 # free text or a number
    ;;
  esac
  # --module-btf NAME=FILE: the FILE.
  if [[ $_btc_eq == 1 && $_btc_prev2 == --module-btf ]]; then
    _btc_files
    return 0
  fi

  if [[ $_btc_cur == -* ]]; then
    local opts="--help --version --output --emit --target --btf --module-btf --include
      --unsafe --verbose --debug --strlen --map-keys-max -h -e -o -I -k -kk -v -"
    mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$_btc_cur")
    return 0
  fi
  # The script: a .bt file (or a directory on the way to one); "-" is stdin.
  _btc_files bt
  return 0
} &&
  complete -F _btc btc
