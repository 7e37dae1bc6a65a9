# Overhead ratios (probe window / no-probe window of the same round): throughput and CPU per
# byte, each as a geometric mean with its 95 % interval (older reports: median, min–max).
# Input: overhead.tsv, xtics.gp (bench-data.jq).
#legend point-pt7 #0072B2 throughput ratio (geometric mean, 95 % CI)
#legend point-pt5 #E69F00 CPU per byte ratio (geometric mean, 95 % CI)
#legend dash #D55E00 CPU goal 1.01
load gp."/common.gp"
load dir."/xtics.gp"
stats dir."/overhead.tsv" using 1 nooutput
set xrange [-0.6:STATS_records - 0.4]
set ylabel "ratio to no probe (same round)"
set xtics font ",10"
plot 1 with lines dt 2 lc rgb "#888888" notitle, \
     1.01 with lines dt 3 lc rgb "#D55E00" notitle, \
     dir."/overhead.tsv" using ($1-0.1):3:(0):($5-$3) with vectors heads size screen 0.006,90 lw 1.5 lc rgb "#0072B2" notitle, \
     dir."/overhead.tsv" using ($1+0.1):6:(0):($8-$6) with vectors heads size screen 0.006,90 lw 1.5 lc rgb "#E69F00" notitle, \
     dir."/overhead.tsv" using ($1-0.1):4:(sprintf("%.3f", $4)) with labels right offset char -1,0 font ",9" notitle, \
     dir."/overhead.tsv" using ($1+0.1):7:(sprintf("%.3f", $7)) with labels left offset char 1,0 font ",9" notitle, \
     dir."/overhead.tsv" using ($1-0.1):4 with points pt 7 ps 1.2 lc rgb "#0072B2" notitle, \
     dir."/overhead.tsv" using ($1+0.1):7 with points pt 5 ps 1.1 lc rgb "#E69F00" notitle
