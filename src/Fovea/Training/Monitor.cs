namespace Fovea.Training;

/// <summary>Tracks the best value of one logged quantity (shared by EarlyStopping, ReduceLROnPlateau, ModelCheckpoint).</summary>
internal sealed class Monitor(string key, MonitorMode mode, double minDelta)
{
    private readonly bool _maximize = mode == MonitorMode.Max ||
        mode == MonitorMode.Auto && (key.EndsWith("acc", StringComparison.Ordinal) || key.Contains("accuracy", StringComparison.Ordinal) || key.StartsWith("auc", StringComparison.Ordinal));

    public string Key => key;

    public double Best { get; set; } = double.NaN;

    public void Reset() => Best = double.NaN;

    /// <summary>The monitored value in <paramref name="logs"/>, or an error listing what is logged.</summary>
    public double Read(IReadOnlyDictionary<string, double> logs, string who) =>
        logs.TryGetValue(key, out double v)
            ? v
            : throw new FoveaException($"{who} monitors '{key}', which is not logged; available: {string.Join(", ", logs.Keys)}");

    /// <summary>True (and remembers it) when <paramref name="value"/> beats the best by more than minDelta.</summary>
    public bool Improve(double value)
    {
        if (double.IsNaN(value))
            return false;
        bool better = double.IsNaN(Best) || (_maximize ? value > Best + Math.Abs(minDelta) : value < Best - Math.Abs(minDelta));
        if (better)
            Best = value;
        return better;
    }
}
