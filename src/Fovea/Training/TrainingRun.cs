using Fovea.Tensors;

namespace Fovea.Training;

/// <summary>
/// The state of one Fit call that callbacks may read or restore: the epoch to start from, the history so far, the
/// trainer's step count, the training data's random stream (its shuffles and augmentations), and the other callbacks.
/// <see cref="BackupAndRestore"/> uses it to resume an interrupted run exactly.
/// </summary>
public sealed class TrainingRun
{
    internal TrainingRun(Trainer trainer, History history, Rng? dataRng, IReadOnlyList<Callback> callbacks, int initialEpoch)
    {
        Trainer = trainer;
        History = history;
        DataRng = dataRng;
        Callbacks = callbacks;
        InitialEpoch = initialEpoch;
    }

    /// <summary>The first epoch to train; a callback may move it forward in <see cref="Callback.OnTrainBegin"/>.</summary>
    public int InitialEpoch { get; set; }

    public History History { get; }

    /// <summary>The generator of the training loader (null when the data is not a DataLoader).</summary>
    public Rng? DataRng { get; }

    public IReadOnlyList<Callback> Callbacks { get; }

    public Trainer Trainer { get; }
}
