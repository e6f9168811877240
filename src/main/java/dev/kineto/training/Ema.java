package dev.kineto.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.LinkedHashMap;
import java.util.Map;

/** Exponential moving average of weights; the EMA copy is what gets saved for sampling. */
final class Ema {
    private final Map<String, NDArray> params;
    private final Map<String, NDArray> average = new LinkedHashMap<>();
    private final double decay;

    Ema(Map<String, NDArray> params, double decay) {
        this.params = params;
        this.decay = decay;
        params.forEach((name, p) -> average.put(name, p.duplicate()));
    }

    /** Moves the average towards the weights; early steps use a smaller decay so the average does not lag the random init. */
    void update(long step) {
        float d = (float) Math.min(decay, (1.0 + step) / (10.0 + step));
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            params.forEach((name, p) -> average.get(name).muli(d).addi(p.mul(1 - d)));
        }
    }

    /** The averaged weights by parameter name. */
    Map<String, NDArray> weights() { return average; }

    /** The averaged weights under "ema." names, for the training checkpoint. */
    Map<String, NDArray> state() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        average.forEach((k, a) -> out.put("ema." + k, a));
        return out;
    }
}
