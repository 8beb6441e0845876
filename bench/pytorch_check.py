"""A model exported from PyTorch, imported: its forward values against onnxruntime's and its
gradients against PyTorch's autograd. Run it in a throwaway venv that has torch (never a
dependency of the project or its tests):

    python3 -m venv /tmp/torchenv && /tmp/torchenv/bin/pip install torch==2.13.0 onnx \\
        onnxruntime && /tmp/torchenv/bin/pip install --no-deps -e . && \\
        /tmp/torchenv/bin/pip install numpy networkx jsonschema threadpoolctl
    /tmp/torchenv/bin/python bench/pytorch_check.py

It prints the largest differences it found: onnxruntime computes the float32 model in float32,
we and the float64 autograd in float64 on the same weights.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch
from torch import nn

from backprop_studio.engine import run
from backprop_studio.engine.gradcheck import gradient_check
from backprop_studio.engine.onnx_io.importer import finish, read_model, translate


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2, self.fc3 = nn.Linear(3, 5), nn.Linear(5, 4), nn.Linear(4, 3)

    def forward(self, x, target):
        h = torch.relu(self.fc1(x))
        h = nn.functional.leaky_relu(self.fc2(h), 0.125)
        return nn.functional.cross_entropy(torch.tanh(self.fc3(h)), target)


def export(model, args, path: Path) -> None:
    try:
        torch.onnx.export(model, args, str(path), input_names=["x", "target"],
                          output_names=["loss"], dynamo=False,
                          dynamic_axes={"x": {0: "N"}, "target": {0: "N"}})
    except TypeError:                      # an exporter without the dynamo switch
        torch.onnx.export(model, args, str(path), input_names=["x", "target"],
                          output_names=["loss"])


def main() -> None:
    torch.manual_seed(0)
    model = Classifier()          # float32, as models are exported
    batch = 6
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "classifier.onnx"
        export(model, (torch.zeros(batch, 3),
                       torch.zeros(batch, dtype=torch.int64)), path)
        t = translate(read_model(path), path.name, batch)
        g = finish(t)
        ops = sorted(g.node(n)["op"] for n in g.nodes)
        print("imported:", ", ".join(ops))
        x = np.asarray(g.node(t.inputs["x"])["tensors"]["value"])
        onehot = np.asarray(g.node(t.inputs["target"])["tensors"]["value"])
        labels = onehot.argmax(axis=1)
        ours = run(g, trace=False)
        sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        theirs = sess.run(None, {"x": x.astype(np.float32),
                                 "target": labels.astype(np.int64)})[0]
        print(f"loss: ours {ours.loss:.15g}, onnxruntime {float(theirs):.15g}, "
              f"difference {abs(ours.loss - float(theirs)):.2e}")
        model.double()                # autograd in float64 on the same (float32) weights
        loss = model(torch.tensor(x), torch.tensor(labels))
        loss.backward()
        worst = 0.0
        for name, layer in (("fc1", model.fc1), ("fc2", model.fc2), ("fc3", model.fc3)):
            node = next(n for n in g.nodes if g.label(n) == name)
            dW = ours.tensor_grads[(node, "W")]
            db = ours.tensor_grads[(node, "b")]
            worst = max(worst, np.max(np.abs(dW - layer.weight.grad.numpy().T)),
                        np.max(np.abs(db - layer.bias.grad.numpy())))
        print(f"∂loss/∂W and ∂loss/∂b against PyTorch's autograd: largest difference "
              f"{worst:.2e}")
        report = gradient_check(g)
        print(f"gradient check: {'passed' if report.passed else 'FAILED'}, largest relative "
              f"error {report.max_rel_error:.2e}")


if __name__ == "__main__":
    main()
