# Causes: the exporter's cause counts stacked (left bar, solid) next to the matching TcpExt
# counters (right bar, hatched), and ΔTcp.RetransSegs as a marker over each group.
# Input: cause-exporter.tsv, cause-kernel.tsv (x, bottom, top, colour), cause-total.tsv, xtics.gp.
#legend box #D55E00 rto | TCPTimeouts+TCPSlowStartRetrans
#legend box #0072B2 fast | TCPFastRetrans
#legend box #009E73 tlp | TCPLossProbes
#legend box #CC79A7 syn | TCPSynRetrans (syn+synack)
#legend box #E69F00 synack
#legend box #999999 other
#legend hatch #555555 right bar of each pair: the matching TcpExt counters
#legend point-pt11 #222222 ΔTcp.RetransSegs
load gp."/common.gp"
load dir."/xtics.gp"
set xtics rotate by -35 left font ",9"
set bmargin 8
# Headroom over the tallest bar for its value label.
set offsets 0, 0, graph 0.12, 0
stats dir."/cause-total.tsv" using 1 nooutput
set xrange [-0.6:STATS_records - 0.4]
set yrange [0:*]
set ylabel "segments (exporter) / counter delta (TcpExt)"
plot dir."/cause-exporter.tsv" using 1:(($2+$3)/2):($1-0.18):($1+0.18):2:3:4 \
       with boxxyerror lc variable fs solid 0.9 noborder notitle, \
     dir."/cause-kernel.tsv" using 1:(($2+$3)/2):($1-0.18):($1+0.18):2:3:4 \
       with boxxyerror lc variable fs pattern 4 border notitle, \
     dir."/cause-total.tsv" using 1:2 with points pt 11 ps 1.4 lc rgb "#222222" notitle, \
     dir."/cause-total.tsv" using 1:2:(sprintf("%d", $2)) with labels offset 0,1.3 font ",8" notitle
