#!/bin/sh
# Regenerates every number and figure of the README section "Beyond backprop: tuned baselines
# and refined rules" into docs/beyond/ (run from the repository root, venv active).
# Step 1 (~3 min): tuned backprop on the paper's tasks and the held-out ones, 20 seeds per setting.
# Step 2 (~8 min on 2 idle cores): meta-training (CMA-ES) from the pooled imitation rule, 250 generations
#   with no time budget (what `python -m localrule refine` does when it completes within its budget):
#   docs/beyond/rule.npz; then the same run stopped after 40 generations (rule_gen40.npz), to show
#   what the run's length buys.  Runs repeat bit for bit.
# Step 3 (~2 min): both rules on held-out tasks, 20 fresh seeds, vs bp@0.23, bp@best γ, two-rate bp.
set -e
OUT=docs/beyond
mkdir -p $OUT
SEEDS=20
HELDOUT="xor:2,8,8,1:3000 wine:13,10,3:300 wine:13,10,3:300:shuffle teacher@7:6,10,4:100"
python -m localrule tune --task and --layers 2,1,1 --cycles 5000 --seeds $SEEDS --json $OUT/tune_and.json --figure $OUT/tune_and.png
python -m localrule tune --task or --layers 2,4,1 --cycles 5000 --seeds $SEEDS --hidden-scales 1,0.5,2,4 --json $OUT/tune_or.json --figure $OUT/tune_or.png
python -m localrule tune --task square --layers 2,5,2 --cycles 5000 --seeds $SEEDS --hidden-scales 1,0.5,2,4 --json $OUT/tune_square.json --figure $OUT/tune_square.png
python -m localrule tune --task xor --layers 2,8,8,1 --cycles 3000 --seeds $SEEDS --hidden-scales 1,0.5,2,4 --json $OUT/tune_xor.json --figure $OUT/tune_xor.png
python -m localrule tune --task samples/wine.csv --targets 3 --layers 13,10,3 --cycles 300 --seeds $SEEDS --hidden-scales 1,0.5,2,4 --json $OUT/tune_wine.json --figure $OUT/tune_wine.png
if [ "$1" != "--no-refine" ]; then
  python -m localrule refine --minutes 0 --generations 250 --out runs/beyond --final-seeds 0
  cp runs/beyond/rule.npz runs/beyond/history.json runs/beyond/objective.png runs/beyond/update_vs_*.png $OUT/
  python -m localrule refine --minutes 0 --generations 40 --out runs/beyond-gen40 --final-seeds 0 --no-figures
  cp runs/beyond-gen40/rule.npz $OUT/rule_gen40.npz
fi
python -m localrule judge --rule $OUT/rule.npz --seeds $SEEDS --heldout $HELDOUT \
  --json $OUT/heldout.json --figures $OUT | tee $OUT/heldout.txt
python -m localrule judge --rule $OUT/rule_gen40.npz --seeds $SEEDS --heldout $HELDOUT \
  --json $OUT/heldout_gen40.json | tee $OUT/heldout_gen40.txt
