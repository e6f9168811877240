package dev.kineto.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import java.util.LinkedHashMap;
import java.util.Map;

/** Adam with decoupled weight decay (on matrices and kernels only) and global-norm gradient clipping. */
final class AdamW {
    private static final NDIndex EVERYTHING = new NDIndex("...");
    private static final float BETA1 = 0.9f, BETA2 = 0.99f, EPS = 1e-8f;

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

    /** Clips the gradients to maxNorm, takes one step at lr, zeroes the gradients; returns the norm before clipping. */
    double step(double lr, double maxNorm) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            double sumSquares = 0;
            for (NDArray p : params.values()) sumSquares += p.getGradient().square().sum().getFloat();
            double norm = Math.sqrt(sumSquares);
            if (!Double.isFinite(norm)) {
                zeroGradients();
                return norm;
            }
            float clip = (float) Math.min(1, maxNorm / (norm + 1e-6));
            steps++;
            float correction1 = (float) (1 - Math.pow(BETA1, steps)), correction2 = (float) (1 - Math.pow(BETA2, steps));
            for (var entry : params.entrySet()) {
                NDArray p = entry.getValue(), g = p.getGradient().mul(clip);
                NDArray mi = m.get(entry.getKey()), vi = v.get(entry.getKey());
                mi.muli(BETA1).addi(g.mul(1 - BETA1));
                vi.muli(BETA2).addi(g.square().mul(1 - BETA2));
                if (weightDecay > 0 && p.getShape().dimension() >= 2) p.subi(p.mul((float) (lr * weightDecay)));
                p.subi(mi.div(correction1).div(vi.div(correction2).sqrt().add(EPS)).mul((float) lr));
            }
            zeroGradients();
            return norm;
        }
    }

    /** Sets the gradients to zero by assignment: multiplying by 0 would keep an Infinity as NaN and freeze training for good. */
    private void zeroGradients() {
        for (NDArray p : params.values()) p.getGradient().set(EVERYTHING, 0);
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
