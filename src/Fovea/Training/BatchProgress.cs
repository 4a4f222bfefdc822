namespace Fovea.Training;

/// <summary>Where training stands after a batch: for progress bars (step/total, running loss and metrics, speed).</summary>
/// <param name="Epoch">Epoch index, from 0.</param>
/// <param name="Epochs">Total epochs requested.</param>
/// <param name="Step">Batches done in this epoch (1-based).</param>
/// <param name="Steps">Batches per epoch.</param>
/// <param name="Samples">Samples done in this epoch.</param>
/// <param name="ElapsedSeconds">Time since the epoch started.</param>
/// <param name="Logs">Running means of the loss and metrics over this epoch.</param>
public readonly record struct BatchProgress(int Epoch, int Epochs, int Step, int Steps, long Samples,
    double ElapsedSeconds, IReadOnlyDictionary<string, double> Logs)
{
    public double SamplesPerSecond => ElapsedSeconds > 0 ? Samples / ElapsedSeconds : 0;

    /// <summary>Estimated seconds left in this epoch.</summary>
    public double EtaSeconds => Step > 0 ? ElapsedSeconds * (Steps - Step) / Step : 0;
}
