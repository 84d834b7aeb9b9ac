#!/usr/bin/env bash
# Prints how busy the machine's CPUs were over the next second (from
# /proc/stat), e.g. "12% of 2 CPUs". Run while no benchmark of ours is
# running, it shows what other users of a shared machine take.
sample() { awk '/^cpu / {print $2+$3+$4+$5+$6+$7+$8+$9, $5+$6}' /proc/stat; }
read -r t1 i1 < <(sample)
sleep 1
read -r t2 i2 < <(sample)
awk -v t=$((t2 - t1)) -v i=$((i2 - i1)) -v n="$(nproc)" 'BEGIN {printf "%.0f%% of %d CPUs\n", (t - i) * 100 / t, n}'
