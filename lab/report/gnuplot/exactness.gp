# Exporter against the kernel per scenario and namespace: ΔTcp.RetransSegs and the exporter's
# retransmissions + xmit failures side by side; their difference (must be 0) on the right axis.
# Input: exact.tsv (index, label, kernel, exporter, diff) and xtics.gp (run-data.jq).
#legend box #555555 kernel ΔTcp.RetransSegs
#legend box #56B4E9 exporter retransmissions + xmit failures
#legend point-pt9 #D55E00 difference (right axis)
load gp."/common.gp"
load dir."/xtics.gp"
set xtics rotate by -35 left font ",9"
set bmargin 8
# Headroom over the tallest bar for its value label.
set offsets 0, 0, graph 0.12, 0
stats dir."/exact.tsv" using 5 nooutput
dmax = (abs(STATS_min) > abs(STATS_max) ? abs(STATS_min) : abs(STATS_max))
dmax = (dmax < 1 ? 1 : dmax * 1.5)
set xrange [-0.6:STATS_records - 0.4]
set yrange [0:*]
set y2range [-dmax:dmax]
set y2tics nomirror tc rgb "#D55E00"
set ylabel "retransmitted segments"
set y2label "kernel − exporter (must be 0)" tc rgb "#D55E00"
set style fill solid 0.85 noborder
set boxwidth 0.38 absolute
plot dir."/exact.tsv" using ($1-0.2):3 with boxes lc rgb "#555555" notitle, \
     dir."/exact.tsv" using ($1+0.2):4 with boxes lc rgb "#56B4E9" notitle, \
     dir."/exact.tsv" using ($1-0.2):3:(sprintf("%d", $3)) with labels offset 0,0.7 font ",8" notitle, \
     dir."/exact.tsv" using ($1+0.2):4:(sprintf("%d", $4)) with labels offset 0,0.7 font ",8" notitle, \
     0 axes x1y2 with lines dt 2 lc rgb "#D55E00" notitle, \
     dir."/exact.tsv" using 1:5 axes x1y2 with points pt 9 ps 1.5 lc rgb "#D55E00" notitle
