using System.Diagnostics;
using Fovea.Autograd;
using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Training;

/// <summary>
/// The Fit and Evaluate loops (Keras <c>train_step</c>/<c>test_step</c>). One training step, inside a TensorScope so
/// every per-step tensor returns to the pool: clear gradients, forward in training mode, loss, backward, add
/// weight-penalty gradients, optimizer step, update metrics.
/// </summary>
public sealed class Trainer
{
    private readonly ITrainableModel _model;
    private readonly Func<Tensor, bool, Tensor> _forward;
    private readonly Optimizer _optimizer;
    private readonly Loss _loss;
    private readonly IReadOnlyList<Metric> _metrics;
    private readonly Parameter[] _parameters;
    private readonly (Parameter Weight, Regularizer Regularizer)[] _regularized;
    private readonly Dictionary<string, double> _batchLogs = [];

    public Trainer(ITrainableModel model, Func<Tensor, bool, Tensor> forward, IEnumerable<Parameter> trainable,
        IEnumerable<(Parameter, Regularizer)> regularized, Optimizer optimizer, Loss loss, IReadOnlyList<Metric> metrics)
    {
        _model = model;
        _forward = forward;
        _optimizer = optimizer;
        _loss = loss;
        _metrics = metrics;
        _parameters = trainable.ToArray();
        _regularized = regularized.ToArray();
    }

    /// <summary>
    /// Trains for epochs [<paramref name="initialEpoch"/>, <paramref name="epochs"/>). <paramref name="train"/> is
    /// enumerated once per epoch; <paramref name="validation"/> (optional) after each epoch.
    /// </summary>
    public History Fit(IEnumerable<(Tensor X, Tensor Y)> train, int steps, IEnumerable<(Tensor X, Tensor Y)>? validation,
        int epochs, IReadOnlyList<Callback> callbacks, int initialEpoch = 0, Rng? dataRng = null)
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
            logs["loss"] = loss;
            foreach (var m in _metrics)
                logs[m.Name] = m.Result;
            if (validation is not null)
            {
                foreach (var c in callbacks)
                    c.OnTestBegin();
                var v = Evaluate(validation);
                foreach (var c in callbacks)
                    c.OnTestEnd();
                logs["val_loss"] = v.Loss;
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

    /// <summary>Wall time of the last epoch's training loop (validation excluded).</summary>
    public double LastEpochSeconds { get; private set; }

    /// <summary>Samples seen in the last epoch.</summary>
    public long LastEpochSamples { get; private set; }

    private (double Loss, double Seconds, long Samples) TrainEpoch(IEnumerable<(Tensor X, Tensor Y)> train, int steps,
        int epoch, int epochs, IReadOnlyList<Callback> callbacks)
    {
        foreach (var m in _metrics)
            m.Reset();
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
                batch = x.Shape[0];
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
            samples += batch;
            step++;
            if (callbacks.Count > 0)
            {
                _batchLogs["loss"] = lossSum / samples;
                foreach (var m in _metrics)
                    _batchLogs[m.Name] = m.Result;
                var progress = new BatchProgress(epoch, epochs, step, steps, samples, clock.Elapsed.TotalSeconds, _batchLogs);
                foreach (var c in callbacks)
                    c.OnBatchEnd(progress);
            }
        }
        return (samples == 0 ? double.NaN : lossSum / samples, clock.Elapsed.TotalSeconds, samples);
    }

    /// <summary>Training batches taken by this trainer (schedules read it).</summary>
    public long GlobalStep { get; set; }

    /// <summary>
    /// One optimisation step on a batch; returns the loss including weight penalties. A non-finite loss is returned
    /// without changing any weight.
    /// </summary>
    public double TrainStep(Tensor x, Tensor y)
    {
        Optimizer.ZeroGrad(_parameters);
        var prediction = _forward(x, true);
        var lossTensor = _loss.Compute(prediction, y);
        double loss = lossTensor.Item();
        if (!double.IsFinite(loss))
            return loss;
        lossTensor.Backward();
        foreach (var (w, r) in _regularized)
        {
            if (!w.Trainable)
                continue;
            loss += r.Penalty(w.AsReadOnlySpan());
            if (w.Grad is not null)
                r.AddGradient(w.AsReadOnlySpan(), w.Grad.AsSpan());
        }
        _optimizer.Step(_parameters);
        using (GradMode.NoGrad())
        {
            foreach (var m in _metrics)
                m.Update(prediction, y);
        }
        return loss;
    }

    /// <summary>Mean loss (with weight penalties) and metrics over <paramref name="data"/>, in inference mode.</summary>
    public EvaluationResult Evaluate(IEnumerable<(Tensor X, Tensor Y)> data)
    {
        foreach (var m in _metrics)
            m.Reset();
        double penalty = 0;
        foreach (var (w, r) in _regularized)
            penalty += r.Penalty(w.AsReadOnlySpan());
        double lossSum = 0;
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
                var prediction = _forward(x, false);
                lossSum += _loss.Compute(prediction, y).Item() * x.Shape[0];
                samples += x.Shape[0];
                foreach (var m in _metrics)
                    m.Update(prediction, y);
            }
        }
        var metrics = _metrics.ToDictionary(m => m.Name, m => m.Result);
        return new EvaluationResult(samples == 0 ? double.NaN : lossSum / samples + penalty, metrics, samples);
    }
}
