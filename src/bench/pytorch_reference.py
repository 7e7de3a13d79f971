"""PyTorch reference for bn-exp's bench (`npm run bench -- --json`): the same shapes, one thread.

Not part of `npm test`. Run it on the machine you benchmark bn-exp on:

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install torch
    /tmp/venv/bin/python src/bench/pytorch_reference.py [--budget 2] [--json]

Measures plain eager PyTorch training steps (forward, cross-entropy, backward, SGD update, BN moving
statistics) of the MLPs bn-exp's bench times: hidden Linear (no bias before BN) -> BatchNorm1d
(momentum 0.01 = bn-exp's 0.99, eps 1e-3) -> activation, then a Linear output layer; SGD lr 0.01.
For K = 8 models it times 8 plain loops one after another and one stacked step (torch.bmm over a
leading model axis). Medians of 5 windows after warm-up; one line per case (JSON with --json).
"""

import argparse
import json
import statistics
import time

import torch
import torch.nn.functional as F

FEATURES = 32
CLASSES = 10


def make_mlp(depth, width, batch_norm, features, classes, activation):
    layers = []
    fan_in = features
    for _ in range(depth):
        layers.append(torch.nn.Linear(fan_in, width, bias=not batch_norm))
        if batch_norm:
            layers.append(torch.nn.BatchNorm1d(width, eps=1e-3, momentum=0.01))
        layers.append(torch.nn.ReLU() if activation == "relu" else torch.nn.Sigmoid())
        fan_in = width
    layers.append(torch.nn.Linear(fan_in, classes))
    return torch.nn.Sequential(*layers)


def data(rows, features, classes, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(rows, features, generator=g), torch.randint(0, classes, (rows,), generator=g)


def time_steps(step, budget):
    """Median steps/second over 5 windows of about budget/10 seconds each, after warm-up."""
    step(3)
    n = 1
    while True:
        t = time.perf_counter()
        step(n)
        if time.perf_counter() - t > budget / 10 or n > 4096:
            break
        n *= 2
    rates = []
    for _ in range(5):
        t = time.perf_counter()
        step(n)
        rates.append(n / (time.perf_counter() - t))
    return statistics.median(rates)


def single(depth, width, batch, batch_norm, budget, features=FEATURES, classes=CLASSES, activation="relu"):
    torch.manual_seed(0)
    model = make_mlp(depth, width, batch_norm, features, classes, activation)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    x, y = data(batch, features, classes)

    def run(n):
        for _ in range(n):
            opt.zero_grad(set_to_none=True)
            F.cross_entropy(model(x), y).backward()
            opt.step()

    return time_steps(run, budget)


def loops(k, depth, width, batch, batch_norm, budget):
    """K separate models stepped one after another (K plain training loops), in model steps/second."""
    torch.manual_seed(0)
    models = [make_mlp(depth, width, batch_norm, FEATURES, CLASSES, "relu") for _ in range(k)]
    opts = [torch.optim.SGD(m.parameters(), lr=0.01) for m in models]
    x, y = data(batch, FEATURES, CLASSES)

    def run(n):
        for _ in range(n):
            for model, opt in zip(models, opts):
                opt.zero_grad(set_to_none=True)
                F.cross_entropy(model(x), y).backward()
                opt.step()

    return time_steps(run, budget) * k


def stacked(k, depth, width, batch, batch_norm, budget):
    """K models in one step: weights [K, in, out], torch.bmm, BN over each model's batch."""
    torch.manual_seed(0)
    dims = [FEATURES] + [width] * depth + [CLASSES]
    ws = [torch.nn.Parameter(torch.randn(k, a, b) * (2 / a) ** 0.5) for a, b in zip(dims[:-1], dims[1:])]
    bs = [torch.nn.Parameter(torch.zeros(k, 1, b)) for b in dims[1:]]
    gammas = [torch.nn.Parameter(torch.ones(k, 1, width)) for _ in range(depth)]
    betas = [torch.nn.Parameter(torch.zeros(k, 1, width)) for _ in range(depth)]
    means = [torch.zeros(k, 1, width) for _ in range(depth)]
    vars_ = [torch.ones(k, 1, width) for _ in range(depth)]
    params = ws + gammas + betas + (bs if not batch_norm else bs[-1:])
    opt = torch.optim.SGD(params, lr=0.01)
    x, y = data(batch, FEATURES, CLASSES)
    xk = x.expand(k, -1, -1).contiguous()
    yk = y.repeat(k)

    def forward():
        h = xk
        for l in range(depth):
            z = torch.bmm(h, ws[l])
            if batch_norm:
                mean = z.mean(1, keepdim=True)
                var = z.var(1, unbiased=False, keepdim=True)
                with torch.no_grad():
                    means[l].mul_(0.99).add_(mean, alpha=0.01)
                    vars_[l].mul_(0.99).add_(var, alpha=0.01)
                z = (z - mean) * torch.rsqrt(var + 1e-3) * gammas[l] + betas[l]
            else:
                z = z + bs[l]
            h = torch.relu(z)
        return torch.bmm(h, ws[-1]) + bs[-1]

    def run(n):
        for _ in range(n):
            opt.zero_grad(set_to_none=True)
            # Sum of the K models' mean losses: each model gets its own gradient.
            (F.cross_entropy(forward().reshape(-1, CLASSES), yk, reduction="sum") / batch).backward()
            opt.step()

    return time_steps(run, budget) * k


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--budget", type=float, default=2.0, help="seconds per case (about)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(1)  # bn-exp's wasm backend runs on one thread
    rows = []
    for depth, width, batch, bn in [(4, 64, 64, True), (4, 64, 64, False), (8, 256, 256, True)]:
        rate = single(depth, width, batch, bn, args.budget)
        rows.append({"bench": "pytorch", "case": f"d{depth} w{width} b{batch} {'BN' if bn else 'no BN'}", "steps_per_s": round(rate, 1), "ms_per_step": round(1000 / rate, 3)})
    rate = single(3, 100, 60, True, args.budget, features=784, classes=10, activation="sigmoid")
    rows.append({"bench": "pytorch", "case": "MNIST 784-100x3-10 sigmoid b60 BN", "steps_per_s": round(rate, 1), "ms_per_step": round(1000 / rate, 3)})
    k = 8
    sep = loops(k, 4, 64, 64, True, args.budget)
    bmm = stacked(k, 4, 64, 64, True, args.budget)
    rows.append({"bench": "pytorch-vectorized", "case": f"K={k} d4 w64 b64 BN", "model_steps_per_s_loops": round(sep, 1), "model_steps_per_s_bmm": round(bmm, 1), "ms_per_model_step_bmm": round(1000 / bmm, 3)})
    for row in rows:
        print(json.dumps(row) if args.json else "  ".join(f"{k}={v}" for k, v in row.items()))


if __name__ == "__main__":
    main()
