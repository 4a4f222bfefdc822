using System.Text;
using System.Text.Json.Nodes;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// The layer lifecycle (Keras): the constructor holds configuration; <see cref="Build"/> creates the weights on the
/// first call, when the input shape is known; <see cref="Forward"/> does the math through
/// <see cref="Autograd.Functional"/>; <see cref="GetConfig"/> serialises the configuration.
/// Shapes include the batch axis: a convolution sees [N, C, H, W].
/// <para>
/// Layers held in a layer's fields, lists, arrays or dictionaries are tracked, as Keras and PyTorch track them: their
/// weights are part of <see cref="Weights"/> (named "field.weight", "list.0.weight"), and <see cref="Trainable"/>,
/// seeding, saving and summaries reach them. A sub-layer called inside <see cref="Forward"/> without an explicit
/// <c>training</c> argument runs in the mode of the enclosing call (Keras' call context).
/// </para>
/// </summary>
public abstract partial class Layer
{
    private const long DefaultSeed = 20251125;

    [ThreadStatic]
    private static Rng? t_seeds;

    /// <summary>The layer whose <see cref="Build"/> is running on this thread: layers created there fork its
    /// stream.</summary>
    [ThreadStatic]
    private static Layer? t_building;

    /// <summary>The training flag of the call running on this thread (null outside any call).</summary>
    [ThreadStatic]
    private static bool? t_training;

    private readonly List<(Parameter Weight, bool DeclaredTrainable, Regularizer? Regularizer)> _weights = [];
    private bool _trainable = true;
    private Rng _rng;

    protected Layer(string? name = null)
    {
        Name = name;
        _rng = t_building is { } parent ? parent._rng.Fork() : (t_seeds ??= new Rng(DefaultSeed)).Fork();
    }

    /// <summary>A layer with the given stream, drawing nothing from the thread's seeds (layers made by graph passes).
    /// </summary>
    private protected Layer(string? name, Rng rng)
    {
        Name = name;
        _rng = rng;
    }

    /// <summary>
    /// Layers constructed on this thread until the returned scope ends take their random streams (initial weights,
    /// dropout) from <paramref name="seed"/>: building the same layers in the same order gives the same weights
    /// (Keras's <c>set_random_seed</c>, scoped). Models also reseed their layers from the model's seed.
    /// </summary>
    public static IDisposable Seeded(long seed)
    {
        var previous = t_seeds;
        t_seeds = new Rng(seed);
        return new SeedScope(previous);
    }

    private sealed class SeedScope(Rng? previous) : IDisposable
    {
        public void Dispose() => t_seeds = previous;
    }

    /// <summary>Unique within a model; given by the model (e.g. "conv2d_1") when not set.</summary>
    public string? Name { get; set; }

    /// <summary>Name of the layer type in configs and summaries (the class name).</summary>
    public virtual string TypeName => GetType().Name;

    public bool Built { get; private set; }

    /// <summary>The input shape this layer was built for (batch axis included, as first seen).</summary>
    public Shape? BuiltInputShape { get; private set; }

    /// <summary>The output shape of the most recent call (real or symbolic).</summary>
    public Shape? OutputShape { get; protected set; }

    /// <summary>
    /// False freezes the layer and every layer it tracks: their weights get no gradients and are not updated, and
    /// layers with a training behaviour (BatchNormalization) run in inference mode, as in Keras.
    /// </summary>
    public virtual bool Trainable
    {
        get => _trainable;
        set
        {
            SetOwnTrainable(value);
            foreach (var (_, layer) in TrackedLayers())
                layer.Trainable = value;
        }
    }

    /// <summary>Sets this layer's flag and its own weights' without passing it to tracked layers.</summary>
    private protected void SetOwnTrainable(bool value)
    {
        _trainable = value;
        foreach (var (w, declared, _) in _weights)
            w.SetTrainable(declared && value);
    }

    /// <summary>Every weight, trainable or not: this layer's own in creation order, then those of the layers it
    /// tracks (each weight once, even when a layer is tracked twice).</summary>
    public IReadOnlyList<Parameter> Weights => NamedWeights().Select(kv => kv.Value).ToList();

    public IEnumerable<Parameter> TrainableWeights => Weights.Where(w => w.Trainable);

    public IEnumerable<Parameter> NonTrainableWeights => Weights.Where(w => !w.Trainable);

    /// <summary>Weights with a penalty (kernel regularizers), for the training loss, tracked layers included.</summary>
    public IEnumerable<(Parameter Weight, Regularizer Regularizer)> Regularized
    {
        get
        {
            var seen = new HashSet<Layer>(ReferenceEqualityComparer.Instance);
            var list = new List<(Parameter, Regularizer)>();
            CollectRegularized(this, seen, list);
            return list;

            static void CollectRegularized(Layer layer, HashSet<Layer> seen, List<(Parameter, Regularizer)> list)
            {
                if (!seen.Add(layer))
                    return;
                foreach (var (w, _, r) in layer._weights)
                {
                    if (r is not null)
                        list.Add((w, r));
                }
                foreach (var (_, sub) in layer.TrackedLayers())
                    CollectRegularized(sub, seen, list);
            }
        }
    }

    public long ParameterCount => Weights.Sum(w => (long)w.Length);

    /// <summary>
    /// Every weight with its path, PyTorch's <c>named_parameters</c>: this layer's own by name ("kernel"), then each
    /// tracked layer's under its path ("dense1.kernel"); a model's layers under their names. Each weight appears once.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, Parameter>> NamedWeights()
    {
        var list = new List<KeyValuePair<string, Parameter>>();
        CollectNamedWeights("", list, new HashSet<Parameter>(ReferenceEqualityComparer.Instance));
        return list;
    }

    private void CollectNamedWeights(string prefix, List<KeyValuePair<string, Parameter>> list, HashSet<Parameter> seen)
    {
        foreach (var (w, _, _) in _weights)
        {
            if (seen.Add(w))
                list.Add(new(prefix + w.Name, w));
        }
        foreach (var (path, layer) in TrackedLayers())
            layer.CollectNamedWeights(prefix + path + ".", list, seen);
    }

    /// <summary>The random generator for initialisation and dropout; a model gives each layer its own stream, and
    /// setting it reseeds the tracked layers from it.</summary>
    public Rng Rng
    {
        get => _rng;
        set
        {
            _rng = value ?? throw new ArgumentNullException(nameof(value));
            foreach (var (_, layer) in TrackedLayers())
                layer.Rng = value.Fork();
        }
    }

    /// <summary>This layer's generator and those of the layers it tracks, depth first, for checkpoints.</summary>
    public IReadOnlyList<Rng> RandomStreams()
    {
        var streams = new List<Rng> { Rng };
        foreach (var (_, layer) in TrackedLayers())
            streams.AddRange(layer.RandomStreams());
        return streams;
    }

    /// <summary>
    /// Applies the layer; builds it first if needed. <paramref name="training"/> selects training behaviour; when
    /// null, the layer runs in the mode of the enclosing layer call (inference at top level).
    /// </summary>
    public Tensor Call(Tensor x, bool? training = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        EnsureBuilt(x.Shape);
        return RunCall(training, x.Shape, mode => Forward(x, mode));
    }

    /// <summary>
    /// Runs <paramref name="body"/> in the mode <paramref name="training"/> (or the enclosing call's), making that mode
    /// the context of the layers it calls; records the output shape.
    /// </summary>
    private protected Tensor RunCall(bool? training, Shape input, Func<bool, Tensor> body)
    {
        bool mode = training ?? t_training ?? false;
        var outer = t_training;
        t_training = mode;
        long t0 = Profiler.Start();
        Tensor y;
        try
        {
            y = body(mode);
        }
        finally
        {
            t_training = outer;
        }
        if (Profiler.Enabled && Profiled)
            Profiler.Stop($"forward {TypeName} {input}", t0);
        OutputShape = y.Shape;
        return y;
    }

    /// <summary>Whether calls are timed one by one when profiling (models time their layers instead).</summary>
    private protected virtual bool Profiled => true;

    /// <summary>Builds the layer for <paramref name="inputShape"/> if it is not built yet. Layers created while it
    /// builds take their random streams from this layer's.</summary>
    private protected void EnsureBuilt(Shape inputShape) => EnsureBuilt(inputShape, () => Build(inputShape));

    /// <summary>Runs <paramref name="build"/> once, with this layer as the parent of the layers it creates, and marks
    /// the layer built for <paramref name="inputShape"/>.</summary>
    private protected void EnsureBuilt(Shape inputShape, Action build)
    {
        if (Built)
            return;
        var outer = t_building;
        t_building = this;
        try
        {
            build();
        }
        finally
        {
            t_building = outer;
        }
        Built = true;
        BuiltInputShape = inputShape;
    }

    /// <summary>Creates the weights for inputs of <paramref name="inputShape"/>. Runs once, on the first call.</summary>
    protected virtual void Build(Shape inputShape)
    {
    }

    /// <summary>Marks the layer built (for layers restored with weights already created).</summary>
    protected void MarkBuilt(Shape inputShape)
    {
        Built = true;
        BuiltInputShape = inputShape;
    }

    /// <summary>
    /// The output shape for an input of <paramref name="inputShape"/> (batch axis included), Keras'
    /// <c>compute_output_shape</c>; called after <see cref="Build"/>. Null when the layer cannot say it without
    /// running, in which case functional models find it by running an example batch. Throws like a call would for
    /// an input the layer does not accept.
    /// </summary>
    protected virtual Shape? ComputeOutputShape(Shape inputShape) => null;

    /// <summary>The computation. Called with the batch axis first.</summary>
    protected abstract Tensor Forward(Tensor x, bool training);

    /// <summary>Creates a weight, fills it with <paramref name="initializer"/> and registers it.</summary>
    protected Parameter AddWeight(string name, Shape shape, Initializer initializer, bool trainable = true,
        Regularizer? regularizer = null)
    {
        var p = new Parameter(name, shape, trainable && _trainable);
        initializer.Fill(p.AsSpan(), shape, Rng);
        _weights.Add((p, trainable, regularizer));
        return p;
    }

    /// <summary>Configuration for <see cref="LayerRegistry.FromConfig"/>; derived layers add their arguments.</summary>
    public virtual JsonObject GetConfig() => new() { ["name"] = Name, ["trainable"] = Trainable };

    /// <summary>"Conv2D 'conv2d_1'" — how error messages refer to this layer.</summary>
    public string Describe() => Name is null ? TypeName : $"{TypeName} '{Name}'";

    /// <summary>An error that names this layer and says what was expected and what was received.</summary>
    protected FoveaException ShapeError(string expected, Shape received) =>
        new($"{Describe()}: expected input {expected}, received {received}");

    /// <summary>Keras-style default name: "Conv2D" → "conv2d", "BatchNormalization" → "batch_normalization".</summary>
    public static string DefaultName(string typeName)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < typeName.Length; i++)
        {
            char c = typeName[i];
            if (char.IsUpper(c) && i > 0 && char.IsLower(typeName[i - 1]))
                sb.Append('_');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    public override string ToString() => Describe();
}
