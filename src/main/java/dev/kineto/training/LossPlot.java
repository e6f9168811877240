package dev.kineto.training;

import dev.kineto.video.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Loss curves as PNG. */
final class LossPlot {
    private LossPlot() {}

    /** Plots loss against step (log-scale loss) into file. */
    static void write(Path file, String title, List<double[]> points) throws IOException {
        if (points.size() < 2) return;
        XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle("step").yAxisTitle("loss").build();
        chart.getStyler().setYAxisLogarithmic(true).setLegendVisible(false);
        double[] x = points.stream().mapToDouble(p -> p[0]).toArray(), y = points.stream().mapToDouble(p -> Math.max(p[1], 1e-6)).toArray();
        chart.addSeries("loss", x, y).setMarker(SeriesMarkers.NONE);
        AtomicFiles.write(file, tmp -> BitmapEncoder.saveBitmap(chart, tmp.toString(), BitmapEncoder.BitmapFormat.PNG));
    }
}
