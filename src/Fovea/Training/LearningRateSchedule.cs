namespace Fovea.Training;

/// <summary>
/// A learning rate as a function of the training step (batches since training began), applied by
/// <see cref="LearningRateScheduler"/> before every batch (Keras <c>LearningRateSchedule</c>).
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>The learning rate for step <paramref name="step"/> (from 0).</summary>
    public abstract double Rate(long step);
}
