using System.Globalization;
using System.Net;
using System.Text;

namespace Fovea.Tuning;

/// <summary>
/// A self-contained HTML report of a study: the objective over trials (each trial and the best so far), parallel
/// coordinates of the hyperparameters coloured by score, and a table of the best trials. Inline SVG, no scripts.
/// </summary>
public static class TuningReport
{
    private const int Width = 900, Height = 320, Pad = 50;

    /// <summary>Writes the report of <paramref name="study"/> to <paramref name="path"/>.</summary>
    public static void Save(string path, Study study, int bestCount = 10)
    {
        ArgumentNullException.ThrowIfNull(study);
        File.WriteAllText(path, Render(study, bestCount));
    }

    /// <summary>The report as an HTML string.</summary>
    public static string Render(Study study, int bestCount = 10)
    {
        ArgumentNullException.ThrowIfNull(study);
        var scored = study.Trials.Where(t => t.Score is not null).OrderBy(t => t.Number).ToList();
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Fovea tuning report</title><style>")
          .Append("body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}")
          .Append("</style></head><body>");
        sb.Append($"<h1>Tuning report</h1><p>Strategy <b>{Enc(study.Oracle.Name)}</b>, seed {study.Oracle.Seed}, objective <b>")
          .Append($"{Enc(study.Objective.Name)}</b> ({study.Objective.Direction.ToString().ToLowerInvariant()}), ")
          .Append($"{study.FinishedCount} of {study.MaxTrials} trials finished ")
          .Append($"({study.Trials.Count(t => t.Status == TrialStatus.Completed)} completed, ")
          .Append($"{study.Trials.Count(t => t.Status == TrialStatus.Pruned)} pruned, {study.Trials.Count(t => t.Status == TrialStatus.Failed)} failed).</p>");
        sb.Append("<h2>Objective over trials</h2>").Append(ObjectivePlot(study, scored));
        sb.Append("<h2>Parallel coordinates</h2><p>One line per trial, one axis per hyperparameter (absent: not drawn); ")
          .Append("colour from worst (red) to best (green).</p>").Append(ParallelCoordinates(study, scored));
        sb.Append("<h2>Best trials</h2><table><tr><th>trial</th><th>score</th><th>seconds</th><th>hyperparameters</th></tr>");
        foreach (var t in study.BestTrials(bestCount))
            sb.Append($"<tr><td>{t.Number}</td><td>{F(t.Score!.Value)}</td><td>{t.Seconds.ToString("F1", CultureInfo.InvariantCulture)}</td><td style=\"text-align:left\">")
              .Append(Enc(string.Join(", ", t.Values.Select(kv => $"{kv.Key}={HyperParameter.Format(kv.Value)}")))).Append("</td></tr>");
        sb.Append("</table></body></html>\n");
        return sb.ToString();
    }

    private static string ObjectivePlot(Study study, List<Trial> scored)
    {
        var sb = new StringBuilder($"<svg width=\"{Width}\" height=\"{Height}\" xmlns=\"http://www.w3.org/2000/svg\">");
        sb.Append($"<rect x=\"{Pad}\" y=\"10\" width=\"{Width - Pad - 10}\" height=\"{Height - Pad - 10}\" fill=\"none\" stroke=\"#999\"/>");
        if (scored.Count > 0)
        {
            double lo = scored.Min(t => t.Score!.Value), hi = scored.Max(t => t.Score!.Value);
            if (hi - lo < 1e-12)
                hi = lo + 1;
            int maxN = Math.Max(1, scored.Max(t => t.Number));
            double X(int n) => Pad + (Width - Pad - 20) * n / (double)maxN + 5;
            double Y(double v) => 10 + (Height - Pad - 10) * (1 - (v - lo) / (hi - lo));
            var best = new List<string>();
            double? running = null;
            foreach (var t in scored)
            {
                double v = t.Score!.Value;
                string colour = t.Status == TrialStatus.Pruned ? "#f90" : "#36c";
                sb.Append($"<circle cx=\"{F(X(t.Number))}\" cy=\"{F(Y(v))}\" r=\"4\" fill=\"{colour}\"><title>trial {t.Number}: {F(v)}</title></circle>");
                if (t.Status == TrialStatus.Completed && (running is null || study.Objective.IsBetter(v, running.Value)))
                    running = v;
                if (running is double r)
                    best.Add($"{F(X(t.Number))},{F(Y(r))}");
            }
            sb.Append($"<polyline points=\"{string.Join(' ', best)}\" fill=\"none\" stroke=\"#2a2\" stroke-width=\"2\"/>");
            sb.Append($"<text x=\"5\" y=\"20\" font-size=\"11\">{F(hi)}</text><text x=\"5\" y=\"{Height - Pad}\" font-size=\"11\">{F(lo)}</text>");
        }
        sb.Append($"<text x=\"{Width / 2}\" y=\"{Height - 15}\" font-size=\"12\">trial (blue: completed, orange: pruned, green: best so far)</text>");
        return sb.Append("</svg>").ToString();
    }

    private static string ParallelCoordinates(Study study, List<Trial> scored)
    {
        var axes = study.Space.Space.Where(p => p.IsTunable).ToList();
        int w = Math.Max(Width, 110 * (axes.Count + 1));
        var sb = new StringBuilder($"<svg width=\"{w}\" height=\"{Height + 40}\" xmlns=\"http://www.w3.org/2000/svg\">");
        if (axes.Count == 0 || scored.Count == 0)
            return sb.Append("</svg>").ToString();
        double step = (w - 2 * Pad) / (double)Math.Max(1, axes.Count);
        double AxisX(int i) => Pad + step * i;
        double Y(double u) => 20 + Height * (1 - u);
        double lo = scored.Min(t => study.Objective.ToLoss(t.Score!.Value)), hi = scored.Max(t => study.Objective.ToLoss(t.Score!.Value));
        foreach (var t in scored.OrderByDescending(t => study.Objective.ToLoss(t.Score!.Value)))
        {
            double q = hi - lo < 1e-12 ? 1 : (hi - study.Objective.ToLoss(t.Score!.Value)) / (hi - lo);
            string colour = $"rgb({(int)(220 * (1 - q))},{(int)(180 * q)},60)";
            var points = new List<string>();
            for (int i = 0; i < axes.Count; i++)
                if (t.Values.TryGetValue(axes[i].Name, out var v))
                    points.Add($"{F(AxisX(i))},{F(Y(axes[i].ToUnit(v)))}");
            points.Add($"{F(AxisX(axes.Count))},{F(Y(q))}");
            sb.Append($"<polyline points=\"{string.Join(' ', points)}\" fill=\"none\" stroke=\"{colour}\" stroke-opacity=\"0.7\"><title>trial {t.Number}: {F(t.Score!.Value)}</title></polyline>");
        }
        for (int i = 0; i <= axes.Count; i++)
        {
            sb.Append($"<line x1=\"{F(AxisX(i))}\" y1=\"20\" x2=\"{F(AxisX(i))}\" y2=\"{20 + Height}\" stroke=\"#333\"/>");
            string label = i < axes.Count ? axes[i].Name : study.Objective.Name;
            sb.Append($"<text x=\"{F(AxisX(i) - 30)}\" y=\"{Height + 35}\" font-size=\"11\">{Enc(label)}</text>");
        }
        return sb.Append("</svg>").ToString();
    }

    private static string F(double v) => v.ToString("G5", CultureInfo.InvariantCulture);

    private static string Enc(string s) => WebUtility.HtmlEncode(s);
}
