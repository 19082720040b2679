"""The PyTorch reference model's loss and gradients on one batch, for Recur to reproduce.

Builds ../shared/reference/pytorch/ref_s2s.py's Seq2Seq at small sizes, writes its weights
to reference_weights.safetensors (PyTorch's names) and the batch, the mean loss per target
token and every parameter's gradient to reference_batch.json.

    python3 make_reference_fixture.py     # needs torch, numpy, safetensors; run from anywhere
"""
import json
import sys
from pathlib import Path

import torch
from safetensors.torch import save_file

here = Path(__file__).resolve().parent
sys.path.insert(0, str(here.parents[2].parent / "shared" / "reference" / "pytorch"))
import ref_s2s  # noqa: E402

torch.manual_seed(20261121)
V, E, H = 13, 6, 5
model = ref_s2s.Seq2Seq(V, V, E, H).double()
pairs = ref_s2s.synth_pairs(5, V, lo=2, hi=7, seed=3)
src, src_len, tin, tout, tgt_len = ref_s2s.make_batch(pairs)
loss, ntok = model.loss(src, src_len, tin, tout, tgt_len)
loss.backward()

save_file({k: v.detach().float().contiguous() for k, v in model.state_dict().items()},
          str(here / "reference_weights.safetensors"))
fixture = {
    "generated_by": f"Tests/Seq2SeqTests/Fixtures/make_reference_fixture.py with torch {torch.__version__} (float64)",
    "sizes": {"vocabulary": V, "embedding": E, "hidden": H},
    "sources": [p[0].tolist() for p in pairs],
    "targets": [p[1].tolist() for p in pairs],
    "loss": loss.item(),
    "tokens": ntok,
    "gradients": {k: [round(float(x), 12) for x in p.grad.reshape(-1)] for k, p in model.named_parameters()},
}
with open(here / "reference_batch.json", "w") as f:
    json.dump(fixture, f, indent=1)
print(f"loss {loss.item():.6f} over {ntok} tokens; wrote reference_weights.safetensors and reference_batch.json")
