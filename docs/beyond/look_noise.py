"""A look, not a scan: does local noise free output-only trust's stalls on tiny nets?  About half
the seeds of two-moons 2-3-3-1, 2-3-1 shuffled and random-teacher 2-3-3 nets end near J ≈ 0.01-0.02
where backprop at its best γ goes on down.  ``adapt`` key noise σ adds to every final Δw and Δθ
Gaussian noise of σ × the step's nominal size (γ × fan-in factor × clock × decay: what a normalised
update of size 1 would be), so it anneals with the rule's schedule and is 0 at the budget's end;
noise_until 0.5 keeps it to the run's first half.  48 scan seeds (5000 on), γ 0.4: median final J
(share of seeds above 10⁻³); then, for the best σ, the slow-miss tasks' ratios ÷ bp@best γ /
speed-ups.  Outputs: look_noise.txt (no argument, 96 s), look_noise_more.txt ("more", 58 s),
look_noise_fine.txt ("fine", 62 s), look_noise_speed.txt ('speed "σ 0.7" "σ 1, first quarter"', 166 s),
look_noise_speed2.txt ('speed "σ 0.3" "σ 0.5" "σ 1"', 203 s); wall times on 2 cores, one busy elsewhere;
look_noise_until.txt ("until", after shipping σ 0.2: the noise ended early)."""
import sys
import time

from scanning import SLOW_TASKS, speed_table, stall_table

STALLS = ["moons:2,3,3,1:500", "moons:2,3,1:500:shuffle", "teacher@22002:2,3,3:60:shuffle",
          "teacher@15002:2,3,3:100:shuffle"]
SETTINGS = [("σ 0 (output-only trust)", {}), ("σ 0.1", {"noise": 0.1}), ("σ 0.3", {"noise": 0.3}),
            ("σ 1", {"noise": 1.0}), ("σ 0.3, first half", {"noise": 0.3, "noise_until": 0.5}),
            ("σ 1, first half", {"noise": 1.0, "noise_until": 0.5})]
#: Larger σ, as σ 1 freed a third of the moons' stalls (look_noise.txt's first table).
MORE = [("σ 0 (output-only trust)", {}), ("σ 2", {"noise": 2.0}), ("σ 3", {"noise": 3.0}), ("σ 5", {"noise": 5.0}),
        ("σ 2, first half", {"noise": 2.0, "noise_until": 0.5}), ("σ 3, first half", {"noise": 3.0, "noise_until": 0.5})]
#: Around σ 1, where the shares above do not fall monotonically (48 seeds: a share's standard error ~0.07).
FINE = [("σ 0 (output-only trust)", {}), ("σ 0.5", {"noise": 0.5}), ("σ 0.7", {"noise": 0.7}), ("σ 1.5", {"noise": 1.5}),
        ("σ 1, first quarter", {"noise": 1.0, "noise_until": 0.25})]

#: After shipping (σ 0.2): does ending the noise early (noise_until u) give back the last digits it
#: costs where backprop goes below J 10⁻⁴ (rounds 33-34's wine and two-moons), and does it keep what
#: the noise bought (four slow teachers it freed; two-moons 2-3-9-1, which it lost)?
UNTIL_TASKS = [("wine:13,7,5,3:200:shuffle", 4), ("wine:13,5,7,3:200", 4), ("moons:2,7,5,1:400", 4),
               ("moons:2,8,5,1:400:shuffle", 8), ("teacher@15001:2,2,7,7,1:100", 4),
               ("teacher@22008:8,7,6,8,2:100:shuffle", 2), ("teacher@27001:9,2,6,4:40:shuffle", 1),
               ("teacher@32006:6,3,10,4:40:shuffle", 1), ("moons:2,3,9,1:400", 8)]
UNTIL = [("σ 0 (output-only trust)", 0.4, {}), ("σ 0.2 (shipped)", 0.4, {"noise": 0.2}),
         ("σ 0.2, until 0.7", 0.4, {"noise": 0.2, "noise_until": 0.7}),
         ("σ 0.2, until 0.5", 0.4, {"noise": 0.2, "noise_until": 0.5})]

if __name__ == "__main__":
    t0 = time.time()
    if "until" in sys.argv[1:]:
        speed_table(UNTIL_TASKS, UNTIL, "rule_link_trust_output")
    elif "fine" in sys.argv[1:]:
        stall_table(STALLS, FINE, "rule_link_trust_output")
    elif "more" in sys.argv[1:]:
        stall_table(STALLS, MORE, "rule_link_trust_output")
    elif "speed" not in sys.argv[1:]:
        stall_table(STALLS, SETTINGS, "rule_link_trust_output")
    else:
        speed_table(SLOW_TASKS, [("output-only trust", 0.4, {})] + [(n, 0.4, a) for n, a in SETTINGS + MORE[1:] + FINE[1:]
                                                                     if n in sys.argv[2:]],
                    "rule_link_trust_output")
    print(f"\n{time.time() - t0:.0f} s")
