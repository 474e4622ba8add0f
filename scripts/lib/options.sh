# SPDX-License-Identifier: Apache-2.0
# Option parsing shared by the study scripts (sourced, not run).
#
#   parse_options SCRIPT --opt=variable ... --opt=+array ... -- "$@"
#
# Each `--opt=variable` stores the option's value in that variable; `--opt=+array` appends
# "--opt value" to that array (options forwarded to adasim, such as --set). An unknown option or
# an option without its value is an error naming the script (exit 2).
parse_options() {
  local script=$1 spec
  shift
  local -A target=()
  while [[ $# -gt 0 && $1 != -- ]]; do
    spec=$1
    target[${spec%%=*}]=${spec#*=}
    shift
  done
  shift
  while [[ $# -gt 0 ]]; do
    local opt=$1 var=${target[$1]:-}
    [[ -n $var ]] || { echo "$script: unknown argument '$opt'" >&2; exit 2; }
    [[ $# -ge 2 ]] || { echo "$script: $opt needs a value" >&2; exit 2; }
    if [[ $var == +* ]]; then
      eval "${var#+}+=(\"\$opt\" \"\$2\")"
    else
      printf -v "$var" '%s' "$2"
    fi
    shift 2
  done
}

# require_bin SCRIPT PATH: the adasim binary must exist before a study starts.
require_bin() {
  [[ -x $2 ]] || { echo "$1: no adasim binary at $2 (build first)" >&2; exit 2; }
}
