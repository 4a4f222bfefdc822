using Fovea.Training;

namespace Fovea.Tuning;

/// <summary>
/// Fit callback of one trial: reads the objective from each epoch's logs, reports it to the study (journal, pruner),
/// keeps the best epoch's metrics and saves that epoch's weights as the trial's checkpoint.
/// </summary>
internal sealed class TrialCallback(Study study, Trial trial, string checkpointPath) : Callback
{
    public double? Best { get; private set; }

    public Dictionary<string, double> BestLogs { get; private set; } = [];

    public bool Pruned { get; private set; }

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        var objective = study.Objective;
        if (!logs.TryGetValue(objective.Name, out double value))
            throw new FoveaException($"Tuner: objective '{objective.Name}' is not in the epoch logs; they hold " +
                string.Join(", ", logs.Keys) + " (pass validationData for val_ metrics)");
        if (Best is not double b || objective.IsBetter(value, b))
        {
            Best = value;
            BestLogs = new Dictionary<string, double>(logs);
            Model.SaveWeights(checkpointPath);
        }
        if (study.Report(trial, epoch + 1, value, logs))
        {
            Pruned = true;
            Model.StopTraining = true;
        }
    }
}
