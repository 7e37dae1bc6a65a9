# Shared look of every plot. The caller sets `out` and `width`; svg keeps the text selectable
# and the page self-contained. noenhanced: scenario names carry "_" and "-", not markup.
set terminal svg size width,420 noenhanced font "DejaVu Sans,11" background rgb "white"
set output out
set datafile separator "\t"
set datafile missing "?"
set border 3 lc rgb "#555555"
set tics nomirror
set grid ytics lc rgb "#dddddd" dt 1
# Legends are HTML beside the plot (from the "#legend" lines of each script), so that every
# point marker (<use>) in the SVG is a data point: gnuplot's own key draws markers too.
unset key
# Error bars are drawn as vectors: gnuplot's errorbar styles emit markers (even with pt -1),
# which would be counted as data points.
# Cause colours (Okabe-Ito, readable for colour-blind readers): 1 rto, 2 fast, 3 tlp,
# 4 syn (TcpExt: syn+synack), 5 synack, 6 other.
set linetype 1 lc rgb "#D55E00"
set linetype 2 lc rgb "#0072B2"
set linetype 3 lc rgb "#009E73"
set linetype 4 lc rgb "#CC79A7"
set linetype 5 lc rgb "#E69F00"
set linetype 6 lc rgb "#999999"
