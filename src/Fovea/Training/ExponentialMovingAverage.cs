using System.Text.Json.Nodes;
using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Training;

/// <summary>
/// Keeps an exponential moving average of the trainable weights, updated after every batch:
/// ema = d·ema + (1 − d)·w with d = min(decay, (1 + n)/(10 + n)) after n updates (the usual warm-up, so early averages
/// are not dominated by the random initial weights). Validation runs on the averaged weights when
/// <c>useForValidation</c>, and the model keeps them when training ends when <c>applyAtEnd</c> (Keras's
/// <c>use_ema</c>).
/// </summary>
public sealed class ExponentialMovingAverage(double decay = 0.999, bool useForValidation = true, bool applyAtEnd = true)
    : Callback, ICheckpointable
{
    private Parameter[] _weights = [];
    private float[][] _average = [];
    private float[][]? _backup;
    private long _updates;

    public double Decay { get; } = decay is > 0 and < 1 ? decay : throw new ArgumentOutOfRangeException(nameof(decay));

    public override void OnTrainBegin()
    {
        _weights = Model.Weights.Where(w => w.Trainable).ToArray();
        if (_average.Length != _weights.Length)
        {
            _average = _weights.Select(w => w.ToArray()).ToArray();
            _updates = 0;
        }
    }

    public override void OnBatchEnd(BatchProgress progress)
    {
        _updates++;
        float d = (float)Math.Min(Decay, (1.0 + _updates) / (10.0 + _updates));
        for (int i = 0; i < _weights.Length; i++)
        {
            var avg = _average[i].AsSpan();
            Elementwise.Scale(avg, d, avg);
            Elementwise.AddScaled(avg, _weights[i].AsReadOnlySpan(), 1 - d);
        }
    }

    public override void OnTestBegin()
    {
        if (!useForValidation)
            return;
        _backup = _weights.Select(w => w.ToArray()).ToArray();
        Swap(_average);
    }

    public override void OnTestEnd()
    {
        if (_backup is null)
            return;
        Swap(_backup);
        _backup = null;
    }

    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs)
    {
        if (applyAtEnd && _updates > 0)
            Swap(_average);
    }

    /// <summary>The averaged values of each trainable weight, in model order (for checkpoints).</summary>
    public IReadOnlyList<float[]> Averages => _average;

    private void Swap(float[][] values)
    {
        for (int i = 0; i < _weights.Length; i++)
            _weights[i].Assign(values[i]);
    }

    public (JsonObject Values, IReadOnlyDictionary<string, float[]> Arrays) GetState() =>
        (new JsonObject { ["updates"] = _updates, ["count"] = _average.Length },
         _average.Select((a, i) => (i, a)).ToDictionary(p => $"average{p.i}", p => p.a));

    public void SetState(JsonObject values, IReadOnlyDictionary<string, float[]> arrays)
    {
        _updates = values["updates"]!.GetValue<long>();
        _average = Enumerable.Range(0, values["count"]!.GetValue<int>()).Select(i => arrays[$"average{i}"]).ToArray();
    }
}
