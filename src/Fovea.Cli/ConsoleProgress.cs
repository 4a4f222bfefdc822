using System.Diagnostics;
using System.Globalization;
using Fovea.Training;

namespace Fovea.Cli;

/// <summary>
/// Draws training progress: a bar redrawn in place (step/total, loss, accuracy, images/s, ETA) on an interactive
/// terminal, and one line per epoch always: loss, accuracy, val_loss and val_accuracy (with a hold-out), lr, seconds, images/s.
/// </summary>
internal sealed class ConsoleProgress
{
    private readonly bool _interactive = !Console.IsOutputRedirected;
    private readonly Stopwatch _throttle = Stopwatch.StartNew();
    private BatchProgress _last;

    public void OnBatch(BatchProgress p)
    {
        _last = p;
        if (!_interactive || (_throttle.ElapsedMilliseconds < 200 && p.Step != p.Steps))
            return;
        _throttle.Restart();
        const int Width = 24;
        int done = p.Steps == 0 ? Width : (int)((long)Width * p.Step / p.Steps);
        string bar = new string('█', done) + new string('·', Width - done);
        double acc = p.Logs.TryGetValue("accuracy", out double a) ? a : double.NaN;
        Console.Write(string.Create(CultureInfo.InvariantCulture, $"\repoch {p.Epoch + 1}/{p.Epochs} {bar} {p.Step}/{p.Steps}  loss {p.Logs["loss"]:F4}  accuracy {acc:F4}  {p.SamplesPerSecond:F0} img/s  ETA {p.EtaSeconds:F0}s   "));
    }

    public void OnEpoch(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        string validation = logs.ContainsKey("val_loss")
            ? string.Create(CultureInfo.InvariantCulture,
                $"  val_loss {Get(logs, "val_loss"):F4}  val_accuracy {Get(logs, "val_accuracy"):F4}")
            : "";
        string line = string.Create(CultureInfo.InvariantCulture,
            $"epoch {epoch + 1}/{_last.Epochs}  loss {Get(logs, "loss"):F4}  accuracy {Get(logs, "accuracy"):F4}{validation}  lr {Get(logs, "learning_rate"):G3}  {_last.ElapsedSeconds:F1}s  {_last.SamplesPerSecond:F0} img/s");
        Console.WriteLine(_interactive ? "\r" + line.PadRight(Console.BufferWidth > 0 ? Math.Min(Console.BufferWidth - 1, 160) : 0) : line);
    }

    private static double Get(IReadOnlyDictionary<string, double> logs, string key) => logs.TryGetValue(key, out double v) ? v : double.NaN;
}
