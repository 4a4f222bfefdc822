using System.Diagnostics;
using Fovea.Autograd;
using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Training;

/// <summary>
/// The Fit and Evaluate loops (Keras <c>train_step</c>/<c>test_step</c>), made by <c>Model.Fit</c>; callbacks see it
/// through <see cref="TrainingRun.Trainer"/> (step count, epoch timing). One training step, inside a TensorScope so
/// every per-step tensor returns to the pool: clear gradients, forward in training mode, loss (the weighted sum over
/// the outputs), backward, add weight-penalty gradients, optimizer step, update metrics.
/// </summary>
public sealed class Trainer
{
    private readonly ITrainableModel _model;
    private readonly Func<Tensor, bool, Tensor>? _forward;
    private readonly Func<IReadOnlyList<Tensor>, bool, Tensor[]> _run;
    private readonly Optimizer _optimizer;
    private readonly CompiledOutputs _outputs;
    private readonly Parameter[] _parameters;
    private readonly (Parameter Weight, Regularizer Regularizer)[] _regularized;
    private readonly Dictionary<string, double> _batchLogs = [];
    private readonly double[] _stepLosses, _lossSums;

    /// <summary>A trainer of a model with one input and one output.</summary>
    internal Trainer(ITrainableModel model, Func<Tensor, bool, Tensor> forward, IEnumerable<Parameter> trainable,
        IEnumerable<(Parameter, Regularizer)> regularized, Optimizer optimizer, Loss loss,
        IReadOnlyList<Metric> metrics)
        : this(model, forward, (x, training) => [forward(x[0], training)], trainable, regularized, optimizer,
            CompiledOutputs.Single(loss, metrics))
    {
    }

    /// <summary>
    /// A trainer; <paramref name="forward"/> (one input, one output: the fast path) may be null, and then every step
    /// goes through <paramref name="run"/>, which maps the inputs to every output.
    /// </summary>
    internal Trainer(ITrainableModel model, Func<Tensor, bool, Tensor>? forward,
        Func<IReadOnlyList<Tensor>, bool, Tensor[]> run, IEnumerable<Parameter> trainable,
        IEnumerable<(Parameter, Regularizer)> regularized, Optimizer optimizer, CompiledOutputs outputs)
    {
        _model = model;
        _forward = outputs.Count == 1 ? forward : null;
        _run = run;
        _optimizer = optimizer;
        _outputs = outputs;
        _parameters = trainable.ToArray();
        _regularized = regularized.ToArray();
        _stepLosses = new double[outputs.Count];
        _lossSums = new double[outputs.Count];
    }

    /// <summary>
    /// Trains for epochs [<paramref name="initialEpoch"/>, <paramref name="epochs"/>). <paramref name="train"/> is
    /// enumerated once per epoch; <paramref name="validation"/> (optional) after each epoch. A batch holds the
    /// inputs in the model's input order and one target per output (null for an output that needs none).
    /// </summary>
    internal History Fit(IEnumerable<(IReadOnlyList<Tensor> Inputs, IReadOnlyList<Tensor?> Targets)> train, int steps,
        IEnumerable<(IReadOnlyList<Tensor> Inputs, IReadOnlyList<Tensor?> Targets)>? validation, int epochs,
        IReadOnlyList<Callback> callbacks, int initialEpoch = 0, Rng? dataRng = null)
    {
        var history = new History();
        var run = new TrainingRun(this, history, dataRng, callbacks, initialEpoch);
        _model.StopTraining = false;
        foreach (var c in callbacks)
        {
            c.Model = _model;
            c.Run = run;
        }
        // Restoring a backup comes last, after every other callback has reset itself.
        foreach (var c in callbacks.Where(c => c is not BackupAndRestore).Concat(callbacks.OfType<BackupAndRestore>()))
            c.OnTrainBegin();
        var logs = new Dictionary<string, double>();
        for (int epoch = run.InitialEpoch; epoch < epochs && !_model.StopTraining; epoch++)
        {
            foreach (var c in callbacks)
                c.OnEpochBegin(epoch);
            var (loss, seconds, samples) = TrainEpoch(train, steps, epoch, epochs, callbacks);
            if (double.IsNaN(loss) && _model.StopTraining)
                break; // TerminateOnNaN: this epoch did not finish
            logs.Clear();
            WriteLogs(logs, loss, samples);
            if (validation is not null)
            {
                foreach (var c in callbacks)
                    c.OnTestBegin();
                var v = Evaluate(validation);
                foreach (var c in callbacks)
                    c.OnTestEnd();
                logs["val_loss"] = v.Loss;
                if (_outputs.LogsOutputLosses)
                {
                    foreach (var (name, value) in v.OutputLosses)
                        logs[$"val_{name}_loss"] = value;
                }
                foreach (var (k, value) in v.Metrics)
                    logs["val_" + k] = value;
            }
            logs["learning_rate"] = _optimizer.LearningRate;
            LastEpochSeconds = seconds;
            LastEpochSamples = samples;
            foreach (var c in callbacks)
                c.OnEpochEnd(epoch, logs);
            history.Append(epoch, logs);
            foreach (var c in callbacks)
                c.OnEpochComplete(epoch);
        }
        foreach (var c in callbacks)
            c.OnTrainEnd(logs);
        return history;
    }

    /// <summary>
    /// Batches of a one-input, one-target source as the loops take them; the two one-element lists are reused for
    /// every batch of an enumeration, so the adaptation allocates nothing per batch.
    /// </summary>
    internal static IEnumerable<(IReadOnlyList<Tensor> Inputs, IReadOnlyList<Tensor?> Targets)> Single(
        IEnumerable<(Tensor X, Tensor Y)> batches)
    {
        var inputs = new Tensor[1];
        var targets = new Tensor?[1];
        foreach (var (x, y) in batches)
        {
            inputs[0] = x;
            targets[0] = y;
            yield return (inputs, targets);
        }
    }

    /// <summary>Wall time of the last epoch's training loop (validation excluded).</summary>
    public double LastEpochSeconds { get; private set; }

    /// <summary>Samples seen in the last epoch.</summary>
    public long LastEpochSamples { get; private set; }

    /// <summary>"loss", each output's loss (several outputs with a loss) and each metric, as running means.</summary>
    private void WriteLogs(Dictionary<string, double> logs, double loss, long samples)
    {
        logs["loss"] = loss;
        if (_outputs.LogsOutputLosses)
        {
            for (int o = 0; o < _outputs.Count; o++)
            {
                if (_outputs.Losses[o] is not null)
                    logs[_outputs.LossKeys[o]] = samples == 0 ? double.NaN : _lossSums[o] / samples;
            }
        }
        foreach (var (_, m, key) in _outputs.MetricKeys)
            logs[key] = m.Result;
    }

    private (double Loss, double Seconds, long Samples) TrainEpoch(
        IEnumerable<(IReadOnlyList<Tensor> Inputs, IReadOnlyList<Tensor?> Targets)> train, int steps, int epoch,
        int epochs, IReadOnlyList<Callback> callbacks)
    {
        _outputs.ResetMetrics();
        Array.Clear(_lossSums);
        double lossSum = 0;
        long samples = 0;
        int step = 0;
        var clock = Stopwatch.StartNew();
        using var batches = train.GetEnumerator();
        while (true)
        {
            int batch;
            double loss;
            using (TensorScope.Begin())
            {
                if (!batches.MoveNext())
                    break;
                foreach (var c in callbacks)
                    c.OnBatchBegin(epoch, GlobalStep);
                var (x, y) = batches.Current;
                batch = x[0].Shape[0];
                loss = TrainStep(x, y);
            }
            if (!double.IsFinite(loss))
            {
                string message = $"the training loss became {loss} at epoch {epoch + 1}, batch {step + 1}; " +
                    "lower the learning rate or check the data for NaN/Inf";
                var terminate = callbacks.OfType<TerminateOnNaN>().FirstOrDefault();
                if (terminate is null)
                    throw new FoveaException(message);
                terminate.Terminated(message);
                _model.StopTraining = true;
                return (double.NaN, clock.Elapsed.TotalSeconds, samples);
            }
            GlobalStep++;
            lossSum += loss * batch;
            if (_outputs.LogsOutputLosses)
            {
                for (int o = 0; o < _lossSums.Length; o++)
                    _lossSums[o] += _stepLosses[o] * batch;
            }
            samples += batch;
            step++;
            if (callbacks.Count > 0)
            {
                WriteLogs(_batchLogs, lossSum / samples, samples);
                var progress = new BatchProgress(epoch, epochs, step, steps, samples, clock.Elapsed.TotalSeconds,
                    _batchLogs);
                foreach (var c in callbacks)
                    c.OnBatchEnd(progress);
            }
        }
        return (samples == 0 ? double.NaN : lossSum / samples, clock.Elapsed.TotalSeconds, samples);
    }

    /// <summary>Training batches taken by this trainer (schedules read it; <see cref="BackupAndRestore"/> restores
    /// it).</summary>
    public long GlobalStep { get; set; }

    /// <summary>
    /// One optimisation step on a batch of a model with one input and one output; returns the loss including weight
    /// penalties. A non-finite loss is returned without changing any weight.
    /// </summary>
    internal double TrainStep(Tensor x, Tensor y)
    {
        if (_forward is null)
            return TrainStep([x], [y]);
        Optimizer.ZeroGrad(_parameters);
        var prediction = _forward(x, true);
        var lossTensor = _outputs.Compute(prediction, y);
        double loss = lossTensor.Item();
        if (!double.IsFinite(loss))
            return loss;
        lossTensor.Backward();
        loss += AddPenalties();
        _optimizer.Step(_parameters);
        using (GradMode.NoGrad())
            _outputs.UpdateMetrics(prediction, y);
        return loss;
    }

    /// <summary>
    /// One optimisation step on a batch: <paramref name="inputs"/> in the model's input order, one target per output
    /// (null where the output needs none). Returns the total loss including weight penalties; each output's own
    /// loss is kept for the logs.
    /// </summary>
    internal double TrainStep(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> targets)
    {
        if (_forward is not null)
            return TrainStep(inputs[0], targets[0]!);
        Optimizer.ZeroGrad(_parameters);
        var predictions = _run(inputs, true);
        var lossTensor = _outputs.Compute(predictions, targets, _stepLosses);
        double loss = lossTensor.Item();
        if (!double.IsFinite(loss))
            return loss;
        lossTensor.Backward();
        loss += AddPenalties();
        _optimizer.Step(_parameters);
        using (GradMode.NoGrad())
            _outputs.UpdateMetrics(predictions, targets);
        return loss;
    }

    /// <summary>Adds each trainable weight's penalty gradient; returns the penalties' sum.</summary>
    private double AddPenalties()
    {
        double penalty = 0;
        foreach (var (w, r) in _regularized)
        {
            if (!w.Trainable)
                continue;
            penalty += WeightPenalty.Penalty(r, w.AsReadOnlySpan());
            if (w.Grad is not null)
                WeightPenalty.AddGradient(r, w.AsReadOnlySpan(), w.Grad.AsSpan());
        }
        return penalty;
    }

    /// <summary>
    /// Mean loss (with weight penalties), each output's mean loss, and the metrics over <paramref name="data"/>, in
    /// inference mode.
    /// </summary>
    internal EvaluationResult Evaluate(IEnumerable<(IReadOnlyList<Tensor> Inputs, IReadOnlyList<Tensor?> Targets)> data)
    {
        _outputs.ResetMetrics();
        double penalty = 0;
        foreach (var (w, r) in _regularized)
            penalty += WeightPenalty.Penalty(r, w.AsReadOnlySpan());
        double lossSum = 0;
        double[] outputSums = new double[_outputs.Count];
        double[] stepLosses = new double[_outputs.Count];
        int samples = 0;
        using var _ = GradMode.NoGrad();
        using var batches = data.GetEnumerator();
        while (true)
        {
            using (TensorScope.Begin())
            {
                if (!batches.MoveNext())
                    break;
                var (x, y) = batches.Current;
                int batch = x[0].Shape[0];
                if (_forward is not null)
                {
                    var prediction = _forward(x[0], false);
                    stepLosses[0] = _outputs.Losses[0]!.Compute(prediction, y[0]!).Item();
                    lossSum += stepLosses[0] * _outputs.Weights[0] * batch;
                    _outputs.UpdateMetrics(prediction, y[0]!);
                }
                else
                {
                    var predictions = _run(x, false);
                    lossSum += _outputs.Compute(predictions, y, stepLosses).Item() * batch;
                    _outputs.UpdateMetrics(predictions, y);
                }
                for (int o = 0; o < outputSums.Length; o++)
                    outputSums[o] += stepLosses[o] * batch;
                samples += batch;
            }
        }
        var outputLosses = new Dictionary<string, double>();
        var outputMetrics = new Dictionary<string, IReadOnlyDictionary<string, double>>();
        for (int o = 0; o < _outputs.Count; o++)
        {
            if (_outputs.Losses[o] is not null)
                outputLosses[_outputs.Names[o]] = samples == 0 ? double.NaN : outputSums[o] / samples;
            outputMetrics[_outputs.Names[o]] = _outputs.Metrics[o].ToDictionary(m => m.Name, m => m.Result);
        }
        var metrics = _outputs.MetricKeys.ToDictionary(k => k.Key, k => k.Metric.Result);
        return new EvaluationResult(samples == 0 ? double.NaN : lossSum / samples + penalty, metrics, samples,
            outputLosses, outputMetrics);
    }
}
