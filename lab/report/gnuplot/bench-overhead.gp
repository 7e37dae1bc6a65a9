# Overhead ratios (probe run / no-probe run of the same round): throughput and CPU, each as
# median with a min–max bar. Input: overhead.tsv, xtics.gp (bench-data.jq).
#legend point-pt7 #0072B2 throughput ratio (median, min–max)
#legend point-pt5 #E69F00 CPU ratio (median, min–max)
#legend dash #D55E00 throughput goal 0.99
load gp."/common.gp"
load dir."/xtics.gp"
stats dir."/overhead.tsv" using 1 nooutput
set xrange [-0.6:STATS_records - 0.4]
set ylabel "ratio to no probe (same round)"
set xtics font ",10"
plot 1 with lines dt 2 lc rgb "#888888" notitle, \
     0.99 with lines dt 3 lc rgb "#D55E00" notitle, \
     dir."/overhead.tsv" using ($1-0.1):3:(0):($5-$3) with vectors heads size screen 0.006,90 lw 1.5 lc rgb "#0072B2" notitle, \
     dir."/overhead.tsv" using ($1+0.1):6:(0):($8-$6) with vectors heads size screen 0.006,90 lw 1.5 lc rgb "#E69F00" notitle, \
     dir."/overhead.tsv" using ($1-0.1):4:(sprintf("%.3f", $4)) with labels right offset char -1,0 font ",9" notitle, \
     dir."/overhead.tsv" using ($1+0.1):7:(sprintf("%.3f", $7)) with labels left offset char 1,0 font ",9" notitle, \
     dir."/overhead.tsv" using ($1-0.1):4 with points pt 7 ps 1.2 lc rgb "#0072B2" notitle, \
     dir."/overhead.tsv" using ($1+0.1):7 with points pt 5 ps 1.1 lc rgb "#E69F00" notitle
