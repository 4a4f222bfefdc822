using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Fovea.Training;

/// <summary>
/// Keras-style console output for <c>Fit(verbose: 1)</c>: a progress bar redrawn in place (step/total, ETA, running
/// loss and metrics) when the writer is an interactive console, and one summary line per epoch.
/// <c>verbose: 2</c> prints only the epoch lines.
/// </summary>
public sealed class ProgressBarLogger(TextWriter writer, bool showBar = true) : Callback
{
    private readonly Stopwatch _throttle = Stopwatch.StartNew();
    private readonly bool _interactive = showBar && ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;
    private BatchProgress _last;

    public override void OnEpochBegin(int epoch) => _throttle.Restart();

    public override void OnBatchEnd(BatchProgress p)
    {
        _last = p;
        if (p.Step == 1 && p.Epoch >= 0)
            writer.WriteLine($"Epoch {p.Epoch + 1}/{p.Epochs}");
        if (!_interactive || (_throttle.ElapsedMilliseconds < 100 && p.Step != p.Steps))
            return;
        _throttle.Restart();
        const int Width = 30;
        int done = p.Steps == 0 ? Width : (int)((long)Width * p.Step / p.Steps);
        var bar = new StringBuilder().Append('\r').Append(p.Step.ToString(CultureInfo.InvariantCulture).PadLeft(p.Steps.ToString(CultureInfo.InvariantCulture).Length))
            .Append('/').Append(p.Steps).Append(" [").Append('=', Math.Max(0, done - 1)).Append(done > 0 && done < Width ? ">" : done == Width ? "=" : "")
            .Append('.', Width - done).Append("] - ETA: ").Append(FormatSeconds(p.EtaSeconds));
        foreach (var (k, v) in p.Logs)
            bar.Append(" - ").Append(k).Append(": ").Append(v.ToString("F4", CultureInfo.InvariantCulture));
        writer.Write(bar.ToString());
    }

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        var line = new StringBuilder();
        if (_interactive)
            line.Append('\r');
        line.Append(_last.Steps).Append('/').Append(_last.Steps).Append(" - ").Append(FormatSeconds(_last.ElapsedSeconds))
            .Append(" - ").Append(_last.SamplesPerSecond.ToString("F0", CultureInfo.InvariantCulture)).Append(" samples/s");
        foreach (var (k, v) in logs)
            line.Append(" - ").Append(k).Append(": ").Append(v.ToString(k == "learning_rate" ? "G4" : "F4", CultureInfo.InvariantCulture));
        writer.WriteLine(line.ToString().PadRight(_interactive ? 120 : 0));
    }

    private static string FormatSeconds(double s) =>
        s >= 60 ? $"{(int)(s / 60)}m{(int)(s % 60):00}s" : s.ToString("F0", CultureInfo.InvariantCulture) + "s";
}
