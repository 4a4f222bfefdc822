using System.Text.Json.Nodes;

namespace Fovea.Training;

/// <summary>
/// Stops training when <c>monitor</c> has not improved by more than <c>minDelta</c> for <c>patience</c> epochs
/// (Keras <c>EarlyStopping</c>). With <c>restoreBestWeights</c>, the weights of the best epoch are put back when
/// training ends.
/// </summary>
public sealed class EarlyStopping(string monitor = "val_loss", double minDelta = 0, int patience = 0,
    MonitorMode mode = MonitorMode.Auto, bool restoreBestWeights = false) : Callback, ICheckpointable
{
    private readonly Monitor _monitor = new(monitor, mode, minDelta);
    private float[][]? _bestWeights;
    private int _wait;

    /// <summary>The epoch (from 0) after which training stopped, or −1.</summary>
    public int StoppedEpoch { get; private set; } = -1;

    /// <summary>The epoch (from 0) with the best monitored value.</summary>
    public int BestEpoch { get; private set; } = -1;

    public override void OnTrainBegin()
    {
        _monitor.Reset();
        _wait = 0;
        _bestWeights = null;
        StoppedEpoch = -1;
        BestEpoch = -1;
    }

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        double value = _monitor.Read(logs, "EarlyStopping");
        if (_monitor.Improve(value))
        {
            BestEpoch = epoch;
            _wait = 0;
            if (restoreBestWeights)
                _bestWeights = Model.Weights.Select(w => w.ToArray()).ToArray();
            return;
        }
        _wait++;
        if (_wait >= patience && epoch > 0)
        {
            StoppedEpoch = epoch;
            Model.StopTraining = true;
        }
    }

    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs)
    {
        if (!restoreBestWeights || _bestWeights is null)
            return;
        var weights = Model.Weights;
        for (int i = 0; i < weights.Count; i++)
            weights[i].Assign(_bestWeights[i]);
    }

    public (JsonObject Values, IReadOnlyDictionary<string, float[]> Arrays) GetState()
    {
        var arrays = new Dictionary<string, float[]>();
        for (int i = 0; _bestWeights is not null && i < _bestWeights.Length; i++)
            arrays[$"best{i}"] = _bestWeights[i];
        return (new JsonObject
        {
            ["best"] = _monitor.Best, ["wait"] = _wait, ["best_epoch"] = BestEpoch, ["stopped_epoch"] = StoppedEpoch,
            ["best_weights"] = _bestWeights?.Length ?? -1,
        }, arrays);
    }

    public void SetState(JsonObject values, IReadOnlyDictionary<string, float[]> arrays)
    {
        _monitor.Best = values["best"]?.GetValue<double>() ?? double.NaN;
        _wait = values["wait"]!.GetValue<int>();
        BestEpoch = values["best_epoch"]!.GetValue<int>();
        StoppedEpoch = values["stopped_epoch"]!.GetValue<int>();
        int count = values["best_weights"]!.GetValue<int>();
        _bestWeights = count < 0 ? null : Enumerable.Range(0, count).Select(i => arrays[$"best{i}"]).ToArray();
    }
}
