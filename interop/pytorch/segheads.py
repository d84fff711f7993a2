"""SegHeads' architecture in plain PyTorch (torch.nn only), for weight exchange with the C# library.

Module and attribute names mirror the C# fields, so the state-dict keys are the same and
``model.load_state_dict(weights, strict=True)`` accepts a file written by ``model.SaveWeights(path)``
in C#, and C# loads ``save_weights(model, path)``'s file. Eval-mode outputs match to float rounding.

    model = SegmentationModel.create("stacked-linear:3-3-1@64+bn+pad-once", num_classes=4)
    load_weights(model, "model.safetensors")          # strict: same keys, shapes and dtypes
    model.eval(); logits = model(images)               # [N, K, H, W], never probabilities
"""
import torch
import torch.nn.functional as F
from torch import nn

from safetensors_io import load_file, save_file

DEFAULT_WIDTH = 64
_KINDS = {  # kind: (takes layers, default layers, allowed options)
    "linear": (False, None, set()),
    "stacked-linear": (True, "3-3-1", {"bn", "pad-once", "pad-each"}),
    "activated": (True, "3-3-1", {"bn", "gn", "pad-once", "pad-each"}),
    "branched-linear": (True, "3-3-1", {"bn", "pad-once", "pad-each"}),
}


# --- blocks -----------------------------------------------------------------------------------------

def effective_norm_groups(channels):
    """The C# default (ConvBlockOptions.EffectiveNormGroups): the largest g <= min(8, C) dividing C."""
    g = min(8, channels)
    while channels % g:
        g -= 1
    return g


class ConvBlock(nn.Module):
    """conv -> optional norm ("batch" | "group") -> optional ReLU. Keys: conv.*, norm.*.

    The conv has a bias only without a norm (the norm's shift makes it redundant), as in C#.
    BatchNorm2d/GroupNorm use PyTorch's defaults (eps 1e-5, momentum 0.1), as TorchSharp does.
    """

    def __init__(self, in_channels, out_channels, kernel_size=3, padding=None, norm=None, relu=False):
        super().__init__()
        padding = kernel_size // 2 if padding is None else padding
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size, padding=padding, bias=norm is None)
        if norm == "batch":
            self.norm = nn.BatchNorm2d(out_channels)
        elif norm == "group":
            self.norm = nn.GroupNorm(effective_norm_groups(out_channels), out_channels)
        elif norm is None:
            self.norm = None
        else:
            raise ValueError(f"norm must be None, 'batch' or 'group', but was {norm!r}")
        self.act = nn.ReLU(inplace=True) if relu else None

    def forward(self, x):
        x = self.conv(x)
        if self.norm is not None:
            x = self.norm(x)
        if self.act is not None:
            x = self.act(x)
        return x


class Branch(nn.Module):
    """One branch of a BranchedConv: (central crop in valid mode) -> conv kh x kw -> optional BN."""

    def __init__(self, in_channels, out_channels, shape, max_shape, batch_norm, same):
        super().__init__()
        kh, kw = shape
        self.conv = nn.Conv2d(in_channels, out_channels, (kh, kw),
                              padding=(kh // 2, kw // 2) if same else (0, 0), bias=not batch_norm)
        self.norm = nn.BatchNorm2d(out_channels) if batch_norm else None
        self.crop = (0, 0) if same else ((max_shape[0] - kh) // 2, (max_shape[1] - kw) // 2)

    def forward(self, x):
        ch, cw = self.crop
        if ch or cw:
            x = x[:, :, ch:x.shape[2] - ch, cw:x.shape[3] - cw]
        x = self.conv(x)
        return self.norm(x) if self.norm is not None else x


class BranchedConv(nn.Module):
    """Parallel linear branches on the same input, summed (ACNet/RepVGG). Keys: branches.{i}.conv|norm.*."""

    def __init__(self, in_channels, out_channels, shapes, batch_norm=False, same=True):
        super().__init__()
        max_shape = (max(h for h, _ in shapes), max(w for _, w in shapes))
        self.branches = nn.ModuleList(Branch(in_channels, out_channels, s, max_shape, batch_norm, same) for s in shapes)

    def forward(self, x):
        y = self.branches[0](x)
        for branch in self.branches[1:]:
            y = y + branch(x)
        return y


# --- backbone ---------------------------------------------------------------------------------------

class EncoderDecoder(nn.Module):
    """The UNet-style backbone: per level two 3x3 ConvBlocks (norm + ReLU), 2x max-pool down, 2x
    transposed conv up, skips concatenated [skip, up]. Keys: encoders.{i}.{0|1}.*, upsamplers.{j}.*, decoders.{j}.{0|1}.*."""

    def __init__(self, in_channels=3, base_width=16, depth=3, norm="batch"):
        super().__init__()
        if not 1 <= depth <= 8:
            raise ValueError(f"depth must be between 1 and 8, but was {depth}")
        self.in_channels, self.base_width, self.depth = in_channels, base_width, depth
        width = [base_width << level for level in range(depth)]

        def double(cin, cout):
            return nn.Sequential(ConvBlock(cin, cout, 3, norm=norm, relu=True), ConvBlock(cout, cout, 3, norm=norm, relu=True))

        self.encoders = nn.ModuleList()
        channels = in_channels
        for level in range(depth):
            self.encoders.append(double(channels, width[level]))
            channels = width[level]
        self.upsamplers = nn.ModuleList()
        self.decoders = nn.ModuleList()
        for level in range(depth - 2, -1, -1):
            self.upsamplers.append(nn.ConvTranspose2d(width[level + 1], width[level], 2, stride=2))
            self.decoders.append(double(2 * width[level], width[level]))
        self.out_channels = base_width
        self.size_divisor = 1 << (depth - 1)

    def forward(self, x):
        skips = []
        for level, encoder in enumerate(self.encoders):
            x = encoder(x)
            if level < self.depth - 1:
                skips.append(x)
                x = F.max_pool2d(x, 2)
        for j, (up, decoder) in enumerate(zip(self.upsamplers, self.decoders)):
            x = decoder(torch.cat([skips[-(j + 1)], up(x)], 1))
        return x


# --- head specs -------------------------------------------------------------------------------------

class HeadSpec:
    """The subset of the C# grammar for the built-in kinds: kind[:layers[@width]]{+option}."""

    def __init__(self, text):
        self.text = text
        head, *options = text.strip().split("+")
        kind, _, rest = head.partition(":")
        if kind not in _KINDS:
            raise ValueError(f"unknown head kind {kind!r} in {text!r}; known: {', '.join(_KINDS)}")
        takes_layers, default_layers, allowed = _KINDS[kind]
        bad = [o for o in options if o not in allowed]
        if bad or len(set(options)) != len(options) or {"bn", "gn"} <= set(options) or {"pad-once", "pad-each"} <= set(options):
            raise ValueError(f"invalid options {options} for {kind!r} in {text!r}; allowed: {sorted(allowed)}, each once, no contradictions")
        if rest and not takes_layers:
            raise ValueError(f"{kind!r} takes no layers, but got {rest!r}")
        layers_text, _, width = (rest or default_layers or "").partition("@")
        self.kind = kind
        self.width = int(width) if width else DEFAULT_WIDTH
        self.norm = "batch" if "bn" in options else "group" if "gn" in options else None
        self.pad_once = "pad-once" in options
        self.layers = [[(1, 1)]] if kind == "linear" else [self._layer(t) for t in layers_text.split("-")]

    def _layer(self, text):
        if self.kind != "branched-linear":
            k = int(text)
            return [(k, k)]
        if "x" not in text:
            k = int(text)  # a bare size stands for k x k, 1 x k, k x 1, 1 x 1 (just 1 x 1 for k = 1)
            shapes = [(1, 1)] if k == 1 else [(k, k), (1, k), (k, 1), (1, 1)]
        else:
            shapes = [tuple(int(v) for v in b.split("x")) for b in text.split(",")]
        # NOTE: C#'s HeadLayer orders branches by area, then height, both descending (a stable sort),
        # and that order is the branch index in the state-dict keys.
        return sorted(shapes, key=lambda s: (-s[0] * s[1], -s[0]))

    def __repr__(self):
        return self.text


class LinearHead(nn.Module):
    """One 1x1 conv. Keys: classifier.weight [K, C, 1, 1], classifier.bias [K]."""

    def __init__(self, spec, in_channels, num_classes):
        super().__init__()
        self.spec, self.num_classes = spec, num_classes
        self.classifier = nn.Conv2d(in_channels, num_classes, 1)

    def forward(self, x):
        return self.classifier(x)


class ConvStackHead(nn.Module):
    """stacked-linear (no activation) and activated (norm + ReLU after hidden convs). Keys: layers.{i}.conv|norm.*."""

    def __init__(self, spec, in_channels, num_classes):
        super().__init__()
        self.spec, self.num_classes = spec, num_classes
        kernels = [max(max(h, w) for h, w in layer) for layer in spec.layers]
        self.radius = sum(k // 2 for k in kernels)
        self.pad_once = spec.pad_once
        self.layers = nn.ModuleList()
        channels = in_channels
        for i, k in enumerate(kernels):
            last = i == len(kernels) - 1
            out = num_classes if last else spec.width
            self.layers.append(ConvBlock(channels, out, k, padding=0 if spec.pad_once else k // 2,
                                         norm=None if last else spec.norm, relu=spec.kind == "activated" and not last))
            channels = out

    def forward(self, x):
        if self.pad_once and self.radius:
            x = F.pad(x, [self.radius] * 4)
        for layer in self.layers:
            x = layer(x)
        return x


class BranchedLinearHead(nn.Module):
    """branched-linear: BranchedConv layers, BN per branch on hidden layers with +bn. Keys: layers.{i}.branches.{j}.*."""

    def __init__(self, spec, in_channels, num_classes):
        super().__init__()
        self.spec, self.num_classes = spec, num_classes
        self.pad_once = spec.pad_once
        self.radius_h = sum(max(h for h, _ in layer) // 2 for layer in spec.layers)
        self.radius_w = sum(max(w for _, w in layer) // 2 for layer in spec.layers)
        self.layers = nn.ModuleList()
        channels = in_channels
        for i, shapes in enumerate(spec.layers):
            last = i == len(spec.layers) - 1
            out = num_classes if last else spec.width
            self.layers.append(BranchedConv(channels, out, shapes, batch_norm=not last and spec.norm == "batch", same=not spec.pad_once))
            channels = out

    def forward(self, x):
        if self.pad_once and (self.radius_h or self.radius_w):
            x = F.pad(x, [self.radius_w, self.radius_w, self.radius_h, self.radius_h])
        for layer in self.layers:
            x = layer(x)
        return x


def create_head(spec, in_channels, num_classes):
    """Builds a head from a spec string (or HeadSpec) of a built-in kind."""
    spec = spec if isinstance(spec, HeadSpec) else HeadSpec(spec)
    cls = {"linear": LinearHead, "stacked-linear": ConvStackHead, "activated": ConvStackHead,
           "branched-linear": BranchedLinearHead}[spec.kind]
    return cls(spec, in_channels, num_classes)


# --- model ------------------------------------------------------------------------------------------

class SegmentationModel(nn.Module):
    """backbone + head: images [N, C, H, W] -> logits [N, K, H, W]. Keys: backbone.*, head.*.

    size_policy "strict" rejects H, W that are not multiples of the backbone's size divisor;
    "pad-and-crop" zero-pads bottom/right to the next multiple and crops the logits back.
    """

    def __init__(self, backbone, head, size_policy="strict"):
        super().__init__()
        if size_policy not in ("strict", "pad-and-crop"):
            raise ValueError(f"size_policy must be 'strict' or 'pad-and-crop', but was {size_policy!r}")
        self.backbone = backbone
        self.head = head
        self.size_policy = size_policy
        self.head_spec = str(head.spec)
        self.num_classes = head.num_classes

    @staticmethod
    def create(head_spec, num_classes, in_channels=3, base_width=16, depth=3, norm="batch", size_policy="strict"):
        backbone = EncoderDecoder(in_channels, base_width, depth, norm)
        return SegmentationModel(backbone, create_head(head_spec, backbone.out_channels, num_classes), size_policy)

    @staticmethod
    def from_metadata(metadata):
        """Rebuilds the architecture a C# SaveWeights file describes in its metadata."""
        if metadata.get("segheads.backbone") != "encoder-decoder":
            raise ValueError(f"only the encoder-decoder backbone is defined here, but the file says {metadata.get('segheads.backbone')!r}")
        norm = metadata["segheads.backbone.norm"]
        return SegmentationModel.create(
            metadata["segheads.head"], int(metadata["segheads.num_classes"]),
            in_channels=int(metadata["segheads.backbone.in_channels"]), base_width=int(metadata["segheads.backbone.base_width"]),
            depth=int(metadata["segheads.backbone.depth"]), norm=None if norm == "none" else norm,
            size_policy=metadata.get("segheads.size_policy", "strict"))

    def forward(self, x):
        h, w = x.shape[2], x.shape[3]
        d = self.backbone.size_divisor
        pad_h, pad_w = (d - h % d) % d, (d - w % d) % d
        if (pad_h or pad_w) and self.size_policy == "strict":
            raise ValueError(f"input H and W must be multiples of {d}, but got {tuple(x.shape)}; use size_policy='pad-and-crop'")
        if pad_h or pad_w:
            x = F.pad(x, [0, pad_w, 0, pad_h])
        logits = self.head(self.backbone(x))
        return logits[:, :, :h, :w]

    def metadata(self):
        """The metadata C#'s SaveWeights writes, so either side can rebuild the model from the file."""
        b = self.backbone
        first = b.encoders[0][0].norm
        norm = "batch" if isinstance(first, nn.BatchNorm2d) else "group" if isinstance(first, nn.GroupNorm) else "none"
        return {"format": "pt", "segheads.head": self.head_spec, "segheads.num_classes": str(self.num_classes),
                "segheads.size_policy": self.size_policy, "segheads.backbone": "encoder-decoder",
                "segheads.backbone.in_channels": str(b.in_channels), "segheads.backbone.base_width": str(b.base_width),
                "segheads.backbone.depth": str(b.depth), "segheads.backbone.norm": norm}


def save_weights(model, path, metadata=None):
    """Writes model.state_dict() (PyTorch's keys and order) as safetensors."""
    save_file(model.state_dict(), path, metadata)


def load_weights(model, path):
    """Loads a safetensors file strictly (same keys; shapes and dtypes checked) and returns its metadata."""
    tensors, metadata = load_file(path)
    own = model.state_dict()
    bad = [f"{k}: expected {own[k].dtype} {list(own[k].shape)}, file has {t.dtype} {list(t.shape)}"
           for k, t in tensors.items() if k in own and (own[k].dtype != t.dtype or own[k].shape != t.shape)]
    if bad:
        raise ValueError(f"{path}: shape or dtype mismatches: " + "; ".join(bad))
    model.load_state_dict(tensors, strict=True)
    return metadata
