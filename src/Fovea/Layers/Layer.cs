using System.Text;
using System.Text.Json.Nodes;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// The layer lifecycle (Keras): the constructor holds configuration; <see cref="Build"/> creates the weights on the
/// first call, when the input shape is known; <see cref="Forward"/> does the math through
/// <see cref="Autograd.Functional"/>; <see cref="GetConfig"/> serialises the configuration.
/// Shapes include the batch axis: a convolution sees [N, C, H, W].
/// </summary>
public abstract class Layer
{
    private const long DefaultSeed = 20251125;

    [ThreadStatic]
    private static Rng? t_seeds;
    private readonly List<(Parameter Weight, bool DeclaredTrainable, Regularizer? Regularizer)> _weights = [];
    private bool _trainable = true;
    private Rng _rng;

    protected Layer(string? name = null)
    {
        Name = name;
        _rng = (t_seeds ??= new Rng(DefaultSeed)).Fork();
    }

    /// <summary>
    /// Layers constructed on this thread until the returned scope ends take their random streams (initial weights,
    /// dropout) from <paramref name="seed"/>: building the same layers in the same order gives the same weights
    /// (Keras's <c>set_random_seed</c>, scoped). Sequential models also reseed their layers from the model's seed.
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

    /// <summary>The output shape of the most recent call.</summary>
    public Shape? OutputShape { get; protected set; }

    /// <summary>
    /// False freezes the layer: its weights get no gradients and are not updated, and layers with a training
    /// behaviour (BatchNormalization) run in inference mode, as in Keras.
    /// </summary>
    public virtual bool Trainable
    {
        get => _trainable;
        set
        {
            _trainable = value;
            foreach (var (w, declared, _) in _weights)
                w.SetTrainable(declared && value);
        }
    }

    /// <summary>Every weight, trainable or not, in creation order.</summary>
    public virtual IReadOnlyList<Parameter> Weights => _weights.Select(w => w.Weight).ToList();

    public IEnumerable<Parameter> TrainableWeights => Weights.Where(w => w.Trainable);

    public IEnumerable<Parameter> NonTrainableWeights => Weights.Where(w => !w.Trainable);

    /// <summary>Weights with a penalty (kernel regularizers), for the training loss.</summary>
    public virtual IEnumerable<(Parameter Weight, Regularizer Regularizer)> Regularized =>
        _weights.Where(w => w.Regularizer is not null).Select(w => (w.Weight, w.Regularizer!));

    public long ParameterCount => Weights.Sum(w => (long)w.Length);

    /// <summary>The random generator for initialisation and dropout; a model gives each layer its own stream.</summary>
    public Rng Rng
    {
        get => _rng;
        set => _rng = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Applies the layer; builds it first if needed. <paramref name="training"/> selects training behaviour.</summary>
    public Tensor Call(Tensor x, bool training = false) => Invoke(x, training, Forward);

    /// <summary>
    /// The call protocol (build on first use, run <paramref name="forward"/>, record the output shape), also used by
    /// models that run a layer fused with its successor.
    /// </summary>
    internal Tensor Invoke(Tensor x, bool training, Func<Tensor, bool, Tensor> forward)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (!Built)
        {
            Build(x.Shape);
            Built = true;
            BuiltInputShape = x.Shape;
        }
        long t0 = Profiler.Start();
        var y = forward(x, training);
        if (Profiler.Enabled && this is not Models.Model)
            Profiler.Stop($"forward {TypeName} {x.Shape}", t0);
        OutputShape = y.Shape;
        return y;
    }

    /// <summary>
    /// Records a call on symbolic tensors (functional API) and returns the symbolic output. <paramref name="training"/>
    /// fixes the mode of this call (e.g. a frozen base model called with <c>training: false</c>); null follows the
    /// model's mode.
    /// </summary>
    public SymbolicTensor Call(SymbolicTensor x, bool? training = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        return CallSymbolic([x], training, examples => Call(examples[0], training: false));
    }

    /// <summary>The calls of this layer recorded on symbolic tensors, in order.</summary>
    internal List<LayerNode> InboundNodes { get; } = [];

    /// <summary>The symbolic output of this layer's only symbolic call (Keras <c>layer.output</c>).</summary>
    public SymbolicTensor Output => InboundNodes.Count == 1
        ? InboundNodes[0].Output
        : throw new FoveaException(InboundNodes.Count == 0
            ? $"{Describe()} has not been called on symbolic tensors, so it has no output yet"
            : $"{Describe()} was called {InboundNodes.Count} times; its output is ambiguous");

    internal SymbolicTensor CallSymbolic(SymbolicTensor[] inputs, bool? training, Func<Tensor[], Tensor> run)
    {
        Tensor example;
        using (Autograd.GradMode.NoGrad())
        {
            var y = run(inputs.Select(i => i.Example).ToArray());
            example = Tensor.AllocateOwned(y.Shape);
            y.AsReadOnlySpan().CopyTo(example.AsSpan());
        }
        var node = new LayerNode(this, inputs, training);
        node.Output = new SymbolicTensor(example, node, null);
        InboundNodes.Add(node);
        return node.Output;
    }

    /// <summary>Records a call whose work another layer did (fusion): marks the layer built and sets its output shape.</summary>
    internal void RecordFusedCall(Shape input, Shape output)
    {
        if (!Built)
        {
            Built = true;
            BuiltInputShape = input;
        }
        OutputShape = output;
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
