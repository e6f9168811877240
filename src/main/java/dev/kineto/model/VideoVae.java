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

    /** VAE size: latent channels, the width at half resolution (outer) and at quarter resolution (inner). */
    public record Config(int latentChannels, int outerWidth, int innerWidth) {
        public static final int TIME_FACTOR = 4, SPACE_FACTOR = 4;

        /** Latent frames for a video of 4k + 1 frames: the first frame alone, then one per TIME_FACTOR frames. */
        public static int latentFrames(int frames) {
            return 1 + (frames - 1) / TIME_FACTOR;
        }
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

    /**
     * Video → mean and log-variance of the latent. The first step folds 2×2 pixel blocks into channels (as LTX-Video's
     * VAE does), so no convolution runs at full resolution and the width goes where it pays: ½ space, then ½ time and
     * ½ space, then ½ time, with a residual block at each level.
     */
    record Encoder(CausalConv3d in, ResBlock res1, CausalConv3d down1, ResBlock res2, CausalConv3d down2, ResBlock res3, CausalConv3d out) {
        static Encoder of(Params p, Config c) {
            return new Encoder(CausalConv3d.of(p, "vae.encoder.conv_in", 3 * 4, c.outerWidth(), 1, 1),
                    ResBlock.of(p, "vae.encoder.res1", c.outerWidth()),
                    CausalConv3d.of(p, "vae.encoder.down1", c.outerWidth(), c.innerWidth(), 2, 2),
                    ResBlock.of(p, "vae.encoder.res2", c.innerWidth()),
                    CausalConv3d.of(p, "vae.encoder.down2", c.innerWidth(), c.innerWidth(), 2, 1),
                    ResBlock.of(p, "vae.encoder.res3", c.innerWidth()),
                    CausalConv3d.of(p, "vae.encoder.conv_out", c.innerWidth(), 2 * c.latentChannels(), 1, 1));
        }

        NDArray forward(NDArray video) {
            NDArray x = res1.forward(in.forward(spaceToChannels(video)));
            x = res2.forward(down1.forward(Layers.silu(x)));
            x = res3.forward(down2.forward(Layers.silu(x)));
            return out.forward(Layers.silu(x));
        }
    }

    /**
     * Latent → video, mirroring the encoder. Time is upsampled by convolutions that emit two frames' channels at once
     * (as Wan's resampler does), so the frames a latent frame stands for each get their own features; repeating
     * frames instead left moving objects frozen at their first position. 1 + k latent frames → 1 + 2k → 1 + 4k.
     */
    record Decoder(CausalConv3d in, ResBlock res1, CausalConv3d time1, ResBlock res2, CausalConv3d time2, CausalConv3d up, ResBlock res3, CausalConv3d out) {
        static Decoder of(Params p, Config c) {
            return new Decoder(CausalConv3d.of(p, "vae.decoder.conv_in", c.latentChannels(), c.innerWidth(), 1, 1),
                    ResBlock.of(p, "vae.decoder.res1", c.innerWidth()),
                    CausalConv3d.of(p, "vae.decoder.time1", c.innerWidth(), 2 * c.innerWidth(), 1, 1),
                    ResBlock.of(p, "vae.decoder.res2", c.innerWidth()),
                    CausalConv3d.of(p, "vae.decoder.time2", c.innerWidth(), 2 * c.innerWidth(), 1, 1),
                    CausalConv3d.of(p, "vae.decoder.up", c.innerWidth(), c.outerWidth(), 1, 1),
                    ResBlock.of(p, "vae.decoder.res3", c.outerWidth()),
                    CausalConv3d.of(p, "vae.decoder.conv_out", c.outerWidth(), 3 * 4, 1, 1));
        }

        NDArray forward(NDArray z) {
            NDArray x = res1.forward(in.forward(z));
            x = res2.forward(channelsToTime(time1.forward(Layers.silu(x))));
            x = channelsToTime(time2.forward(Layers.silu(x)));
            x = res3.forward(up.forward(Layers.silu(upSpace(x))));
            return channelsToSpace(out.forward(Layers.silu(x)));
        }
    }

    /** [B, 2C, T, H, W] → [B, C, 2T − 1, H, W]: each frame's channels become two frames; the first one is dropped (causal). */
    static NDArray channelsToTime(NDArray x) {
        Shape s = x.getShape();
        long b = s.get(0), c = s.get(1) / 2, t = s.get(2), h = s.get(3), w = s.get(4);
        return x.reshape(b, 2, c, t, h, w).transpose(0, 2, 3, 1, 4, 5).reshape(b, c, 2 * t, h, w).get(":, :, 1:");
    }

    /** Nearest-neighbour 2× in rows and columns. */
    static NDArray upSpace(NDArray x) {
        return x.repeat(3, 2).repeat(4, 2);
    }

    /** [B, C, T, H, W] → [B, 4C, T, H/2, W/2]: each 2×2 block of pixels becomes one position's channels. */
    static NDArray spaceToChannels(NDArray x) {
        Shape s = x.getShape();
        long b = s.get(0), c = s.get(1), t = s.get(2), h = s.get(3) / 2, w = s.get(4) / 2;
        return x.reshape(b, c, t, h, 2, w, 2).transpose(0, 1, 4, 6, 2, 3, 5).reshape(b, c * 4, t, h, w);
    }

    /** The inverse of spaceToChannels. */
    static NDArray channelsToSpace(NDArray x) {
        Shape s = x.getShape();
        long b = s.get(0), c = s.get(1) / 4, t = s.get(2), h = s.get(3), w = s.get(4);
        return x.reshape(b, c, 2, 2, t, h, w).transpose(0, 1, 4, 5, 2, 6, 3).reshape(b, c, t, h * 2, w * 2);
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
        return new long[] {config.latentChannels(), Config.latentFrames(frames), height / Config.SPACE_FACTOR, width / Config.SPACE_FACTOR};
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
