#!/usr/bin/env bash
# Writes N synthetic news reports (written here from templates, no corpus
# text) into DIR/q1..q4, a quarter each, for the tests of several writers
# at once: each has a URL of its own, a date, and sentences with sourced
# figures that tally extracts as claims (a few hundred words in all).
# Usage: gen_docs.sh N DIR
set -eu
n=$1
dir=$2
mkdir -p "$dir/q1" "$dir/q2" "$dir/q3" "$dir/q4"
awk -v n="$n" -v dir="$dir" 'BEGIN {
    split("the National Intelligence Service|South Korea'"'"'s defence ministry|a Pentagon spokesman|the Institute for the Study of War|Ukraine'"'"'s military intelligence|the Joint Chiefs of Staff", src, "|")
    split("January|February|March|April|May|June|July|August|September|October|November|December", mon, "|")
    for (i = 1; i <= n; i++) {
        q = (i - 1) % 4 + 1
        f = sprintf("%s/q%d/report-%05d.txt", dir, q, i)
        m = i % 12 + 1
        d = i % 28 + 1
        s1 = src[i % 6 + 1]
        s2 = src[(i + 3) % 6 + 1]
        printf "url: https://example.org/team/report-%05d\n", i > f
        printf "date: 2024-%02d-%02d\n", m, d >> f
        printf "title: Supply report number %d\n\n", i >> f
        printf "Report %d. Officials met again this week to discuss the war.\n\n", i >> f
        printf "North Korea has sent %d containers of ammunition to Russia since August, %s said on Friday.\n\n", 1000 + 7 * i, s1 >> f
        if (i % 3 == 0)
            printf "Iran has delivered %d drones to Russia, according to %s.\n\n", 100 + i % 900, s2 >> f
        if (i % 5 == 0)
            printf "North Korea has sent about %d troops to Russia, %s said in %s.\n\n", 1000 + (i % 50) * 100, s2, mon[m] >> f
        printf "The talks are expected to continue next month.\n" >> f
        close(f)
    }
}'
