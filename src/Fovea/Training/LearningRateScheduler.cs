namespace Fovea.Training;

/// <summary>
/// Sets the optimizer's learning rate from a <see cref="LearningRateSchedule"/> before every training batch. Pass the
/// step to start from when resuming; by default the count continues from the optimizer's own step count.
/// </summary>
public sealed class LearningRateScheduler(LearningRateSchedule schedule) : Callback
{
    public LearningRateSchedule Schedule { get; } = schedule ?? throw new ArgumentNullException(nameof(schedule));

    public override void OnBatchBegin(int epoch, long step)
    {
        var optimizer = Model.Optimizer ?? throw new FoveaException("LearningRateScheduler needs a compiled model");
        optimizer.LearningRate = Schedule.Rate(optimizer.Iterations);
    }
}
