using System.Globalization;
using System.Net;
using System.Text;
using Fovea.IO;
using Fovea.Models;
using Fovea.Tensors;
using Fovea.Training;

namespace Fovea.Vision.Segmentation;

/// <summary>
/// A self-contained HTML page about a trained segmentation model on a held-out split: loss and mIoU curves, mIoU,
/// pixel accuracy and mean Dice from one confusion matrix over the whole split, a per-class IoU and Dice table, and a
/// grid of image / true mask / predicted mask overlays.
/// </summary>
public static class SegmentationReport
{
    /// <summary>Evaluates <paramref name="model"/> on <paramref name="images"/> [N, 3, H, W] against
    /// <paramref name="masks"/> [N, H, W] and writes the page to <paramref name="path"/> (atomically).</summary>
    /// <param name="path">The HTML file.</param>
    /// <param name="model">A model giving logits [N, classes, H, W].</param>
    /// <param name="images">The split's images.</param>
    /// <param name="masks">The split's class maps.</param>
    /// <param name="classNames">A name per class (background first).</param>
    /// <param name="history">Training history (curves of loss and mean_iou), or null.</param>
    /// <param name="ignoreIndex">Mask value left out of the scores.</param>
    /// <param name="samples">Rows in the overlay grid.</param>
    /// <returns>The confusion matrix over the whole split.</returns>
    public static ConfusionMatrix Save(string path, Model model, Tensor images, Tensor masks,
        IReadOnlyList<string> classNames, History? history = null, int ignoreIndex = 255, int samples = 8)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(masks);
        ArgumentNullException.ThrowIfNull(classNames);
        var (matrix, predicted) = Evaluate(model, images, masks, classNames.Count, ignoreIndex);
        int h = images.Shape[2], w = images.Shape[3], plane = h * w;
        var html = new StringBuilder();
        string title = $"Fovea segmentation report: {model.Name}";
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(Encode(title))
            .Append("</title>\n<style>").Append(Css).Append("</style></head><body>\n<h1>").Append(Encode(title))
            .Append("</h1>\n");
        html.Append(F($"<p class=\"headline\">Validation mIoU <b>{matrix.MeanIoU:F4}</b>, pixel accuracy ")).Append(
            F($"{matrix.PixelAccuracy:F4}, mean Dice {matrix.MeanDice:F4} on {images.Shape[0]} images {w}×{h} "))
            .Append(F($"(one confusion matrix over the split, {matrix.Total:N0} scored pixels).</p>\n"));
        if (history is { Epochs.Count: > 0 })
        {
            string plot = path + ".curves.png";
            history.SavePlot(plot, "mean_iou");
            html.Append("<h2>Training curves</h2>\n<img class=\"curves\" alt=\"mIoU and loss\" src=\"data:image/png;")
                .Append("base64,").Append(Convert.ToBase64String(File.ReadAllBytes(plot))).Append("\">\n");
            File.Delete(plot);
        }
        var iou = matrix.IoU();
        var dice = matrix.Dice();
        html.Append("<h2>Per-class IoU</h2>\n<table><tr><th>class</th><th>colour</th><th>IoU</th><th>Dice</th>")
            .Append("<th>true pixels</th></tr>\n");
        for (int k = 0; k < classNames.Count; k++)
        {
            long support = 0;
            for (int j = 0; j < classNames.Count; j++)
                support += matrix[k, j];
            var (r, g, b) = SegmentationImages.Color(k);
            html.Append(F($"<tr><td>{k} {Encode(classNames[k])}</td><td style=\"background:rgb({r},{g},{b})\"></td>"))
                .Append(F($"<td>{iou[k]:F4}</td><td>{dice[k]:F4}</td><td>{support:N0}</td></tr>\n"));
        }
        html.Append("</table>\n<h2>Samples</h2>\n<p>Image, true mask, predicted mask (overlays; colours as in the ")
            .Append("table).</p>\n<table class=\"grid\"><tr><th>image</th><th>true</th><th>predicted</th></tr>\n");
        var x = images.AsReadOnlySpan();
        var y = masks.AsReadOnlySpan();
        for (int i = 0; i < Math.Min(samples, images.Shape[0]); i++)
        {
            var chw = x.Slice(i * 3 * plane, 3 * plane);
            html.Append("<tr>");
            Cell(html, SegmentationImages.EncodePng(chw, h, w));
            Cell(html, SegmentationImages.EncodePng(SegmentationImages.Overlay(chw, y.Slice(i * plane, plane), h, w),
                h, w));
            Cell(html, SegmentationImages.EncodePng(SegmentationImages.Overlay(chw,
                predicted.AsSpan(i * plane, plane), h, w), h, w));
            html.Append("</tr>\n");
        }
        html.Append("</table>\n</body></html>\n");
        AtomicFile.WriteAllText(path, html.ToString());
        return matrix;
    }

    /// <summary>One confusion matrix over the whole split, and the predicted class maps [N·H·W].</summary>
    public static (ConfusionMatrix Matrix, float[] Predicted) Evaluate(Model model, Tensor images, Tensor masks,
        int classes, int ignoreIndex = 255, int batchSize = 16)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(masks);
        var matrix = new ConfusionMatrix(classes, ignoreIndex);
        int n = images.Shape[0], plane = images.Shape[2] * images.Shape[3];
        var predicted = new float[n * plane];
        for (int start = 0; start < n; start += batchSize)
        {
            int count = Math.Min(batchSize, n - start);
            var batch = Tensor.FromArray(images.AsReadOnlySpan().Slice(start * 3 * plane, count * 3 * plane),
                [count, 3, images.Shape[2], images.Shape[3]]);
            var labels = SegmentationImages.ArgMax(model.Predict(batch, batchSize));
            labels.CopyTo(predicted.AsSpan(start * plane));
            matrix.Update(Tensor.FromArray(labels, [count, images.Shape[2], images.Shape[3]]),
                Tensor.FromArray(masks.AsReadOnlySpan().Slice(start * plane, count * plane),
                    [count, images.Shape[2], images.Shape[3]]));
        }
        return (matrix, predicted);
    }

    private static void Cell(StringBuilder html, byte[] png) =>
        html.Append("<td><img alt=\"\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(png))
            .Append("\"></td>");

    private static string Encode(string s) => WebUtility.HtmlEncode(s);

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private const string Css = "body{font-family:system-ui,sans-serif;margin:2em;max-width:1300px}" +
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}" +
        ".grid img{width:192px;image-rendering:pixelated}.curves{max-width:100%}.headline{font-size:1.15em}";
}
