using System.Text.Json.Nodes;
using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Models;

/// <summary>
/// A plain stack of layers, each feeding the next (Keras <c>Sequential</c>).
/// </summary>
/// <example><code>
/// var model = new Sequential(
///     new Conv2D(32, 3, padding: Padding.Same), new BatchNormalization(), new Activation(Activations.Swish),
///     new MaxPooling2D(2), new GlobalAveragePooling2D(), new Dense(10, Activations.Softmax));
/// </code></example>
[RegisterLayer]
public sealed class Sequential : Model
{
    private readonly List<Layer> _layers = [];
    private readonly HashSet<string> _names = [];

    /// <summary>A stack of <paramref name="layers"/> with seed 0.</summary>
    public Sequential(params Layer[] layers)
        : this(layers, name: null)
    {
    }

    /// <summary>
    /// A stack of <paramref name="layers"/>. <paramref name="seed"/> drives initialisation, dropout and shuffling;
    /// <paramref name="inputShape"/> (per sample, e.g. [1, 28, 28]) builds the model right away.
    /// </summary>
    public Sequential(IEnumerable<Layer> layers, string? name = null, int seed = 0, int[]? inputShape = null)
        : base(name ?? "sequential", seed)
    {
        foreach (var layer in layers)
            Add(layer);
        if (inputShape is not null)
            Build(inputShape);
    }

    public override IReadOnlyList<Layer> Layers => _layers;


    /// <summary>Appends a layer (Keras <c>model.add</c>). Unnamed layers get "conv2d", "conv2d_1", ...</summary>
    public void Add(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (Built)
            throw new FoveaException($"model '{Name}' is already built; add layers before the first call");
        if (layer is MergeLayer)
            throw new FoveaException($"{layer.Describe()} merges several inputs; use a functional Model for branches");
        if (_layers.Contains(layer))
            throw new FoveaException($"{layer.Describe()} is already in model '{Name}'");
        if (layer.Name is null)
        {
            string baseName = DefaultName(layer.TypeName);
            string candidate = baseName;
            for (int i = 1; _names.Contains(candidate); i++)
                candidate = $"{baseName}_{i}";
            layer.Name = candidate;
        }
        else if (_names.Contains(layer.Name))
        {
            throw new FoveaException($"model '{Name}' already has a layer named '{layer.Name}'");
        }
        _names.Add(layer.Name);
        layer.Rng = Rng.Fork();
        _layers.Add(layer);
    }

    /// <summary>
    /// Builds the stack's graph for inputs of <paramref name="inputShape"/> (batch axis first): an input, then each
    /// layer called on the previous output, as a functional model would record it.
    /// </summary>
    protected override void Build(Shape inputShape)
    {
        if (_layers.Count == 0)
            throw new FoveaException($"model '{Name}' has no layers");
        SampleShape ??= inputShape.WithoutBatch();
        var input = new SymbolicTensor(inputShape.With(0, 1), null, null, "input");
        var x = input;
        foreach (var layer in _layers)
            x = layer.Call(x);
        SetGraph(new LayerGraph([input], [x]));
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["seed"] = Seed;
        if (SampleShape is { } s)
            c["input_shape"] = new JsonArray(s.Select(d => (JsonNode)d).ToArray());
        var layers = new JsonArray();
        foreach (var layer in _layers)
            layers.Add(new JsonObject { ["class"] = layer.TypeName, ["config"] = layer.GetConfig() });
        c["layers"] = layers;
        return c;
    }

    /// <summary>Rebuilds a Sequential model (unbuilt unless the config has an input shape) from <see cref="GetConfig"/>.</summary>
    public static Sequential FromConfig(JsonObject c)
    {
        var layers = new List<Layer>();
        foreach (var node in c["layers"] as JsonArray ?? throw new FoveaException("Sequential config has no 'layers'"))
        {
            var entry = node as JsonObject ?? throw new FoveaException("Sequential config: a layer entry is not an object");
            string type = entry["class"]?.GetValue<string>() ?? throw new FoveaException("Sequential config: a layer has no 'class'");
            layers.Add(LayerRegistry.FromConfig(type, entry["config"] as JsonObject ?? []));
        }
        int[]? input = (c["input_shape"] as JsonArray)?.Select(d => d!.GetValue<int>()).ToArray();
        var model = new Sequential(layers, LayerConfig.Name(c), LayerConfig.Read(c, "seed", 0), input);
        if (c["trainable"] is { } t)
            model.RestoreTrainable(t.GetValue<bool>());
        return model;
    }
}
