"""PyTorch's side of bench/transformers: the same MiniLM folder, texts, batch size, length and
threads as bench.mjs; prints one JSON object. Run by bench.mjs with the interpreter of a virtual
environment that has torch and sentence-transformers (outside the repository, never in CI):

    python3 -m venv /work/.venv-torch && /work/.venv-torch/bin/pip install torch==2.15.0 sentence-transformers
"""
import json
import resource
import sys
import time

import torch
from transformers import AutoModel, AutoTokenizer


def main():
    spec = json.load(open(sys.argv[1]))
    torch.set_num_threads(spec["threads"])
    torch.manual_seed(0)
    tok = AutoTokenizer.from_pretrained(spec["model"])
    model = AutoModel.from_pretrained(spec["model"])
    texts, B, L = spec["texts"], spec["batchSize"], spec["maxLength"]
    batches = [tok(texts[i : i + B], padding="max_length", truncation=True, max_length=L, return_tensors="pt") for i in range(0, len(texts), B)]
    tokens = lambda n: n * B * L
    out = {"torch": torch.__version__, "threads": torch.get_num_threads()}

    if spec["part"] == "inference":
        model.eval()
        with torch.no_grad():
            model(**batches[0])  # warm-up
            t0 = time.perf_counter()
            for b in batches[1:]:
                h = model(**b).last_hidden_state
                m = b["attention_mask"].unsqueeze(-1).float()
                (h * m).sum(1) / m.sum(1).clamp(min=1e-9)
            out["seconds"] = time.perf_counter() - t0
        out["tokens_per_s"] = tokens(len(batches) - 1) / out["seconds"]
    else:
        model.train()
        head = torch.nn.Linear(model.config.hidden_size, spec["classes"])
        params = list(model.parameters()) + list(head.parameters())
        opt = torch.optim.AdamW(params, lr=5e-5, weight_decay=0.01)
        labels = torch.tensor(spec["labels"])

        def step(i, b):
            h = model(**b).last_hidden_state
            m = b["attention_mask"].unsqueeze(-1).float()
            pooled = (h * m).sum(1) / m.sum(1).clamp(min=1e-9)
            loss = torch.nn.functional.cross_entropy(head(torch.nn.functional.dropout(pooled, 0.1)), labels[i * B : (i + 1) * B])
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()

        step(0, batches[0])  # warm-up
        t0 = time.perf_counter()
        for i, b in enumerate(batches[1:], 1):
            step(i, b)
        out["seconds"] = time.perf_counter() - t0
        out["tokens_per_s"] = tokens(len(batches) - 1) / out["seconds"]
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


if __name__ == "__main__":
    main()
