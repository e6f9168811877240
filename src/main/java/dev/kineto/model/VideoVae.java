package dev.kineto.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv3d;
import java.util.SplittableRandom;

/**
 * Causal 3D convolutional VAE: 4× in time (1 + 4k frames → 1 + k latent frames, so a lone first frame encodes on
 * its own), 4×4 in space, KL-regularised. Video tensors are [B, 3, T, H, W] in [-1, 1].
 */
public final class VideoVae {

    /** VAE size: latent channels and the widths at full, half and quarter resolution. */
    public record Config(int latentChannels, int fullWidth, int halfWidth, int quarterWidth) {
        public static final int TIME_FACTOR = 4, SPACE_FACTOR = 4;
    }

    /** 3D convolution that pads time only on the past side (with copies of the first frame), so no frame sees the future. */
    record CausalConv3d(NDArray weight, NDArray bias, int timeStride, int spaceStride) {
        static CausalConv3d of(Params p, String name, int in, int out, int timeStride, int spaceStride) {
            return new CausalConv3d(p.normal(name + ".weight", Math.sqrt(2.0 / (in * 27)), out, in, 3, 3, 3),
                    p.constant(name + ".bias", 0, out), timeStride, spaceStride);
        }

        NDArray forward(NDArray x) {
            NDArray first = x.get(":, :, 0:1");
            NDArray padded = NDArrays.concat(new NDList(first, first, x), 2);
            return Conv3d.conv3d(padded, weight, bias, new Shape(timeStride, spaceStride, spaceStride), new Shape(0, 1, 1))
                    .singletonOrThrow();
        }
    }

    /** Two convolutions with a skip connection. */
    record ResBlock(CausalConv3d conv1, CausalConv3d conv2) {
        static ResBlock of(Params p, String name, int channels) {
            return new ResBlock(CausalConv3d.of(p, name + ".conv1", channels, channels, 1, 1), CausalConv3d.of(p, name + ".conv2", channels, channels, 1, 1));
        }

        NDArray forward(NDArray x) {
            return x.add(conv2.forward(Layers.silu(conv1.forward(Layers.silu(x)))).mul(0.5f));
        }
    }

    /** Video → mean and log-variance of the latent: full res, ½ space, ½ time and ½ space, ½ time. */
    record Encoder(CausalConv3d in, CausalConv3d down1, CausalConv3d down2, CausalConv3d down3, ResBlock res, CausalConv3d out) {
        static Encoder of(Params p, Config c) {
            return new Encoder(CausalConv3d.of(p, "vae.encoder.conv_in", 3, c.fullWidth(), 1, 1),
                    CausalConv3d.of(p, "vae.encoder.down1", c.fullWidth(), c.halfWidth(), 1, 2),
                    CausalConv3d.of(p, "vae.encoder.down2", c.halfWidth(), c.quarterWidth(), 2, 2),
                    CausalConv3d.of(p, "vae.encoder.down3", c.quarterWidth(), c.quarterWidth(), 2, 1),
                    ResBlock.of(p, "vae.encoder.res", c.quarterWidth()),
                    CausalConv3d.of(p, "vae.encoder.conv_out", c.quarterWidth(), 2 * c.latentChannels(), 1, 1));
        }

        NDArray forward(NDArray video) {
            NDArray x = Layers.silu(in.forward(video));
            x = Layers.silu(down1.forward(x));
            x = Layers.silu(down2.forward(x));
            x = down3.forward(x);
            return out.forward(Layers.silu(res.forward(x)));
        }
    }

    /** Latent → video, mirroring the encoder; time upsampling doubles frames and drops the first copy (1 + k → 1 + 2k). */
    record Decoder(CausalConv3d in, ResBlock res, CausalConv3d up1, CausalConv3d up2, CausalConv3d up3, CausalConv3d out) {
        static Decoder of(Params p, Config c) {
            return new Decoder(CausalConv3d.of(p, "vae.decoder.conv_in", c.latentChannels(), c.quarterWidth(), 1, 1),
                    ResBlock.of(p, "vae.decoder.res", c.quarterWidth()),
                    CausalConv3d.of(p, "vae.decoder.up1", c.quarterWidth(), c.quarterWidth(), 1, 1),
                    CausalConv3d.of(p, "vae.decoder.up2", c.quarterWidth(), c.halfWidth(), 1, 1),
                    CausalConv3d.of(p, "vae.decoder.up3", c.halfWidth(), c.fullWidth(), 1, 1),
                    CausalConv3d.of(p, "vae.decoder.conv_out", c.fullWidth(), 3, 1, 1));
        }

        NDArray forward(NDArray z) {
            NDArray x = res.forward(in.forward(z));
            x = Layers.silu(up1.forward(upTime(Layers.silu(x))));
            x = Layers.silu(up2.forward(upSpace(upTime(x))));
            x = Layers.silu(up3.forward(upSpace(x)));
            return out.forward(x);
        }

        static NDArray upTime(NDArray x) {
            return x.repeat(2, 2).get(":, :, 1:");
        }

        static NDArray upSpace(NDArray x) {
            return x.repeat(3, 2).repeat(4, 2);
        }
    }

    private final Config config;
    private final Encoder encoder;
    private final Decoder decoder;

    public VideoVae(Params p, Config config) {
        this.config = config;
        this.encoder = Encoder.of(p, config);
        this.decoder = Decoder.of(p, config);
    }

    public Config config() { return config; }

    /** Latent shape [C, T', H', W'] for a video of frames × height × width. */
    public long[] latentShape(int frames, int height, int width) {
        return new long[] {config.latentChannels(), 1 + (frames - 1) / Config.TIME_FACTOR, height / Config.SPACE_FACTOR, width / Config.SPACE_FACTOR};
    }

    /** The posterior's mean and log-variance, each [B, C, T', H', W']. */
    public NDList encode(NDArray video) {
        checkVideo(video);
        NDList moments = encoder.forward(video).split(2, 1);
        return new NDList(moments.get(0), moments.get(1).clip(-20, 10));
    }

    /** A draw from the posterior: mean + σ·ε, with ε from rng (deterministic for a seed). */
    public static NDArray sample(NDList posterior, SplittableRandom rng) {
        NDArray mean = posterior.get(0);
        return mean.add(posterior.get(1).mul(0.5f).exp().mul(Noise.gaussian(mean.getManager(), mean.getShape(), rng)));
    }

    /** KL(posterior ‖ N(0, 1)), averaged over latent elements. */
    public static NDArray kl(NDList posterior) {
        NDArray mean = posterior.get(0), logVar = posterior.get(1);
        return mean.square().add(logVar.exp()).sub(1).sub(logVar).mul(0.5f).mean();
    }

    /** Latent [B, C, T', H', W'] → video [B, 3, 1 + 4(T'−1), 4H', 4W']. */
    public NDArray decode(NDArray latent) {
        return decoder.forward(latent);
    }

    private static void checkVideo(NDArray video) {
        Shape s = video.getShape();
        if (s.dimension() != 5 || s.get(1) != 3 || (s.get(2) - 1) % Config.TIME_FACTOR != 0
                || s.get(3) % Config.SPACE_FACTOR != 0 || s.get(4) % Config.SPACE_FACTOR != 0) {
            throw new IllegalArgumentException("video tensor " + s + " must be [B, 3, 4k+1 frames, H, W] with H and W multiples of "
                    + Config.SPACE_FACTOR);
        }
    }
}
