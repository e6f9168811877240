package dev.kineto.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.LinkedHashMap;
import java.util.Map;

/** Adam with decoupled weight decay (on matrices and kernels only) and global-norm gradient clipping. */
final class AdamW {
    private static final float BETA1 = 0.9f, BETA2 = 0.99f, EPS = 1e-8f, NO_CLAMP = -1f;

    private final Map<String, NDArray> params;
    private final Map<String, NDArray> m = new LinkedHashMap<>(), v = new LinkedHashMap<>();
    private final float weightDecay;
    private long steps;

    AdamW(Map<String, NDArray> params, float weightDecay) {
        this.params = params;
        this.weightDecay = weightDecay;
        params.forEach((name, p) -> {
            p.setRequiresGradient(true);
            m.put(name, p.zerosLike());
            v.put(name, p.zerosLike());
        });
    }

    /**
     * Clips the gradients to maxNorm, takes one step at lr, zeroes the gradients; returns the norm before clipping.
     * Each tensor's update is one call into PyTorch's fused Adam kernel sequence rather than ~17 element-wise ops from
     * Java, and the norm waits on the native side once rather than once a tensor (measured in docs/model.md).
     */
    double step(double lr, double maxNorm) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDList norms = new NDList(params.size());
            for (NDArray p : params.values()) norms.add(p.getGradient().norm());
            double norm = NDArrays.stack(norms).norm().getFloat();
            if (!Double.isFinite(norm)) {
                zeroGradients();
                return norm;
            }
            float clip = (float) Math.min(1, maxNorm / (norm + 1e-6));
            steps++;
            double correction1 = 1 - Math.pow(BETA1, steps), correction2 = 1 - Math.pow(BETA2, steps);
            // m / c1 / (sqrt(v / c2) + eps) written as the kernel's (lr sqrt(c2) / c1) m / (sqrt(v) + eps sqrt(c2))
            float correctedLr = (float) (lr * Math.sqrt(correction2) / correction1), correctedEps = (float) (EPS * Math.sqrt(correction2));
            for (var entry : params.entrySet()) {
                PtNDArray p = (PtNDArray) entry.getValue();
                float decay = p.getShape().dimension() >= 2 ? weightDecay : 0;
                JniUtils.adamUpdate(p, (PtNDArray) p.getGradient(), (PtNDArray) m.get(entry.getKey()), (PtNDArray) v.get(entry.getKey()),
                        (float) lr, correctedLr, decay, clip, NO_CLAMP, BETA1, BETA2, correctedEps, true);
            }
            zeroGradients();
            return norm;
        }
    }

    /** Sets the gradients to zero by assignment: multiplying by 0 would keep an Infinity as NaN and freeze training for good. */
    private void zeroGradients() {
        for (NDArray p : params.values()) JniUtils.zeroGrad((PtNDArray) p);
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
