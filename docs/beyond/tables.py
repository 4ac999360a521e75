"""Print the README's "Beyond backprop" tables (markdown) from the JSON files in docs/beyond/."""

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def g(v):
    return "—" if v is None else f"{v:.3g}"


def tuned():
    print("| task (cycles) | bp@0.23 [IQR] | best γ | bp@best γ [IQR] | ÷ at 0.23 | two-rate bp (γ, hidden ×) | div |")
    print("|---|---|---|---|---|---|---|")
    for name in ("and", "or", "square", "xor", "wine"):
        f = HERE / f"tune_{name}.json"
        if not f.exists():
            continue
        d = json.loads(f.read_text())
        one = [s for s in d["settings"] if s["hidden_scale"] == 1.0]
        p = next(s for s in one if s["rate"] == 0.23)
        b = min(one, key=lambda s: (s["median"] if s["median"] is not None else 1e9, s["rate"]))
        t = min(d["settings"], key=lambda s: (s["median"] if s["median"] is not None else 1e9, s["rate"]))
        div = sum(s["diverged"] for s in d["settings"])
        two = "—" if len({s["hidden_scale"] for s in d["settings"]}) == 1 else \
            f"{g(t['median'])} (γ {t['rate']:g}, × {t['hidden_scale']:g})"
        print(f"| {d['task']} {'-'.join(map(str, d['layers']))} ({d['cycles']}) | {g(p['median'])} [{g(p['q25'])}, {g(p['q75'])}] "
              f"| {b['rate']:g} | {g(b['median'])} [{g(b['q25'])}, {g(b['q75'])}] | {p['median'] / b['median']:.0f}x "
              f"| {two} | {div}/{sum(s['runs'] for s in d['settings'])} |")


def heldout(path):
    d = json.loads(Path(path).read_text())
    print(f"refined rule at γ {d['rate']:.3g}, {d['seeds']} held-out seeds")
    print()
    print("| held-out task (cycles, order) | bp@0.23 | bp@best γ | two-rate bp | refined rule [IQR] | ÷ bp@best γ | speed-up | rule div |")
    print("|---|---|---|---|---|---|---|---|")
    for r in d["tasks"]:
        b, t, m = r["bp_best"], r["two_rate"], r["rule"]
        sp = (">= " if r["speedup_lower_bound"] else "") + f"{r['speedup']:.2f}x"
        print(f"| {r['label']} ({r['cycles']}, {r['order']}) | {g(r['bp023']['median'])} | {g(b['median'])} (γ {b['rate']:g}) "
              f"| {g(t['median'])} (γ {t['rate']:g}, × {t['hidden_scale']:g}) | {g(m['median'])} [{g(m['q25'])}, {g(m['q75'])}] "
              f"| {g(r['ratio_vs_best'])} | {sp} | {m['diverged']}/{r['seeds']} |")


if __name__ == "__main__":
    tuned()
    print()
    heldout(sys.argv[1] if len(sys.argv) > 1 else HERE / "heldout.json")
