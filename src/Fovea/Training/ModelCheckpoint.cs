namespace Fovea.Training;

/// <summary>
/// Saves the weights (safetensors) after an epoch: every epoch, or only when <c>monitor</c> improves
/// (<c>saveBestOnly</c>). "{epoch}" in the path is replaced by the 1-based epoch number. Files are written to a
/// temporary name and renamed, so a crash never leaves a torn checkpoint.
/// </summary>
public sealed class ModelCheckpoint(string filePath, string monitor = "val_loss", bool saveBestOnly = false,
    MonitorMode mode = MonitorMode.Auto) : Callback
{
    private readonly Monitor _monitor = new(monitor, mode, 0);

    /// <summary>The file written last, or null.</summary>
    public string? LastSaved { get; private set; }

    public override void OnTrainBegin() => _monitor.Reset();

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (saveBestOnly && !_monitor.Improve(_monitor.Read(logs, "ModelCheckpoint")))
            return;
        string path = filePath.Replace("{epoch}", (epoch + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Model.SaveWeights(path);
        LastSaved = path;
    }
}
