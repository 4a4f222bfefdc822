namespace Fovea.Training;

/// <summary>
/// Forwards progress to delegates, so a front end can draw its own progress bar (the CLI does):
/// <paramref name="onBatch"/> after every batch, <paramref name="onEpoch"/> after every epoch with the epoch's logs.
/// </summary>
public sealed class ProgressCallback(Action<BatchProgress>? onBatch, Action<int, IReadOnlyDictionary<string, double>>? onEpoch = null)
    : Callback
{
    public override void OnBatchEnd(BatchProgress progress) => onBatch?.Invoke(progress);

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) => onEpoch?.Invoke(epoch, logs);
}
