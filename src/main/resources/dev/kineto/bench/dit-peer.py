# The DiT of model/Dit.java written in PyTorch, for `kineto bench peer`. It loads Kineto's weights by their names with
# strict=True and must give Kineto's velocity on Kineto's inputs, so a change to Dit.java that this file does not follow
# fails here instead of timing a different network.
# usage: dit-peer.py FILE HEADS PATCH REPEATS BATCH... ; FILE holds the DiT's weights ("dit.*") and one reference pass
# ("input.*": z, t, text, mask, pooled; "output.velocity") in safetensors form. Prints "check <max |difference|>", "batch <B> <median seconds>"
# for each batch size, and "sgemm <GFLOP/s>".
import json, math, struct, sys, time
import torch, torch.nn as nn, torch.nn.functional as F

torch.set_num_threads(2)
path, heads, patch, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
batches = [int(b) for b in sys.argv[5:]]


def read_safetensors(file):
    with open(file, "rb") as f:
        raw = f.read()
    length = struct.unpack("<Q", raw[:8])[0]
    header, data = json.loads(raw[8:8 + length]), raw[8 + length:]
    return {name: torch.frombuffer(bytearray(data[e["data_offsets"][0]:e["data_offsets"][1]]), dtype=torch.float32).reshape(e["shape"])
            for name, e in header.items() if name != "__metadata__"}


class Dense(nn.Linear):
    pass


class Norm(nn.Module):
    def __init__(s, dim):
        super().__init__(); s.gain, s.bias = nn.Parameter(torch.ones(dim)), nn.Parameter(torch.zeros(dim))

    def forward(s, x): return F.layer_norm(x, s.gain.shape, s.gain, s.bias, 1e-6)


class RmsNorm(nn.Module):
    def __init__(s, dim):
        super().__init__(); s.gain = nn.Parameter(torch.ones(dim))

    def forward(s, x): return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * s.gain


class Attention(nn.Module):
    def __init__(s, dim, context):
        super().__init__(); s.q, s.k, s.v, s.out = Dense(dim, dim), Dense(context, dim), Dense(context, dim), Dense(dim, dim)
        s.q_norm, s.k_norm = RmsNorm(dim // heads), RmsNorm(dim // heads)

    def forward(s, x, c, mask=None):
        b, n, w = x.shape; l = c.shape[1]; hd = w // heads
        q = s.q_norm(s.q(x).view(b, n, heads, hd).transpose(1, 2)); k = s.k_norm(s.k(c).view(b, l, heads, hd).transpose(1, 2))
        v = s.v(c).view(b, l, heads, hd).transpose(1, 2)
        a = q @ k.transpose(-1, -2) / math.sqrt(hd)
        if mask is not None: a = a + mask
        return s.out((a.softmax(-1) @ v).transpose(1, 2).reshape(b, n, w))


class Mlp(nn.Module):
    def __init__(s, dim):
        super().__init__(); s.up, s.down = Dense(dim, 4 * dim), Dense(4 * dim, dim)

    def forward(s, x): return s.down(F.gelu(s.up(x)))


def modulate(x, shift, scale): return x * (1 + scale) + shift


def sinusoid(positions, dim, max_period):
    half = dim // 2
    angles = positions[:, None] * torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float64) / half)[None]
    return F.pad(torch.cat([angles.sin(), angles.cos()], -1), (0, dim - 2 * half)).float()


def positions(frames, rows, cols, width):
    time_dim = width // 4 // 2 * 2; row_dim = (width - time_dim) // 2 // 2 * 2
    i = torch.arange(frames * rows * cols, dtype=torch.float64)
    return torch.cat([sinusoid(torch.div(i, rows * cols, rounding_mode="floor"), time_dim, 100),
                      sinusoid(torch.div(i, cols, rounding_mode="floor") % rows, row_dim, 100),
                      sinusoid(i % cols, width - time_dim - row_dim, 100)], -1)


class Block(nn.Module):
    def __init__(s, w, tw):
        super().__init__(); s.norm1, s.self_attn, s.norm2, s.cross_attn, s.norm3 = Norm(w), Attention(w, w), Norm(w), Attention(w, tw), Norm(w)
        s.mlp, s.adaLN_modulation = Mlp(w), Dense(w, 6 * w)

    def forward(s, x, c, text, mask):
        sh1, sc1, g1, sh2, sc2, g2 = s.adaLN_modulation(F.silu(c)).unsqueeze(1).chunk(6, -1)
        h = modulate(s.norm1(x), sh1, sc1); x = x + g1 * s.self_attn(h, h)
        x = x + s.cross_attn(s.norm2(x), text, mask)
        return x + g2 * s.mlp(modulate(s.norm3(x), sh2, sc2))


class TimestepEmbedder(nn.Module):
    def __init__(s, w):
        super().__init__(); s.fc1, s.fc2 = Dense(256, w), Dense(w, w)

    def forward(s, t):
        return s.fc2(F.silu(s.fc1(sinusoid(t.double() * 1000, 256, 10000))))


class FinalLayer(nn.Module):
    def __init__(s, w, pd):
        super().__init__(); s.norm, s.adaLN_modulation, s.proj = Norm(w), Dense(w, 2 * w), Dense(w, pd)

    def forward(s, x, c):
        shift, scale = s.adaLN_modulation(F.silu(c)).unsqueeze(1).chunk(2, -1)
        return s.proj(modulate(s.norm(x), shift, scale))


class Dit(nn.Module):
    def __init__(s, w, depth, channels, tw):
        super().__init__(); pd = channels * patch * patch
        s.patch_embed, s.t_embed, s.text_pool = Dense(pd, w), TimestepEmbedder(w), Dense(tw, w)
        s.blocks = nn.ModuleList(Block(w, tw) for _ in range(depth)); s.final = FinalLayer(w, pd)

    def forward(s, z, t, text, mask, pooled):
        b, c, frames, hh, ww = z.shape; h, w = hh // patch, ww // patch
        x = z.reshape(b, c, frames, h, patch, w, patch).permute(0, 2, 3, 5, 1, 4, 6).reshape(b, frames * h * w, c * patch * patch)
        x = s.patch_embed(x) + positions(frames, h, w, s.patch_embed.out_features)
        cond = s.t_embed(t) + s.text_pool(pooled)
        for block in s.blocks: x = block(x, cond, text, mask)
        x = s.final(x, cond)
        return x.reshape(b, frames, h, w, c, patch, patch).permute(0, 4, 1, 2, 5, 3, 6).reshape(b, c, frames, hh, ww)


tensors = read_safetensors(path)
weights = {name[len("dit."):]: value for name, value in tensors.items() if name.startswith("dit.")}
inputs = [tensors["input." + name] for name in ("z", "t", "text", "mask", "pooled")]
width, channels, text_width = weights["patch_embed.weight"].shape[0], inputs[0].shape[1], inputs[2].shape[2]
depth = len({name.split(".")[1] for name in weights if name.startswith("blocks.")})
model = Dit(width, depth, channels, text_width).eval()
model.load_state_dict(weights, strict=True)

with torch.no_grad():
    print("check", (model(*inputs) - tensors["output.velocity"]).abs().max().item(), flush=True)
    for batch in batches:
        def widen(x): return x[:1].expand(batch, *x.shape[1:]).contiguous()
        z, t, text, mask, pooled = torch.randn(batch, *inputs[0].shape[1:]), torch.rand(batch), widen(inputs[2]), widen(inputs[3]), widen(inputs[4])
        model(z, t, text, mask, pooled)
        times = []
        for _ in range(repeats):
            start = time.perf_counter(); model(z, t, text, mask, pooled); times.append(time.perf_counter() - start)
        print("batch", batch, sorted(times)[len(times) // 2], flush=True)
    a = torch.randn(1024, 1024); a @ a; gemm = []
    for _ in range(5):
        start = time.perf_counter(); a @ a; gemm.append(time.perf_counter() - start)
    print("sgemm", 2 * 1024 ** 3 / sorted(gemm)[2] / 1e9, flush=True)
