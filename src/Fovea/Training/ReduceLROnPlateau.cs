using System.Text.Json.Nodes;

namespace Fovea.Training;

/// <summary>
/// Multiplies the learning rate by <c>factor</c> when <c>monitor</c> has not improved by more than
/// <c>minDelta</c> for <c>patience</c> epochs, never below <c>minLearningRate</c>, then waits <c>cooldown</c>
/// epochs (Keras <c>ReduceLROnPlateau</c>).
/// </summary>
public sealed class ReduceLROnPlateau : Callback, ICheckpointable
{
    private readonly Monitor _monitor;
    private int _wait, _cooldownLeft;

    public ReduceLROnPlateau(string monitor = "val_loss", double factor = 0.1, int patience = 10,
        MonitorMode mode = MonitorMode.Auto, double minDelta = 1e-4, int cooldown = 0, double minLearningRate = 0)
    {
        if (factor >= 1 || factor <= 0)
            throw new ArgumentOutOfRangeException(nameof(factor), $"ReduceLROnPlateau: factor must be in (0, 1), received {factor}");
        _monitor = new Monitor(monitor, mode, minDelta);
        Factor = factor;
        Patience = patience;
        Cooldown = cooldown;
        MinLearningRate = minLearningRate;
    }

    public double Factor { get; }
    public int Patience { get; }
    public int Cooldown { get; }
    public double MinLearningRate { get; }

    public override void OnTrainBegin()
    {
        _monitor.Reset();
        _wait = 0;
        _cooldownLeft = 0;
    }

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        var optimizer = Model.Optimizer ?? throw new FoveaException("ReduceLROnPlateau needs a compiled model");
        double value = _monitor.Read(logs, "ReduceLROnPlateau");
        bool inCooldown = _cooldownLeft > 0;
        if (inCooldown)
        {
            _cooldownLeft--;
            _wait = 0;
        }
        if (_monitor.Improve(value))
        {
            _wait = 0;
        }
        else if (!inCooldown)
        {
            _wait++;
            if (_wait >= Patience && optimizer.LearningRate > MinLearningRate)
            {
                optimizer.LearningRate = Math.Max(optimizer.LearningRate * Factor, MinLearningRate);
                _cooldownLeft = Cooldown;
                _wait = 0;
            }
        }
    }

    public (JsonObject Values, IReadOnlyDictionary<string, float[]> Arrays) GetState() =>
        (new JsonObject { ["best"] = _monitor.Best, ["wait"] = _wait, ["cooldown"] = _cooldownLeft }, new Dictionary<string, float[]>());

    public void SetState(JsonObject values, IReadOnlyDictionary<string, float[]> arrays)
    {
        _monitor.Best = values["best"]?.GetValue<double>() ?? double.NaN;
        _wait = values["wait"]!.GetValue<int>();
        _cooldownLeft = values["cooldown"]!.GetValue<int>();
    }
}
