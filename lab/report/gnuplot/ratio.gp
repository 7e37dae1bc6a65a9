# Retransmission ratio against nominal loss: p/(1-p), the Wilson band of each realised drop
# rate mapped through the model, and the measured ratios. Input: ratio.tsv (run-data.jq):
# label, nominal, ratio, wilson low, wilson high, realised, claimed (1: a ratio_model check).
#legend line #333333 model p/(1−p)
#legend box #56B4E9 99 % Wilson band of the realised drop rate, through the model
#legend point-pt7 #D55E00 measured, model claimed (ratio_model check)
#legend point-pt6 #D55E00 measured, model not claimed (no ratio_model check)
#legend point-pt8 #7F7F7F measured ratio 0, drawn on the bottom edge
load gp."/common.gp"
model(p) = p / (1 - p)
# Axis limits from the positive ratios only: log axes cannot hold a 0 (the storm of short
# connections can retransmit nothing); such a point is drawn on the bottom edge.
stats dir."/ratio.tsv" using 2 nooutput
xmin = STATS_min * 0.6; xmax = STATS_max * 1.6
ypos_min = model(xmin); ypos_max = model(xmax)
# stats undefines its variables when every ratio is 0.
stats dir."/ratio.tsv" using ($3 > 0 ? $3 : NaN) nooutput
if (exists("STATS_min")) { ypos_min = STATS_min; ypos_max = STATS_max }
ymin = (ypos_min < model(xmin) ? ypos_min : model(xmin)) * 0.7
ymax = (ypos_max > model(xmax) ? ypos_max : model(xmax)) * 1.4
y(r) = (r > 0 ? r : ymin * 1.02)
set logscale xy
set xrange [xmin:xmax]
set yrange [ymin:ymax]
# Fixed 1-2-5 tics: a log axis would otherwise label only the decades.
set xtics ("0.1 %%" 0.001, "0.2 %%" 0.002, "0.5 %%" 0.005, "1 %%" 0.01, "2 %%" 0.02, "5 %%" 0.05, \
           "10 %%" 0.1, "20 %%" 0.2, "50 %%" 0.5)
set ytics ("0.0001" 0.0001, "0.0002" 0.0002, "0.0005" 0.0005, "0.001" 0.001, "0.002" 0.002, \
           "0.005" 0.005, "0.01" 0.01, "0.02" 0.02, "0.05" 0.05, "0.1" 0.1, "0.2" 0.2, "0.5" 0.5, "1" 1)
set xlabel "nominal loss p (independent, data path)"
set ylabel "(ΔRetransSegs − ΔDSACKRecvSegs) / ΔTCPOrigDataSent"
set style fill transparent solid 0.22 noborder
set samples 200
plot dir."/ratio.tsv" using (($4+$5)/2):(model(($4+$5)/2)):4:5:(model($4)):(model($5)) \
       with boxxyerror lc rgb "#56B4E9" notitle, \
     model(x) with lines lw 2 lc rgb "#333333" notitle, \
     dir."/ratio.tsv" using 2:(y($3)):1 with labels left offset char 0.8,0.4 font ",9" tc rgb "#444444" notitle, \
     dir."/ratio.tsv" using 2:($3 > 0 && $7 == 1 ? $3 : NaN) with points pt 7 ps 1.3 lc rgb "#D55E00" notitle, \
     dir."/ratio.tsv" using 2:($3 > 0 && $7 == 0 ? $3 : NaN) with points pt 6 ps 1.3 lw 2 lc rgb "#D55E00" notitle, \
     dir."/ratio.tsv" using 2:($3 > 0 ? NaN : ymin * 1.02) with points pt 8 ps 1.4 lw 2 lc rgb "#7F7F7F" notitle
