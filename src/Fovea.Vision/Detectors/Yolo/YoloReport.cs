using System.Globalization;
using System.Net;
using System.Text;

namespace Fovea.Vision.Detectors.Yolo;

/// <summary>The HTML report of a detection run, one self-contained file: loss and mAP curves (inline SVG), the
/// epoch table, per-class AP and a grid of images with boxes (embedded PNG).</summary>
public static class YoloReport
{
    /// <summary>Writes the report.</summary>
    /// <param name="path">The .html file (written atomically).</param>
    /// <param name="title">Model name.</param>
    /// <param name="history">Epoch records.</param>
    /// <param name="perClassAP">Class name → AP@[.5:.95] (NaN: no ground truth).</param>
    /// <param name="images">PNG bytes of the image grid.</param>
    public static void Write(string path, string title, IReadOnlyList<YoloEpoch> history,
        IReadOnlyDictionary<string, double> perClassAP, IReadOnlyList<byte[]> images)
    {
        var ci = CultureInfo.InvariantCulture;
        var h = new StringBuilder();
        h.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").Append(WebUtility.HtmlEncode(title))
            .Append(" detection report</title><style>body{font-family:sans-serif;margin:20px}table{border-collapse:" +
                "collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}.grid img{margin:3px;" +
                "border:1px solid #999}</style></head><body>");
        h.Append("<h1>").Append(WebUtility.HtmlEncode(title)).Append(" detection report</h1>");
        var last = history.Count > 0 ? history[^1] : null;
        if (last is not null)
            h.Append(ci, $"<p>After {last.Epoch} epochs: COCO mAP@[.5:.95] <b>{last.MeanAP:F4}</b>, mAP@.5 " +
                $"<b>{last.MeanAP50:F4}</b>; {history.Sum(e => e.Seconds):F0} s of training and evaluation.</p>");
        h.Append("<h2>Curves</h2>");
        h.Append(Chart("training loss", [("total", [.. history.Select(e => e.Loss)], "#d62728"),
            ("box", [.. history.Select(e => e.Box)], "#1f77b4"),
            ("class", [.. history.Select(e => e.Class)], "#2ca02c"),
            ("dfl", [.. history.Select(e => e.Dfl)], "#9467bd")]));
        h.Append(Chart("val mAP", [("mAP@[.5:.95]", [.. history.Select(e => e.MeanAP)], "#d62728"),
            ("mAP@.5", [.. history.Select(e => e.MeanAP50)], "#1f77b4")]));
        h.Append("<h2>Epochs</h2><table><tr><th>epoch</th><th>loss</th><th>box</th><th>class</th><th>dfl</th>" +
            "<th>mAP</th><th>mAP50</th><th>s</th></tr>");
        foreach (var e in history)
            h.Append(ci, $"<tr><td>{e.Epoch}</td><td>{e.Loss:F4}</td><td>{e.Box:F4}</td><td>{e.Class:F4}</td>" +
                $"<td>{e.Dfl:F4}</td><td>{e.MeanAP:F4}</td><td>{e.MeanAP50:F4}</td><td>{e.Seconds:F0}</td></tr>");
        h.Append("</table><h2>Per-class AP@[.5:.95]</h2><table><tr><th>class</th><th>AP</th></tr>");
        foreach (var (name, ap) in perClassAP)
            h.Append("<tr><td>").Append(WebUtility.HtmlEncode(name)).Append("</td><td>")
                .Append(double.IsNaN(ap) || ap < 0 ? "n/a" : ap.ToString("F4", ci)).Append("</td></tr>");
        h.Append("</table><h2>Validation images</h2><p>Green: true boxes; red: predictions with score ≥ 0.3.</p>" +
            "<div class=\"grid\">");
        foreach (var png in images)
            h.Append("<img src=\"data:image/png;base64,").Append(Convert.ToBase64String(png)).Append("\">");
        h.Append("</div></body></html>");
        Fovea.IO.AtomicFile.WriteAllText(path, h.ToString());
    }

    private static string Chart(string title, IReadOnlyList<(string Name, double[] Values, string Color)> series)
    {
        const int w = 480, ht = 240, pad = 40;
        var ci = CultureInfo.InvariantCulture;
        var all = series.SelectMany(s => s.Values).Where(double.IsFinite).ToList();
        double lo = all.Count > 0 ? Math.Min(0, all.Min()) : 0, hi = all.Count > 0 ? all.Max() : 1;
        if (hi <= lo)
            hi = lo + 1;
        int n = series.Max(s => s.Values.Length);
        var sb = new StringBuilder();
        sb.Append(ci, $"<h3>{WebUtility.HtmlEncode(title)}</h3><svg width=\"{w}\" height=\"{ht}\" " +
            $"xmlns=\"http://www.w3.org/2000/svg\"><rect x=\"{pad}\" y=\"10\" width=\"{w - pad - 10}\" " +
            $"height=\"{ht - pad - 10}\" fill=\"none\" stroke=\"#999\"/>");
        sb.Append(ci, $"<text x=\"2\" y=\"16\" font-size=\"10\">{hi:G3}</text><text x=\"2\" y=\"{ht - pad}\" " +
            $"font-size=\"10\">{lo:G3}</text><text x=\"{pad}\" y=\"{ht - pad + 14}\" font-size=\"10\">1</text>" +
            $"<text x=\"{w - 30}\" y=\"{ht - pad + 14}\" font-size=\"10\">{n}</text>");
        int legend = 0;
        foreach (var (name, values, color) in series)
        {
            var pts = values.Select((v, i) => (
                X: pad + (n <= 1 ? 0.5 : (double)i / (n - 1)) * (w - pad - 10),
                Y: 10 + (1 - (v - lo) / (hi - lo)) * (ht - pad - 10)));
            sb.Append(ci, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"")
                .AppendJoin(' ', pts.Select(p => string.Format(ci, "{0:F1},{1:F1}", p.X, p.Y))).Append("\"/>");
            foreach (var p in pts)
                sb.Append(ci, $"<circle cx=\"{p.X:F1}\" cy=\"{p.Y:F1}\" r=\"2.5\" fill=\"{color}\"/>");
            sb.Append(ci, $"<text x=\"{pad + 8 + 110 * legend++}\" y=\"{ht - 8}\" font-size=\"11\" " +
                $"fill=\"{color}\">{WebUtility.HtmlEncode(name)}</text>");
        }
        return sb.Append("</svg>").ToString();
    }
}
