package dev.kineto.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Exponential moving average of weights; the EMA copy is what gets saved for sampling. */
final class Ema {
    private final List<String> names;
    private final Map<String, NDArray> params;
    private final Map<String, NDArray> average = new LinkedHashMap<>();
    private final double decay;
    private final DataParallel parallel;

    Ema(Map<String, NDArray> params, double decay, DataParallel parallel) {
        this.names = new ArrayList<>(params.keySet());
        this.params = params;
        this.decay = decay;
        this.parallel = parallel;
        params.forEach((name, p) -> average.put(name, p.duplicate()));
    }

    /** Moves the average towards the weights; early steps use a smaller decay so the average does not lag the random init. */
    void update(long step) {
        float d = (float) Math.min(decay, (1.0 + step) / (10.0 + step));
        parallel.sum(names.size(), (from, to) -> {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                for (String name : names.subList(from, to)) average.get(name).muli(d).addi(params.get(name).mul(1 - d));
            }
            return 0;
        });
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
