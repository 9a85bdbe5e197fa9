#!/bin/sh
# The sleeping processor of `npm run bench -- makespan`: stands in for one table's processor.
#
#   sh sleeper.sh RANGE_MS CALENDAR_DATES OUT_DIR START END
#
# sleeps RANGE_MS × (number of dates in $BFTASK_DATES) / CALENDAR_DATES milliseconds — the
# step's share of the table's hours for the whole range — then creates OUT_DIR/<date> for each
# of those dates, which is how bftask's coverage check (and the bench's own) sees them done.
# $BFTASK_DATES is comma-separated, as bftask passes it; the bench's own drivers set it the
# same way. START and END are only echoed into the log.
#
# Plain sh + sleep (two processes; the files are written by the shell itself) start in a few ms here, against 70-200 ms for node, so the strategies
# compared differ in how they schedule, not in how many interpreters they start.
range_ms=$1
days=$2
dir=$3
start=$4
end=$5
IFS=,
# shellcheck disable=SC2086
set -- $BFTASK_DATES
ms=$(( $# * range_ms / days ))
s=$(( ms / 1000 ))
f=$(( ms % 1000 ))
case $f in ?) f=00$f ;; ??) f=0$f ;; esac
sleep "$s.$f"
cd "$dir" || exit 1
# Redirections, not touch: a builtin costs no process.
for date in "$@"; do : >"$date" || exit 1; done
echo "COMPLETE $start..$end $# dates in $s.$f s"
