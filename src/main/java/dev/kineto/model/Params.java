package dev.kineto.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** The named weights of a model, owned by one NDManager; layers create their weights here and keep references. */
public final class Params implements AutoCloseable {
    private final NDManager manager;
    private final Map<String, NDArray> arrays = new LinkedHashMap<>();
    private final SplittableRandom rng;

    public Params(NDManager manager, long seed) {
        this.manager = manager;
        this.rng = new SplittableRandom(seed);
    }

    public NDManager manager() { return manager; }

    /** Every weight by name, in creation order. */
    public Map<String, NDArray> arrays() { return Collections.unmodifiableMap(arrays); }

    /** A weight drawn from N(0, std²) (std 0 gives zeros), deterministic for the params' seed. */
    public NDArray normal(String name, double std, long... shape) {
        if (std == 0) return add(name, manager.zeros(new Shape(shape)));
        NDArray unit = Noise.gaussian(manager, new Shape(shape), rng);
        NDArray scaled = unit.mul((float) std);
        unit.close();
        return add(name, scaled);
    }

    /** A weight filled with one value (norm gains 1, biases 0). */
    public NDArray constant(String name, float value, long... shape) {
        return add(name, manager.full(new Shape(shape), value));
    }

    private NDArray add(String name, NDArray array) {
        if (arrays.containsKey(name)) throw new IllegalStateException("duplicate parameter name " + name);
        array.setName(name);
        arrays.put(name, array);
        return array;
    }

    /** Total number of scalar weights. */
    public long count() {
        return arrays.values().stream().mapToLong(NDArray::size).sum();
    }

    @Override
    public void close() {
        manager.close();
    }
}
