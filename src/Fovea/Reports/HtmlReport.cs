using System.Globalization;
using System.Net;
using System.Text;
using Fovea.Data;
using Fovea.IO;
using Fovea.Models;
using Fovea.Tensors;
using Fovea.Training;

namespace Fovea.Reports;

/// <summary>
/// A self-contained HTML page about a trained model (images embedded as PNG data URLs, no scripts): the training
/// curves, the test metrics, the confusion matrix, per-class accuracy, and a grid of the test images the model got most
/// confidently wrong with their true and predicted labels. Built only from the public API.
/// </summary>
public static class HtmlReport
{
    public static void Save(string path, Model model, Dataset test, History? history = null, int confusedImages = 24,
        string? title = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(test);
        var probabilities = model.Predict(test.Features);
        int classes = probabilities.Shape[-1];
        var names = test.ClassNames ?? Enumerable.Range(0, classes).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();
        var (predicted, confidence) = ArgMax(probabilities);
        var truth = Labels(test.Labels, classes);
        var confusion = new int[classes, classes];
        for (int i = 0; i < truth.Length; i++)
            confusion[truth[i], predicted[i]]++;
        double accuracy = truth.Where((t, i) => t == predicted[i]).Count() / (double)Math.Max(1, truth.Length);

        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
            .Append(Encode(title ?? $"Fovea report: {model.Name}")).Append("</title>\n<style>").Append(Css).Append("</style></head><body>\n");
        html.Append("<h1>").Append(Encode(title ?? $"Fovea report: {model.Name}")).Append("</h1>\n");
        html.Append(F($"<p class=\"headline\">Test accuracy <b>{accuracy:P2}</b> on {truth.Length:N0} images, {classes} classes; ")
            ).Append(F($"{model.TrainableWeights.Sum(w => (long)w.Length):N0} trainable parameters.</p>\n"));
        if (history is { Epochs.Count: > 0 })
        {
            html.Append("<h2>Training curves</h2>\n<img class=\"curves\" alt=\"training curves\" src=\"data:image/png;base64,")
                .Append(Convert.ToBase64String(HistoryPlot.Render(history, "accuracy", 1200, 450))).Append("\">\n");
        }
        AppendConfusion(html, confusion, names);
        AppendPerClass(html, confusion, names);
        AppendConfused(html, test, truth, predicted, confidence, names, confusedImages);
        html.Append("</body></html>\n");
        AtomicFile.WriteAllText(path, html.ToString());
    }

    private static void AppendConfusion(StringBuilder html, int[,] m, IReadOnlyList<string> names)
    {
        int k = names.Count;
        html.Append("<h2>Confusion matrix</h2>\n<p>Rows: true class; columns: predicted class.</p>\n<table class=\"confusion\"><tr><th></th>");
        foreach (var n in names)
            html.Append("<th class=\"rot\"><div>").Append(Encode(n)).Append("</div></th>");
        html.Append("</tr>\n");
        for (int t = 0; t < k; t++)
        {
            int rowTotal = 0;
            for (int p = 0; p < k; p++)
                rowTotal += m[t, p];
            html.Append("<tr><th>").Append(Encode(names[t])).Append("</th>");
            for (int p = 0; p < k; p++)
            {
                double share = rowTotal == 0 ? 0 : m[t, p] / (double)rowTotal;
                string color = t == p ? $"rgba(46,125,50,{0.15 + 0.85 * share:F2})" : $"rgba(198,40,40,{Math.Min(1, 3 * share):F2})";
                html.Append(F($"<td style=\"background:{color}\">{m[t, p]}</td>"));
            }
            html.Append("</tr>\n");
        }
        html.Append("</table>\n");
    }

    private static void AppendPerClass(StringBuilder html, int[,] m, IReadOnlyList<string> names)
    {
        html.Append("<h2>Per-class accuracy</h2>\n<table class=\"perclass\">\n");
        for (int t = 0; t < names.Count; t++)
        {
            int total = 0;
            for (int p = 0; p < names.Count; p++)
                total += m[t, p];
            double acc = total == 0 ? 0 : m[t, t] / (double)total;
            html.Append("<tr><th>").Append(Encode(names[t])).Append(F($"</th><td class=\"num\">{acc:P1}</td><td><div class=\"bar\" style=\"width:{300 * acc:F0}px\"></div></td></tr>\n"));
        }
        html.Append("</table>\n");
    }

    private static void AppendConfused(StringBuilder html, Dataset test, int[] truth, int[] predicted, float[] confidence,
        IReadOnlyList<string> names, int count)
    {
        var wrong = Enumerable.Range(0, truth.Length).Where(i => truth[i] != predicted[i])
            .OrderByDescending(i => confidence[i]).Take(count).ToList();
        html.Append("<h2>Most confused test images</h2>\n<p>The wrong predictions made with the highest confidence.</p>\n<div class=\"grid\">\n");
        foreach (int i in wrong)
        {
            var (png, _, _) = ImageGrid.ToPng(test.Features.SliceRows(i, 1), columns: 1, scale: 3, gap: 0);
            html.Append("<figure><img alt=\"test image ").Append(i).Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(png))
                .Append("\"><figcaption>true: <b>").Append(Encode(names[truth[i]])).Append("</b><br>predicted: <b class=\"wrong\">")
                .Append(Encode(names[predicted[i]])).Append(F($"</b> ({confidence[i]:P0})</figcaption></figure>\n"));
        }
        if (wrong.Count == 0)
            html.Append("<p>No test image was misclassified.</p>\n");
        html.Append("</div>\n");
    }

    private static (int[] Predicted, float[] Confidence) ArgMax(Tensor p)
    {
        int classes = p.Shape[-1], rows = p.Length / classes;
        var s = p.AsReadOnlySpan();
        var pred = new int[rows];
        var conf = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            var row = s.Slice(r * classes, classes);
            int best = 0;
            for (int j = 1; j < classes; j++)
            {
                if (row[j] > row[best])
                    best = j;
            }
            pred[r] = best;
            conf[r] = row[best];
        }
        return (pred, conf);
    }

    private static int[] Labels(Tensor labels, int classes)
    {
        if (labels.Rank == 2 && labels.Shape[1] == classes)
            return ArgMax(labels).Predicted;
        return labels.ToArray().Select(v => (int)v).ToArray();
    }

    private static string Encode(string s) => WebUtility.HtmlEncode(s);

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private const string Css = """
        body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px 40px;color:#222;max-width:1300px}
        h1{font-size:26px;margin-bottom:4px} h2{font-size:19px;margin-top:32px;border-bottom:1px solid #ddd;padding-bottom:4px}
        .headline{font-size:16px} img.curves{width:100%;max-width:1200px;border:1px solid #ddd}
        table{border-collapse:collapse;font-size:13px} .confusion td{width:46px;height:30px;text-align:center;border:1px solid #eee}
        .confusion th{padding:2px 8px;text-align:right;font-weight:600} th.rot{height:110px;vertical-align:bottom}
        th.rot div{transform:rotate(-55deg);width:30px;white-space:nowrap;transform-origin:left bottom;margin-left:20px}
        .perclass th{text-align:right;padding:3px 10px;font-weight:600} .perclass td.num{width:60px;text-align:right;padding-right:8px}
        .bar{height:14px;background:#1976d2;border-radius:2px}
        .grid{display:flex;flex-wrap:wrap;gap:12px} figure{margin:0;width:110px;text-align:center;font-size:12px}
        figure img{width:84px;height:84px;image-rendering:pixelated;border:1px solid #ccc} .wrong{color:#c62828}
        """;
}
