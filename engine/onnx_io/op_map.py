"""Each ONNX op we map, as a function that adds our nodes for one ONNX node.

A mapper reads the node's attributes (onnx.helper.get_attribute_value), asks the context for
its inputs' nodes, shapes and constants, and binds each ONNX output to one of our nodes, or
raises Refusal saying why this use of the op does not map (the importer collects every refusal
into one message). Two patterns become one node of ours: a Gemm, or a MatMul whose only
consumer adds a bias, is a ``dense`` layer; a (Log)Softmax feeding a NegativeLogLikelihoodLoss,
or a SoftmaxCrossEntropyLoss, is ``softmax_ce``.
"""

from __future__ import annotations

import math

import numpy as np

from .context import Context, Refusal

ELEMENTWISE = {"Add": "add", "Sub": "subtract", "Mul": "multiply", "Div": "divide"}
UNARY = {"Exp": "exp", "Log": "log", "Relu": "relu", "Sigmoid": "sigmoid", "Tanh": "tanh"}


def attrs(ctx: Context, node) -> dict:
    return {a.name: ctx.onnx.helper.get_attribute_value(a) for a in node.attribute}


def name_of(node) -> str:
    """The label for our node: an exporter's scope ("/fc1/Gemm" reads "fc1"), else the node's
    name, else what it computes (a loss named after its output, "loss")."""
    parts = [p for p in (node.name or "").split("/") if p]
    if parts and parts[-1].split("_")[0] in (node.op_type, node.op_type.lower()) and \
            len(parts) > 1:
        return "/".join(parts[:-1])
    if not parts or (len(parts) == 1 and parts[0].split("_")[0] == node.op_type):
        return node.output[0]
    return node.name


def _binary(ctx, node):
    op = ELEMENTWISE[node.op_type]
    out = ctx.add(op, ctx.node(node.input[0]), ctx.node(node.input[1]), label=name_of(node))
    ctx.bind(node.output[0], out)


def _unary(ctx, node):
    out = ctx.add(UNARY[node.op_type], ctx.node(node.input[0]), label=name_of(node))
    ctx.bind(node.output[0], out)


def _identity(ctx, node):
    ctx.bind(node.output[0], ctx.node(node.input[0]))


def _constant(ctx, node):
    a = attrs(ctx, node)
    if "value" in a:
        value = ctx.array(a["value"])
    elif "value_float" in a or "value_int" in a:
        value = np.array(a.get("value_float", a.get("value_int")), dtype=float)
    elif "value_floats" in a or "value_ints" in a:
        value = np.array(a.get("value_floats", a.get("value_ints")), dtype=float)
    else:
        raise Refusal("only a numeric tensor, float(s) or int(s) value maps")
    ctx.constants[node.output[0]] = value


def _pow(ctx, node):
    p = ctx.const(node.input[1])
    if p is None or np.size(p) != 1:
        raise Refusal("the exponent must be one constant number")
    out = ctx.add("power", ctx.node(node.input[0]), label=name_of(node), p=float(np.ravel(p)[0]))
    ctx.bind(node.output[0], out)


def _max(ctx, node):
    names = [n for n in node.input if n]
    out = ctx.node(names[0])
    for other in names[1:]:
        out = ctx.add("max", out, ctx.node(other), label=name_of(node))
    ctx.bind(node.output[0], out)


def _leaky_relu(ctx, node):
    alpha = float(attrs(ctx, node).get("alpha", 0.01))
    if alpha < 0:
        raise Refusal(f"alpha {alpha:g} is negative; leaky_relu's alpha is at least 0")
    out = ctx.add("leaky_relu", ctx.node(node.input[0]), label=name_of(node), alpha=alpha)
    ctx.bind(node.output[0], out)


def _reduce(ctx, node):
    a = attrs(ctx, node)
    shape = ctx.shape(node.input[0])
    axes = a.get("axes")
    if axes is None and len(node.input) > 1 and node.input[1]:
        axes = ctx.const(node.input[1])
        if axes is None:
            raise Refusal("its axes must be constant")
    if axes is not None and len(axes) == 0:
        axes = None
        if a.get("noop_with_empty_axes", 0):
            _identity(ctx, node)
            return
    if axes is not None:
        if shape is None:
            raise Refusal("the shape of its input is unknown")
        if sorted({int(x) % max(len(shape), 1) for x in axes}) != list(range(len(shape))):
            raise Refusal("only a reduction over all axes maps (onto sum or mean)")
    op = "sum" if node.op_type == "ReduceSum" else "mean"
    ctx.bind(node.output[0], ctx.add(op, ctx.node(node.input[0]), label=name_of(node)))


def _transpose(ctx, node):
    perm = attrs(ctx, node).get("perm")
    shape = ctx.shape(node.input[0])
    if perm is not None and (shape is None or list(perm) != list(range(len(shape)))[::-1]):
        raise Refusal(f"only reversing the axes maps (perm {list(perm)} does not)")
    ctx.bind(node.output[0], ctx.add("transpose", ctx.node(node.input[0]), label=name_of(node)))


def _flatten(ctx, node, axis=None):
    shape = ctx.shape(node.input[0])
    if axis is None:
        axis = int(attrs(ctx, node).get("axis", 1))
        if axis < 0:
            if shape is None:
                raise Refusal("a negative axis needs the input's shape, which is unknown")
            axis += len(shape)
    out = ctx.add("flatten", ctx.node(node.input[0]), label=name_of(node), axis=axis)
    ctx.bind(node.output[0], out)


def _reshape(ctx, node):
    shape, target = ctx.shape(node.input[0]), ctx.const(node.input[1])
    if shape is None or target is None:
        raise Refusal("the shape must be constant and the input's shape known")
    target = [int(t) for t in np.ravel(target)]
    target = [shape[i] if t == 0 and i < len(shape) else t for i, t in enumerate(target)]
    if target.count(-1) == 1:
        known = math.prod(t for t in target if t != -1)
        target[target.index(-1)] = math.prod(shape) // known if known else 0
    if tuple(target) == tuple(shape):
        _identity(ctx, node)
        return
    for axis in range(len(shape) + 1):
        if target == [math.prod(shape[:axis]), math.prod(shape[axis:])]:
            _flatten(ctx, node, axis)
            return
    raise Refusal(f"only a reshape into rows × columns maps (as flatten); {list(shape)} → "
                  f"{target} is not one")


def _last_axis(ctx, node, name):
    """A (Log)Softmax's axis, checked to be the last (opset < 13 defaults to 1)."""
    shape = ctx.shape(name)
    default = -1 if ctx.opset >= 13 else 1
    axis = int(attrs(ctx, node).get("axis", default))
    if shape is None:
        raise Refusal("the shape of its input is unknown")
    if axis % max(len(shape), 1) != len(shape) - 1:
        raise Refusal(f"only a softmax along the last axis maps (axis {axis} is not)")


def _softmax(ctx, node):
    _last_axis(ctx, node, node.input[0])
    op = "softmax" if node.op_type == "Softmax" else "log_softmax"
    ctx.bind(node.output[0], ctx.add(op, ctx.node(node.input[0]), label=name_of(node)))


def _logits_of_log_probs(ctx, name):
    """The logits z behind log-probabilities: LogSoftmax(z), or Log(Softmax(z)); else None.
    The nodes in between are marked absorbed when nothing else reads them."""
    producer = ctx.producer.get(name)
    if producer is None:
        return None
    if producer.op_type == "LogSoftmax":
        chain = [producer]
    elif producer.op_type == "Log" and ctx.producer.get(producer.input[0]) is not None \
            and ctx.producer[producer.input[0]].op_type == "Softmax":
        chain = [ctx.producer[producer.input[0]], producer]
    else:
        return None
    _last_axis(ctx, chain[0], chain[0].input[0])
    for n in chain:
        if ctx.only_consumer(n.output[0]) is not None:
            ctx.absorbed.add(id(n))
    return chain[0].input[0]


def _mean_reduction(ctx, node, has_weight_index):
    a = attrs(ctx, node)
    reduction = a.get("reduction", b"mean")
    reduction = reduction.decode() if isinstance(reduction, bytes) else reduction
    if reduction != "mean":
        raise Refusal(f"only reduction 'mean' maps onto softmax_ce (it has {reduction!r})")
    if len(node.input) > has_weight_index and node.input[has_weight_index]:
        raise Refusal("class weights do not map onto softmax_ce")
    if "ignore_index" in a:
        # PyTorch writes -100: never a class, so no label is ignored and nothing changes
        classes = (ctx.shape(node.input[0]) or (0, 0))[-1]
        if 0 <= int(a["ignore_index"]) < classes:
            raise Refusal(f"ignore_index {a['ignore_index']} is a class; ignoring rows does "
                          f"not map onto softmax_ce")


def _softmax_ce(ctx, node, logits):
    shape = ctx.shape(logits)
    if shape is None or len(shape) != 2:
        raise Refusal("the scores must be a batch of rows (N × classes)")
    target = ctx.one_hot_target(node.input[1], shape[1])
    out = ctx.add("softmax_ce", ctx.node(logits), target, label=name_of(node))
    ctx.bind(node.output[0], out)


def find_losses(ctx) -> None:
    """Before anything is built: the (Log)Softmax nodes a NegativeLogLikelihoodLoss takes in,
    so they are not also mapped on their own."""
    for node in ctx.model_graph.node:
        if node.op_type == "NegativeLogLikelihoodLoss":
            try:
                ctx.logits[id(node)] = _logits_of_log_probs(ctx, node.input[0])
            except Refusal:
                pass                  # the loss's own mapper says why


def _nll(ctx, node):
    _mean_reduction(ctx, node, 2)
    logits = ctx.logits.get(id(node))
    if logits is None:
        raise Refusal("it maps (as softmax_ce) only after a LogSoftmax or Log(Softmax)")
    _softmax_ce(ctx, node, logits)


def _sce(ctx, node):
    _mean_reduction(ctx, node, 2)
    if len(node.output) > 1 and node.output[1] and ctx.consumers.get(node.output[1]):
        raise Refusal("its log_prob output is used; only the loss maps onto softmax_ce")
    _softmax_ce(ctx, node, node.input[0])


def _bias_of(ctx, mm_out, units, x_ndim):
    """The Add after a MatMul that makes it a dense layer: (add node, b as (units,)) or None."""
    add = ctx.only_consumer(mm_out)
    if add is None or add.op_type != "Add":
        return None
    other = add.input[1] if add.input[0] == mm_out else add.input[0]
    b = ctx.weights.get(other)
    if b is None or len(ctx.consumers.get(other, [])) != 1:
        return None
    dims = tuple(b.dims)
    if dims == (units,) or (dims == (1, units) and x_ndim == 2):
        return add, ctx.array(b).reshape(units)
    return None


def _dense(ctx, label, x, W, b, out_name):
    W = np.asarray(W, dtype=float)
    node = ctx.add("dense", ctx.node(x), label=label, tensors={"W": W, "b": np.asarray(
        b, dtype=float)}, in_features=W.shape[0], units=W.shape[1])
    ctx.bind(out_name, node)


def _data_ndim(ctx, name):
    shape = ctx.shape(name)
    return None if shape is None else len(shape)


def _matmul(ctx, node):
    a, b = node.input[0], node.input[1]
    w = ctx.weights.get(b)
    nd = _data_ndim(ctx, a)
    if w is not None and len(w.dims) == 2 and nd in (1, 2) and a not in ctx.weights \
            and len(ctx.consumers.get(b, [])) == 1:
        bias = _bias_of(ctx, node.output[0], w.dims[1], nd)
        if bias is not None:
            add, b_value = bias
            ctx.absorbed.add(id(add))
            _dense(ctx, name_of(node), a, ctx.array(w), b_value, add.output[0])
            return
    if nd not in (1, 2, None) or _data_ndim(ctx, b) not in (1, 2, None):
        raise Refusal("only vectors and matrices map onto matmul")
    ctx.bind(node.output[0], ctx.add("matmul", ctx.node(a), ctx.node(b), label=name_of(node)))


def _gemm(ctx, node):
    at = attrs(ctx, node)
    alpha, beta = float(at.get("alpha", 1.0)), float(at.get("beta", 1.0))
    trans_a, trans_b = int(at.get("transA", 0)), int(at.get("transB", 0))
    a, b = node.input[0], node.input[1]
    c = node.input[2] if len(node.input) > 2 and node.input[2] else None
    w = ctx.weights.get(b)
    cw = ctx.weights.get(c) if c else None
    if not trans_a and w is not None and cw is not None and a not in ctx.weights \
            and len(ctx.consumers[b]) == 1 and len(ctx.consumers[c]) == 1:
        W = ctx.array(w).T if trans_b else ctx.array(w)
        units = W.shape[1]
        cv = ctx.array(cw)
        if np.size(cv) in (1, units) and np.ndim(cv) <= 2:
            bias = np.broadcast_to(np.ravel(cv), (units,))
            # alpha and beta folded in: exact when they are 1, as every Linear layer writes them
            _dense(ctx, name_of(node), a, W * alpha if alpha != 1 else W,
                   bias * beta if beta != 1 else bias, node.output[0])
            return
    label = name_of(node)
    left, right = ctx.node(a), ctx.node(b)
    if trans_a:
        left = ctx.add("transpose", left, label=f"{label}/Aᵀ")
    if trans_b:
        right = ctx.add("transpose", right, label=f"{label}/Bᵀ")
    out = ctx.add("matmul", left, right, label=label)
    if alpha != 1:
        out = ctx.add("multiply", out, ctx.graph.constant(alpha, label="alpha"), label=label)
    if c:
        bias = ctx.node(c)
        if beta != 1:
            bias = ctx.add("multiply", bias, ctx.graph.constant(beta, label="beta"), label=label)
        out = ctx.add("add", out, bias, label=label)
    ctx.bind(node.output[0], out)


MAPPERS = {
    **dict.fromkeys(ELEMENTWISE, _binary), **dict.fromkeys(UNARY, _unary),
    "Identity": _identity, "Constant": _constant, "Pow": _pow, "Max": _max,
    "LeakyRelu": _leaky_relu, "ReduceSum": _reduce, "ReduceMean": _reduce,
    "Transpose": _transpose, "Flatten": _flatten, "Reshape": _reshape,
    "Softmax": _softmax, "LogSoftmax": _softmax, "NegativeLogLikelihoodLoss": _nll,
    "SoftmaxCrossEntropyLoss": _sce, "MatMul": _matmul, "Gemm": _gemm,
}
