namespace Fovea.Training;

/// <summary>
/// Hooks into Fit (Keras callbacks). Logs hold "loss", the metrics, their "val_" twins and "learning_rate"; a model
/// with several outputs adds each output's loss ("class_loss") and names its metrics after the output
/// ("class_accuracy"), as Keras 3 does. Batch-level logs hold the running means of the current epoch.
/// </summary>
public abstract class Callback
{
    /// <summary>The model being trained; set by Fit before <see cref="OnTrainBegin"/>.</summary>
    public ITrainableModel Model { get; internal set; } = null!;

    /// <summary>The Fit call in progress (epoch to start from, history, data generator); set before <see cref="OnTrainBegin"/>.</summary>
    public TrainingRun Run { get; internal set; } = null!;

    public virtual void OnTrainBegin()
    {
    }

    public virtual void OnEpochBegin(int epoch)
    {
    }

    /// <summary>Before each training batch; <paramref name="step"/> counts batches since training began (from 0).</summary>
    public virtual void OnBatchBegin(int epoch, long step)
    {
    }

    public virtual void OnBatchEnd(BatchProgress progress)
    {
    }

    /// <summary>Before the validation pass of an epoch.</summary>
    public virtual void OnTestBegin()
    {
    }

    /// <summary>After the validation pass of an epoch.</summary>
    public virtual void OnTestEnd()
    {
    }

    public virtual void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
    }

    /// <summary>After every callback's <see cref="OnEpochEnd"/> and the history update: the epoch is complete.</summary>
    public virtual void OnEpochComplete(int epoch)
    {
    }

    public virtual void OnTrainEnd(IReadOnlyDictionary<string, double> logs)
    {
    }
}
