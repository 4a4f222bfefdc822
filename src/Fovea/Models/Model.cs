using Fovea.Autograd;
using Fovea.Data;
using Fovea.Layers;
using Fovea.Models.Passes;
using Fovea.Tensors;
using Fovea.Training;

namespace Fovea.Models;

/// <summary>
/// A trainable network (Keras <c>Model</c>): Compile, Fit, Evaluate, Predict, Summary, and saving. A model is also
/// a layer, so it can be called inside another model. <c>new Model(inputs, outputs)</c> builds a functional model
/// from layer calls on <see cref="SymbolicTensor"/>s (branches, merges, shared layers, nested models);
/// <see cref="Sequential"/> is the plain stack. Every layer gets its own random stream forked from the
/// model's seeded generator, so the same seed gives the same initial weights and the same dropout masks.
/// </summary>
[RegisterLayer("Functional", Factory = nameof(FromFunctionalConfig))]
public partial class Model : Layer, ITrainableModel
{
    private Trainer? _trainer;

    protected Model(string? name, int seed)
        : base(name)
    {
        Seed = seed;
        Rng = new Rng(seed);
    }

    /// <summary>The seed of the model's generator (initialisation, dropout, shuffling).</summary>
    public int Seed { get; }

    /// <summary>The layers, in order (for a functional model: in the order the graph runs them).</summary>
    public virtual IReadOnlyList<Layer> Layers => _graph?.Layers ?? [];

    /// <summary>The optimizer from Compile (null before Compile).</summary>
    public Optimizer? Optimizer { get; private set; }

    /// <summary>The loss from <c>Compile(optimizer, loss, metrics)</c>, applied to every output; null before
    /// Compile and when the model was compiled with a loss per output.</summary>
    public Loss? Loss { get; private set; }

    /// <summary>Every compiled metric (of every output, in output order).</summary>
    public IReadOnlyList<Metric> Metrics { get; private set; } = [];

    public bool StopTraining { get; set; }

    /// <summary>
    /// The passes that rewrite the model's graph before it runs, in order; by default inference fusion
    /// (<see cref="FusionPass"/>). Setting the list replans at the next call.
    /// </summary>
    public IReadOnlyList<IGraphPass> Passes
    {
        get => _passes;
        set
        {
            _passes = value?.ToArray() ?? throw new ArgumentNullException(nameof(value));
            _plan = null;
        }
    }

    private IReadOnlyList<IGraphPass> _passes = [new FusionPass()];

    /// <summary>
    /// Whether <see cref="FusionPass"/> runs (on by default): convolutions with the BatchNormalization and activation
    /// after them as one op in inference, and each BatchNormalization directly followed by a ReLU, LeakyReLU or SiLU
    /// as one op. The results are those of the layers apart, to float rounding.
    /// </summary>
    public bool FuseBatchNorm
    {
        get => _passes.OfType<FusionPass>().Any();
        set
        {
            if (value != FuseBatchNorm)
                Passes = value ? [.. _passes, new FusionPass()] : _passes.Where(p => p is not FusionPass).ToArray();
        }
    }

    /// <summary>Wall time of the last training epoch's loop, in seconds (validation excluded).</summary>
    public double LastEpochSeconds => _trainer?.LastEpochSeconds ?? 0;

    /// <summary>A model's tracked layers are its layers, under their names.</summary>
    private protected override IEnumerable<(string Path, Layer Layer)> TrackedLayers() =>
        Layers.Select(l => (l.Name ?? DefaultName(l.TypeName), l));

    private protected override bool Profiled => false;

    /// <summary>
    /// Sets the model's own flag from a saved config without passing it on: its layers have already taken theirs
    /// from their own configs (a frozen base with an unfrozen last stage loads as it was saved).
    /// </summary>
    internal void RestoreTrainable(bool trainable) => SetOwnTrainable(trainable);

    /// <summary>
    /// Keras's string form, <c>model.Compile("adamw", "categorical_crossentropy", ["accuracy"])</c>: each name gives
    /// the object with its Keras defaults (<see cref="Optimizers.Get"/>, <see cref="Losses.Get"/>,
    /// <see cref="Fovea.Training.Metrics.Get"/>).
    /// </summary>
    /// <exception cref="FoveaException">A name is unknown (the message lists the known ones).</exception>
    public void Compile(string optimizer, string loss, IEnumerable<string>? metrics = null) =>
        Compile(Optimizers.Get(optimizer), Losses.Get(loss), metrics?.Select(Fovea.Training.Metrics.Get).ToList());

    /// <summary>
    /// Chooses how to train: optimizer, loss and the metrics to report. With several outputs the loss applies to
    /// each of them (weight 1) and the total is their sum; metrics then have to be given per output, with
    /// the <c>Compile</c> that takes a loss per output (by position or by name).
    /// </summary>
    public void Compile(Optimizer optimizer, Loss loss, IEnumerable<Metric>? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(loss);
        var list = metrics?.ToList() ?? [];
        var names = OutputNames;
        if (names.Count > 1 && list.Count > 0)
        {
            throw new ArgumentException(
                $"model '{Name}' has {names.Count} outputs ({string.Join(", ", names)}); give the metrics per output: "
                + "Compile(optimizer, losses, lossWeights, metrics: [[...], [...]]) or by output name");
        }
        SetCompiled(optimizer, loss, new CompiledOutputs(names, names.Select(_ => loss).ToArray(),
            names.Select(_ => 1.0).ToArray(), names.Select((_, i) => i == 0 ? list : []).ToArray()));
    }

    /// <summary>
    /// Builds the model for samples of <paramref name="sampleShape"/> (no batch axis: <c>Build(1, 28, 28)</c>): creates
    /// its graph and every weight, and records every layer's output shape.
    /// </summary>
    public void Build(params int[] sampleShape)
    {
        var shape = new Shape(sampleShape);
        EnsureBuilt(shape.WithBatch(1));
        SampleShape ??= shape;
    }

    /// <summary>The per-sample input shape the model was built or first called with.</summary>
    public Shape? SampleShape { get; protected set; }

    /// <summary>Trains on <paramref name="x"/> [N, ...] with targets <paramref name="y"/> (class indices [N] or rows [N, C]).</summary>
    public History Fit(Tensor x, Tensor y, int epochs = 1, int batchSize = 32, Dataset? validationData = null,
        double validationSplit = 0, IEnumerable<Callback>? callbacks = null, bool shuffle = true, int verbose = 1,
        int initialEpoch = 0) =>
        Fit(new Dataset(x, y), epochs, batchSize, validationData, validationSplit, callbacks, shuffle, verbose, initialEpoch);

    /// <summary>
    /// Trains for <paramref name="epochs"/> epochs (Keras <c>fit</c>). <paramref name="validationSplit"/> holds out
    /// the last fraction of the data (before shuffling) when no <paramref name="validationData"/> is given.
    /// <paramref name="verbose"/>: 0 silent, 1 progress bar, 2 one line per epoch.
    /// </summary>
    public History Fit(Dataset train, int epochs = 1, int batchSize = 32, Dataset? validationData = null,
        double validationSplit = 0, IEnumerable<Callback>? callbacks = null, bool shuffle = true, int verbose = 1,
        int initialEpoch = 0)
    {
        ArgumentNullException.ThrowIfNull(train);
        RequireCompiled("Fit");
        if (epochs < 0)
            throw new ArgumentOutOfRangeException(nameof(epochs), $"epochs must be >= 0, received {epochs}");
        if (batchSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(batchSize), $"batchSize must be positive, received {batchSize}");
        if (validationSplit < 0 || validationSplit >= 1)
            throw new ArgumentOutOfRangeException(nameof(validationSplit), $"validationSplit must be in [0, 1), received {validationSplit}");
        if (train.Count == 0)
            throw new FoveaException("Fit: the training data is empty");
        if (validationData is null && validationSplit > 0)
        {
            int holdOut = Math.Max(1, (int)Math.Round(train.Count * validationSplit));
            var indices = Enumerable.Range(0, train.Count).ToArray();
            validationData = train.Subset(indices.AsSpan(train.Count - holdOut));
            train = train.Subset(indices.AsSpan(0, train.Count - holdOut));
        }
        if (PlanBatches(train, "Fit") is null)
            EnsureBuiltForSamples(train.SampleShape);   // before the loader's seed is drawn: building may draw from Rng
        var loader = new DataLoader(train, batchSize, shuffle, seed: (int)(Rng.NextUInt64() & int.MaxValue));
        return Fit(loader, epochs, validationData, callbacks, verbose, initialEpoch);
    }

    /// <summary>
    /// Trains on the batches of <paramref name="train"/>, one pass per epoch, e.g. with augmentation and a
    /// background thread: <c>model.Fit(new DataLoader(data, 128, transform: augment, prefetch: 2), epochs: 30)</c>.
    /// The loader's seed fixes the order and the augmentations; <paramref name="validationData"/> is evaluated
    /// after each epoch with batches of the loader's size (split a hold-out first with <see cref="Dataset.Split"/>).
    /// </summary>
    public History Fit(DataLoader train, int epochs = 1, Dataset? validationData = null,
        IEnumerable<Callback>? callbacks = null, int verbose = 1, int initialEpoch = 0)
    {
        ArgumentNullException.ThrowIfNull(train);
        RequireCompiled("Fit");
        if (epochs < 0)
            throw new ArgumentOutOfRangeException(nameof(epochs), $"epochs must be >= 0, received {epochs}");
        if (train.BatchCount == 0)
            throw new FoveaException($"Fit: the training loader yields no batches ({train.Dataset.Count} samples)");
        var trainPlan = PlanBatches(train.Dataset, "Fit");
        if (trainPlan is null)
            EnsureBuiltForSamples(train.SampleShape);
        var validationPlan = validationData is null ? null : PlanBatches(validationData, "Fit validationData");
        if (validationData is not null && validationPlan is null)
            EnsureBuiltForSamples(validationData.SampleShape);
        var trainer = _trainer = NewTrainer();
        var val = validationData is null ? null : new DataLoader(validationData, train.BatchSize, shuffle: false);
        var all = new List<Callback>();
        if (verbose > 0)
            all.Add(new ProgressBarLogger(Console.Out, showBar: verbose == 1));
        if (callbacks is not null)
            all.AddRange(callbacks);
        return trainer.Fit(Batches(train, trainPlan), train.BatchCount,
            val is null ? null : Batches(val, validationPlan), epochs, all, initialEpoch, train.Rng);
    }

    /// <summary>Loss and metrics on <paramref name="data"/> in inference mode (Keras <c>evaluate</c>).</summary>
    public EvaluationResult Evaluate(Dataset data, int batchSize = 128)
    {
        ArgumentNullException.ThrowIfNull(data);
        RequireCompiled("Evaluate");
        var plan = PlanBatches(data, "Evaluate");
        if (plan is null)
            EnsureBuiltForSamples(data.SampleShape);
        return NewTrainer().Evaluate(Batches(new DataLoader(data, batchSize, shuffle: false), plan));
    }

    /// <summary>Loss and metrics of <paramref name="x"/> against <paramref name="y"/>.</summary>
    public EvaluationResult Evaluate(Tensor x, Tensor y, int batchSize = 128) => Evaluate(new Dataset(x, y), batchSize);

    /// <summary>The model's outputs for <paramref name="x"/> [N, ...], in inference mode, batch by batch.</summary>
    public Tensor Predict(Tensor x, int batchSize = 128)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (batchSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(batchSize), $"batchSize must be positive, received {batchSize}");
        if (x.Rank == 0 || x.Shape[0] == 0)
            throw new FoveaException($"Predict: expected a batch [N, ...] with N > 0, received {x.Shape}");
        if (!HasOneInputAndOutput)
        {
            throw new FoveaException(
                $"Predict: model '{Name}' has {InputNames.Count} inputs ({string.Join(", ", InputNames)}) and "
                + $"{OutputNames.Count} outputs ({string.Join(", ", OutputNames)}); call PredictAll(inputs), or "
                + "Predict(inputs) for one output");
        }
        using var _ = GradMode.NoGrad();
        float[]? result = null;
        Shape outShape = default;
        int n = x.Shape[0];
        for (int start = 0; start < n; start += batchSize)
        {
            int count = Math.Min(batchSize, n - start);
            using var scope = TensorScope.Begin();
            var y = Call(x.SliceRows(start, count), training: false);
            if (result is null)
            {
                outShape = y.Shape.With(0, n);
                result = new float[outShape.Length];
            }
            int row = y.Length / count;
            y.AsReadOnlySpan().CopyTo(result.AsSpan(start * row, count * row));
        }
        return Tensor.Wrap(result!, outShape);
    }

    private void RequireCompiled(string what)
    {
        if (Optimizer is null || _compiled is null)
            throw new FoveaException($"{what}: the model is not compiled; call Compile(optimizer, loss, metrics) first");
    }

    /// <summary>
    /// A trainer over the weights that are trainable now (freezing takes effect at the next Fit). A model with one
    /// input and one output trains through <c>Call</c>; others through <see cref="Run"/>.
    /// </summary>
    private Trainer NewTrainer() => new Trainer(this, HasOneInputAndOutput ? (x, training) => Call(x, training) : null,
        (inputs, training) => Run(inputs, training), Weights.Where(w => w.Trainable), Regularized, Optimizer!,
        _compiled!);

    private void EnsureBuiltForSamples(Shape sampleShape)
    {
        if (!Built)
            Build(sampleShape.ToArray());
        else if (SampleShape is { } s && s != sampleShape)
            throw new FoveaException($"model '{Name}' expects samples of shape {s}, the data has {sampleShape}");
    }
}
