namespace NanoBackprop.Cli;

/// <summary>PNG line charts (ScottPlot).</summary>
public static class Plots
{
    /// <summary>Default size of every chart, in pixels.</summary>
    public const int Width = 900;

    /// <summary>Default height of every chart, in pixels.</summary>
    public const int Height = 500;

    /// <summary>A PNG with one line per series against the sample index.</summary>
    public static byte[] Curves(string title, string xLabel, string yLabel, params (string Name, double[] Values)[] series)
    {
        var plot = new ScottPlot.Plot();
        for (int s = 0; s < series.Length; s++)
        {
            var (name, values) = series[s];
            // Thin long series so that the chart stays light: at most 2,000 points a line.
            int stride = Math.Max(1, values.Length / 2000);
            var xs = new List<double>();
            var ys = new List<double>();
            for (int i = 0; i < values.Length; i += stride)
            {
                xs.Add(i + 1);
                ys.Add(values[i]);
            }

            var line = plot.Add.ScatterLine(xs.ToArray(), ys.ToArray());
            line.LegendText = name;
            line.LineWidth = s == 0 ? 3 : 1.5f;
            // Later series dashed: a fixed-point curve and its double twin often lie on each other.
            if (s > 0)
            {
                line.LinePattern = ScottPlot.LinePattern.Dashed;
            }
        }

        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend();
        return plot.GetImage(Width, Height).GetImageBytes(ScottPlot.ImageFormat.Png, 100);
    }
}
