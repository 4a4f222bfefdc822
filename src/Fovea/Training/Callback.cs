namespace Fovea.Training;

/// <summary>
/// Hooks into Fit (Keras callbacks). Logs hold "loss", the metrics, their "val_" twins and "learning_rate";
/// batch-level logs hold the running means of the current epoch.
/// </summary>
public abstract class Callback
{
    /// <summary>The model being trained; set by Fit before <see cref="OnTrainBegin"/>.</summary>
    public ITrainableModel Model { get; internal set; } = null!;

    public virtual void OnTrainBegin()
    {
    }

    public virtual void OnEpochBegin(int epoch)
    {
    }

    public virtual void OnBatchEnd(BatchProgress progress)
    {
    }

    public virtual void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
    }

    public virtual void OnTrainEnd(IReadOnlyDictionary<string, double> logs)
    {
    }
}
