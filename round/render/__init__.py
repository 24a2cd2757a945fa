"""The round's own outputs, beside the engine's score sheets: the 公示 list and the list of changes between
two publications, each as a printable .xlsx and a self-contained .html (templates/round_*.j2)."""
