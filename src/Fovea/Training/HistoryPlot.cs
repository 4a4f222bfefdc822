using Fovea.IO;
using ScottPlot;

namespace Fovea.Training;

/// <summary>Draws a <see cref="History"/> with ScottPlot: one panel per quantity, train vs validation.</summary>
internal static class HistoryPlot
{
    public static void Save(History history, string path, string metric, int width, int height)
    {
        byte[] png = Render(history, metric, width, height);
        AtomicFile.Write(path, s => s.Write(png));
    }

    /// <summary>The two-panel figure as PNG bytes.</summary>
    public static byte[] Render(History history, string metric, int width, int height)
    {
        if (history.Epochs.Count == 0)
            throw new FoveaException("History.SavePlot: nothing was logged yet");
        var multiplot = new ScottPlot.Multiplot();
        multiplot.AddPlots(2);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        Panel(multiplot.GetPlot(0), history, metric, Title(metric));
        Panel(multiplot.GetPlot(1), history, "loss", "Loss");
        return multiplot.Render(width, height).GetImageBytes(ScottPlot.ImageFormat.Png);
    }

    private static void Panel(ScottPlot.Plot plot, History history, string key, string title)
    {
        double[] xs = history.Epochs.Select(e => (double)(e + 1)).ToArray();
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel(key);
        bool any = false;
        if (history.Values.TryGetValue(key, out var train))
        {
            var s = plot.Add.Scatter(xs, train.ToArray());
            s.LegendText = "train";
            s.LineWidth = 2;
            any = true;
        }
        if (history.Values.TryGetValue("val_" + key, out var val))
        {
            var s = plot.Add.Scatter(xs, val.ToArray());
            s.LegendText = "validation";
            s.LineWidth = 2;
            any = true;
        }
        if (any)
        {
            // Rising curves (accuracy) leave the lower right free, falling ones (loss) the upper right.
            plot.ShowLegend(key.Contains("accuracy", StringComparison.Ordinal) ? Alignment.LowerRight : Alignment.UpperRight);
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        if (key.Contains("accuracy", StringComparison.Ordinal))
        {
            var all = (train ?? []).Concat(val ?? []).Where(double.IsFinite).DefaultIfEmpty(0.5);
            plot.Axes.SetLimitsY(Math.Max(0, all.Min() - 0.05), Math.Min(1.0, all.Max() + 0.05));
        }
    }

    private static string Title(string key) =>
        key.Length == 0 ? key : char.ToUpperInvariant(key[0]) + key[1..].Replace('_', ' ');
}
