# SPDX-License-Identifier: GPL-2.0
# Cost against rule count: ratio to the no-module arm (median of rounds,
# bars min-max). Call: gnuplot -e "dat='plot.dat'; out='plot.png'" plot.gp
set terminal pngcairo size 1500,500 font ",10"
set output out
set multiplot layout 1,3 title "crs under qemu TCG: cost relative to no module (median of rounds, bars: min-max)"
set logscale x
set xrange [0.7:15000]
set xtics ("1" 1, "10" 10, "100" 100, "1k" 1000, "10k" 10000)
set xlabel "rules"
set ylabel "time / no-module time"
set grid
set key top left font ",9"
set title "getppid: crs SYSCALL rules vs seccomp"
plot dat index 0 using 1:2:3:4 with yerrorlines lw 2 title columnheader(1), \
     dat index 1 using 1:2:3:4 with yerrorlines lw 2 title columnheader(1), \
     dat index 2 using 1:2:3:4 with yerrorlines lw 2 dt 2 title columnheader(1), \
     dat index 3 using 1:2:3:4 with yerrorlines lw 2 dt 2 title columnheader(1)
set title "connect 127.0.0.1: crs NETWORK rules vs nftables"
plot dat index 6 using 1:2:3:4 with yerrorlines lw 2 title columnheader(1), \
     dat index 7 using 1:2:3:4 with yerrorlines lw 2 title columnheader(1), \
     dat index 8 using 1:2:3:4 with yerrorlines lw 2 dt 2 title columnheader(1), \
     dat index 9 using 1:2:3:4 with yerrorlines lw 2 dt 2 title columnheader(1)
set title "open+close (READ) and fork+exec (Execution)"
plot dat index 4 using 1:2:3:4 with yerrorlines lw 2 title columnheader(1), \
     dat index 5 using 1:2:3:4 with yerrorlines lw 2 title columnheader(1), \
     dat index 10 using 1:2:3:4 with yerrorlines lw 2 title columnheader(1), \
     dat index 11 using 1:2:3:4 with yerrorlines lw 2 title columnheader(1)
unset multiplot
