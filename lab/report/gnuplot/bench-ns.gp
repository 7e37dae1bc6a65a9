# Probe cost in ns per event (bpf_stats run_time_ns / run_cnt), median with min–max, log scale
# because bpftrace and the per-event ring buffer cost orders of magnitude more than the floor.
#legend point-pt7 #0072B2 ns per event (median, min–max)
#legend dash #D55E00 goal 50 ns
load gp."/common.gp"
load dir."/xtics.gp"
stats dir."/ns.tsv" using 1 nooutput
set xrange [-0.6:STATS_records - 0.4]
set logscale y
set ylabel "ns per event"
set xtics font ",10"
plot 50 with lines dt 3 lc rgb "#D55E00" notitle, \
     dir."/ns.tsv" using 1:3:(0):($5-$3) with vectors heads size screen 0.006,90 lw 1.5 lc rgb "#0072B2" notitle, \
     dir."/ns.tsv" using 1:4:(sprintf("%.0f", $4)) with labels left offset char 1,0 font ",9" notitle, \
     dir."/ns.tsv" using 1:4 with points pt 7 ps 1.3 lc rgb "#0072B2" notitle
