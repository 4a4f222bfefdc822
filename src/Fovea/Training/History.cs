using System.Globalization;
using System.Text;
using Fovea.IO;

namespace Fovea.Training;

/// <summary>
/// What Fit logged, epoch by epoch (Keras <c>History</c>): "loss", each metric, their "val_" twins and
/// "learning_rate" (with several outputs also "&lt;output&gt;_loss" and "&lt;output&gt;_&lt;metric&gt;"). <see cref="SavePlot"/> draws the accuracy and loss curves, train against validation.
/// </summary>
public sealed class History
{
    private readonly Dictionary<string, List<double>> _values = [];
    private readonly List<int> _epochs = [];

    /// <summary>Epoch indices (from 0) that were completed.</summary>
    public IReadOnlyList<int> Epochs => _epochs;

    /// <summary>Logged series by key.</summary>
    public IReadOnlyDictionary<string, List<double>> Values => _values;

    /// <summary>The series of <paramref name="key"/> ("val_accuracy", ...).</summary>
    public IReadOnlyList<double> this[string key] =>
        _values.TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"'{key}' was not logged; logged: {string.Join(", ", _values.Keys)}");

    internal void Append(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        _epochs.Add(epoch);
        foreach (var (k, v) in logs)
        {
            if (!_values.TryGetValue(k, out var list))
            {
                list = Enumerable.Repeat(double.NaN, _epochs.Count - 1).ToList();
                _values[k] = list;
            }
            list.Add(v);
        }
        foreach (var list in _values.Values)
        {
            while (list.Count < _epochs.Count)
                list.Add(double.NaN);
        }
    }

    /// <summary>Writes the history as CSV (epoch plus every series), atomically.</summary>
    public void SaveCsv(string path)
    {
        var keys = _values.Keys.ToList();
        var sb = new StringBuilder("epoch");
        foreach (var k in keys)
            sb.Append(',').Append(k);
        sb.Append('\n');
        for (int i = 0; i < _epochs.Count; i++)
        {
            sb.Append(_epochs[i].ToString(CultureInfo.InvariantCulture));
            foreach (var k in keys)
                sb.Append(',').Append(_values[k][i].ToString("R", CultureInfo.InvariantCulture));
            sb.Append('\n');
        }
        AtomicFile.WriteAllText(path, sb.ToString());
    }

    /// <summary>
    /// Saves a PNG with two panels: accuracy (left) and loss (right), each with the training and, when present,
    /// the validation curve. Other metrics can be chosen with <paramref name="metric"/>.
    /// </summary>
    public void SavePlot(string path, string metric = "accuracy", int width = 1200, int height = 450) =>
        HistoryPlot.Save(this, path, metric, width, height);
}
