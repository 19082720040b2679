"""Reference values for Recur's fused LSTM and GRU cells, computed by PyTorch.

Writes cells.json: inputs, weights, upstream gradients, and PyTorch's outputs and gradients
for one step of torch.nn.LSTMCell and torch.nn.GRUCell (float64 for the reference, so the
Swift float32 results are compared against exact values).

    python3 make_cell_fixtures.py            # needs torch (CPU) and numpy
"""
import json

import torch

torch.manual_seed(20261121)
B, I, H = 3, 4, 5


def tensor(*shape):
    return (torch.randn(*shape, dtype=torch.float64) * 0.8).requires_grad_(True)


def values(t):
    return [round(float(v), 10) for v in t.detach().reshape(-1)]


def lstm_case():
    x, h, c = tensor(B, I), tensor(B, H), tensor(B, H)
    cell = torch.nn.LSTMCell(I, H).double()
    with torch.no_grad():
        for p in cell.parameters():
            p.copy_(torch.randn_like(p) * 0.5)
    h1, c1 = cell(x, (h, c))
    gh, gc = torch.randn(B, H, dtype=torch.float64), torch.randn(B, H, dtype=torch.float64)
    ((h1 * gh).sum() + (c1 * gc).sum()).backward()
    return {
        "batch": B, "input": I, "hidden": H,
        "x": values(x), "h": values(h), "c": values(c),
        "w_ih": values(cell.weight_ih), "w_hh": values(cell.weight_hh),
        "b_ih": values(cell.bias_ih), "b_hh": values(cell.bias_hh),
        "upstream_h": values(gh), "upstream_c": values(gc),
        "h_out": values(h1), "c_out": values(c1),
        "grad_x": values(x.grad), "grad_h": values(h.grad), "grad_c": values(c.grad),
        "grad_w_ih": values(cell.weight_ih.grad), "grad_w_hh": values(cell.weight_hh.grad),
        "grad_b_ih": values(cell.bias_ih.grad), "grad_b_hh": values(cell.bias_hh.grad),
    }


def gru_case():
    x, h = tensor(B, I), tensor(B, H)
    cell = torch.nn.GRUCell(I, H).double()
    with torch.no_grad():
        for p in cell.parameters():
            p.copy_(torch.randn_like(p) * 0.5)
    h1 = cell(x, h)
    gh = torch.randn(B, H, dtype=torch.float64)
    (h1 * gh).sum().backward()
    return {
        "batch": B, "input": I, "hidden": H,
        "x": values(x), "h": values(h),
        "w_ih": values(cell.weight_ih), "w_hh": values(cell.weight_hh),
        "b_ih": values(cell.bias_ih), "b_hh": values(cell.bias_hh),
        "upstream_h": values(gh), "h_out": values(h1),
        "grad_x": values(x.grad), "grad_h": values(h.grad),
        "grad_w_ih": values(cell.weight_ih.grad), "grad_w_hh": values(cell.weight_hh.grad),
        "grad_b_ih": values(cell.bias_ih.grad), "grad_b_hh": values(cell.bias_hh.grad),
    }


fixture = {
    "generated_by": f"Tests/TensorTests/Fixtures/make_cell_fixtures.py with torch {torch.__version__}",
    "lstm": lstm_case(),
    "gru": gru_case(),
}
with open("cells.json", "w") as f:
    json.dump(fixture, f, indent=1)
print("wrote cells.json")
