using System.Globalization;
using System.Net;
using System.Text;
using Fovea.Tensors;

namespace Fovea.Explain;

/// <summary>
/// One self-contained HTML page per explanation set: a table with a row per image (its caption, the image, then one
/// heatmap overlay per method, PNGs embedded as data URIs) and, optionally, a table of named scores (deletion and
/// insertion AUC, randomisation correlations).
/// </summary>
public static class ExplanationPage
{
    /// <summary>Writes the page to <paramref name="path"/>.</summary>
    /// <param name="path">The .html file.</param>
    /// <param name="title">Page title.</param>
    /// <param name="images">Images [N, 1 or 3, H, W].</param>
    /// <param name="methods">Method name → attributions [N, ...] (maps [N, 1, h, w] or [N, C, H, W]).</param>
    /// <param name="captions">One caption per image (e.g. "label: Sneaker, predicted: Sneaker"); null for none.</param>
    /// <param name="scores">Rows of a score table: row name → column name → value; null for none.</param>
    /// <param name="scale">Enlargement of each picture.</param>
    public static void Write(string path, string title, Tensor images,
        IReadOnlyList<(string Name, Tensor Attributions)> methods, IReadOnlyList<string>? captions = null,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>>? scores = null, int scale = 4)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(methods);
        int n = images.Shape[0], sample = images.Length / n;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").Append(Enc(title))
            .Append("</title><style>body{font-family:sans-serif}td,th{padding:4px;text-align:center}</style>")
            .Append("</head><body><h1>")
            .Append(Enc(title)).Append("</h1><table><tr><th></th><th>image</th>");
        foreach (var (name, _) in methods)
            html.Append("<th>").Append(Enc(name)).Append("</th>");
        html.Append("</tr>");
        var pixelMaps = methods.Select(m => Overlay.PixelMaps(m.Attributions)).ToList();
        for (int i = 0; i < n; i++)
        {
            var image = Tensor.FromArray(images.AsReadOnlySpan().Slice(i * sample, sample),
                images.Shape.WithoutBatch());
            html.Append("<tr><td>").Append(Enc(captions?[i] ?? $"#{i}")).Append("</td>");
            html.Append(Img(Overlay.ToPng(image, null, scale: scale)));
            foreach (var maps in pixelMaps)
            {
                int plane = maps.Shape[1] * maps.Shape[2];
                var map = Tensor.FromArray(maps.AsReadOnlySpan().Slice(i * plane, plane),
                    [maps.Shape[1], maps.Shape[2]]);
                html.Append(Img(Overlay.ToPng(image, map, scale: scale)));
            }
            html.Append("</tr>");
        }
        html.Append("</table>");
        if (scores is { Count: > 0 })
        {
            var columns = scores.Values.SelectMany(r => r.Keys).Distinct().ToList();
            html.Append("<h2>Scores</h2><table border=\"1\"><tr><th></th>");
            foreach (string col in columns)
                html.Append("<th>").Append(Enc(col)).Append("</th>");
            html.Append("</tr>");
            foreach (var (row, values) in scores)
            {
                html.Append("<tr><th>").Append(Enc(row)).Append("</th>");
                foreach (string col in columns)
                {
                    html.Append("<td>").Append(values.TryGetValue(col, out double v)
                        ? v.ToString("F3", CultureInfo.InvariantCulture) : "").Append("</td>");
                }
                html.Append("</tr>");
            }
            html.Append("</table>");
        }
        html.Append("</body></html>");
        File.WriteAllText(path, html.ToString());
    }

    private static string Img(byte[] png) =>
        $"<td><img src=\"data:image/png;base64,{Convert.ToBase64String(png)}\"></td>";

    private static string Enc(string s) => WebUtility.HtmlEncode(s);
}
