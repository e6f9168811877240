package dev.kineto.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam with decoupled weight decay (on matrices and kernels only) and global-norm gradient clipping. The update is
 * ~1,000 small ops a DiT step, so each worker of the {@link DataParallel} updates its own share of the tensors on one
 * PyTorch thread.
 */
final class AdamW {
    private static final float BETA1 = 0.9f, BETA2 = 0.99f, EPS = 1e-8f, NO_CLAMP = -1f;

    private final List<String> names;
    private final Map<String, NDArray> params;
    private final Map<String, NDArray> m = new LinkedHashMap<>(), v = new LinkedHashMap<>();
    private final float weightDecay;
    private final DataParallel parallel;
    private long steps;

    AdamW(Map<String, NDArray> params, float weightDecay, DataParallel parallel) {
        this.names = new ArrayList<>(params.keySet());
        this.params = params;
        this.weightDecay = weightDecay;
        this.parallel = parallel;
        params.forEach((name, p) -> {
            p.setRequiresGradient(true);
            m.put(name, p.zerosLike());
            v.put(name, p.zerosLike());
        });
    }

    /**
     * Clips the gradients to maxNorm, takes one step at lr, zeroes the gradients; returns the norm before clipping.
     * Each tensor's update is one call into PyTorch's fused Adam kernel sequence rather than ~17 element-wise ops from
     * Java, and the norm waits on the native side once a worker rather than once a tensor (measured in docs/model.md).
     */
    double step(double lr, double maxNorm) {
        double norm = Math.sqrt(parallel.sum(names.size(), this::squaredNorm));
        if (!Double.isFinite(norm)) {
            parallel.sum(names.size(), this::zeroGradients);
            return norm;
        }
        float clip = (float) Math.min(1, maxNorm / (norm + 1e-6));
        steps++;
        double correction1 = 1 - Math.pow(BETA1, steps), correction2 = 1 - Math.pow(BETA2, steps);
        // m / c1 / (sqrt(v / c2) + eps) written as the kernel's (lr sqrt(c2) / c1) m / (sqrt(v) + eps sqrt(c2))
        float correctedLr = (float) (lr * Math.sqrt(correction2) / correction1), correctedEps = (float) (EPS * Math.sqrt(correction2));
        parallel.sum(names.size(), (from, to) -> {
            try (NDScope scope = new NDScope()) { // each getGradient() is a new handle
                scope.suppressNotUsedWarning();
                for (String name : names.subList(from, to)) {
                    PtNDArray p = (PtNDArray) params.get(name);
                    float decay = p.getShape().dimension() >= 2 ? weightDecay : 0;
                    JniUtils.adamUpdate(p, (PtNDArray) p.getGradient(), (PtNDArray) m.get(name), (PtNDArray) v.get(name),
                            (float) lr, correctedLr, decay, clip, NO_CLAMP, BETA1, BETA2, correctedEps, true);
                }
            }
            return zeroGradients(from, to);
        });
        return norm;
    }

    /** The squared gradient norm of tensors [from, to). */
    private double squaredNorm(int from, int to) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDList norms = new NDList(to - from);
            for (String name : names.subList(from, to)) norms.add(params.get(name).getGradient().norm());
            return NDArrays.stack(norms).square().sum().getFloat();
        }
    }

    /** Sets the gradients to zero by assignment: multiplying by 0 would keep an Infinity as NaN and freeze training for good. */
    private double zeroGradients(int from, int to) {
        for (String name : names.subList(from, to)) JniUtils.zeroGrad((PtNDArray) params.get(name));
        return 0;
    }

    long steps() { return steps; }

    /** Moments and step count, for the training checkpoint. */
    Map<String, NDArray> state() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        m.forEach((k, a) -> out.put("adam.m." + k, a));
        v.forEach((k, a) -> out.put("adam.v." + k, a));
        return out;
    }

    void restore(long restoredSteps) {
        this.steps = restoredSteps;
    }
}
