package dev.kineto.model;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kineto.video.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Tensors in the safetensors format (8-byte little-endian header length, JSON header, raw little-endian data), F32,
 * with a CRC32 of the data in the metadata so a damaged file is caught rather than loaded as garbage.
 */
public final class Checkpoint {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Checkpoint() {}

    /** One stored tensor. */
    public record Tensor(long[] shape, float[] data) {}

    /** A checkpoint file that cannot be used; the message names the file and what is wrong. */
    public static final class CheckpointException extends IOException {
        public CheckpointException(Path file, String problem) {
            super("checkpoint " + file + ": " + problem);
        }
    }

    /** Writes the arrays (atomically). */
    public static void write(Path file, Map<String, NDArray> arrays) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        arrays.forEach((name, array) -> tensors.put(name, new Tensor(array.getShape().getShape(), array.toFloatArray())));
        writeTensors(file, tensors);
    }

    /** Writes tensors (atomically). */
    public static void writeTensors(Path file, Map<String, Tensor> tensors) throws IOException {
        long offset = 0;
        ObjectNode header = JSON.createObjectNode();
        for (var entry : tensors.entrySet()) {
            ObjectNode node = header.putObject(entry.getKey());
            node.put("dtype", "F32");
            var shape = node.putArray("shape");
            for (long d : entry.getValue().shape()) shape.add(d);
            long end = offset + 4L * entry.getValue().data().length;
            node.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(offset)).order(ByteOrder.LITTLE_ENDIAN);
        for (Tensor t : tensors.values()) {
            data.asFloatBuffer().put(t.data());
            data.position(data.position() + 4 * t.data().length);
        }
        CRC32 crc = new CRC32();
        crc.update(data.array());
        header.putObject("__metadata__").put("format", "pt").put("crc32", Long.toHexString(crc.getValue()));
        byte[] headerBytes = JSON.writeValueAsBytes(header);
        int padded = (headerBytes.length + 7) / 8 * 8;
        ByteBuffer out = ByteBuffer.allocate(8 + padded + data.capacity()).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(headerBytes);
        for (int i = headerBytes.length; i < padded; i++) out.put((byte) ' ');
        out.put(data.array());
        AtomicFiles.write(file, out.array());
    }

    /** Reads every tensor, checking the header, the sizes and the checksum. */
    public static Map<String, Tensor> read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file, "file not found");
        }
        if (bytes.length < 8) throw new CheckpointException(file, "truncated: " + bytes.length + " bytes, not even a header length");
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = buffer.getLong();
        if (headerLength < 2 || headerLength > bytes.length - 8) {
            throw new CheckpointException(file, "truncated or not a safetensors file (header length " + headerLength + ", file " + bytes.length + " bytes)");
        }
        JsonNode header;
        try {
            header = JSON.readTree(new String(bytes, 8, (int) headerLength, java.nio.charset.StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new CheckpointException(file, "corrupt header, not valid JSON");
        }
        int dataStart = 8 + (int) headerLength;
        String crc = header.path("__metadata__").path("crc32").asText(null);
        if (crc != null) {
            CRC32 actual = new CRC32();
            actual.update(bytes, dataStart, bytes.length - dataStart);
            if (!Long.toHexString(actual.getValue()).equals(crc)) throw new CheckpointException(file, "corrupt: the data's checksum does not match (damaged or truncated file)");
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (var it = header.properties().iterator(); it.hasNext(); ) {
            var entry = it.next();
            if (entry.getKey().equals("__metadata__")) continue;
            JsonNode node = entry.getValue();
            if (!"F32".equals(node.path("dtype").asText())) {
                throw new CheckpointException(file, "tensor " + entry.getKey() + " has dtype " + node.path("dtype").asText() + "; only F32 is supported");
            }
            long[] shape = new long[node.path("shape").size()];
            for (int i = 0; i < shape.length; i++) shape[i] = node.path("shape").get(i).asLong();
            long begin = node.path("data_offsets").path(0).asLong(-1), end = node.path("data_offsets").path(1).asLong(-1);
            long elements = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            if (begin < 0 || end - begin != 4 * elements) throw new CheckpointException(file, "tensor " + entry.getKey() + " has offsets that do not match its shape");
            if (dataStart + end > bytes.length) throw new CheckpointException(file, "truncated: tensor " + entry.getKey() + " ends past the end of the file");
            float[] data = new float[(int) elements];
            ByteBuffer.wrap(bytes, dataStart + (int) begin, (int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
            tensors.put(entry.getKey(), new Tensor(shape, data));
        }
        return tensors;
    }

    /** Copies tensors into arrays of the same names and shapes; any difference is an error naming the tensor. */
    public static void load(Path file, Map<String, Tensor> tensors, Map<String, NDArray> into) throws CheckpointException {
        for (var entry : into.entrySet()) {
            Tensor t = tensors.get(entry.getKey());
            if (t == null) throw new CheckpointException(file, "missing tensor " + entry.getKey() + " (the checkpoint is for a different model configuration)");
            long[] expected = entry.getValue().getShape().getShape();
            if (!Arrays.equals(expected, t.shape())) {
                throw new CheckpointException(file, "tensor " + entry.getKey() + " has shape " + Arrays.toString(t.shape()) + " but the model expects "
                        + Arrays.toString(expected) + " (mismatched configuration)");
            }
            entry.getValue().set(t.data());
        }
    }
}
