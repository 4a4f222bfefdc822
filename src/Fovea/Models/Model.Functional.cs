using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Models;

public partial class Model
{
    private readonly FunctionalGraph? _graph;

    /// <summary>The recorded layer calls of a functional model (null for Sequential), for exporters.</summary>
    internal FunctionalGraph? Graph => _graph;

    /// <summary>A functional model from one input to one output (Keras <c>keras.Model(inputs, outputs)</c>).</summary>
    public Model(SymbolicTensor inputs, SymbolicTensor outputs, string? name = null, int seed = 0)
        : this([inputs], [outputs], name, seed)
    {
    }

    /// <summary>A functional model with one output, e.g. an intermediate layer's: <c>new Model(m.Inputs, m.GetLayer("x").Output)</c>.</summary>
    public Model(IReadOnlyList<SymbolicTensor> inputs, SymbolicTensor outputs, string? name = null, int seed = 0)
        : this(inputs, [outputs], name, seed)
    {
    }

    /// <summary>A functional model with several inputs and/or outputs.</summary>
    public Model(IReadOnlyList<SymbolicTensor> inputs, IReadOnlyList<SymbolicTensor> outputs, string? name = null, int seed = 0)
        : this(name ?? "functional", seed)
    {
        _graph = new FunctionalGraph(inputs, outputs);
        var used = new HashSet<string>();
        foreach (var layer in _graph.Layers)
        {
            if (layer.Name is null)
            {
                string baseName = DefaultName(layer.TypeName);
                string candidate = baseName;
                for (int i = 1; used.Contains(candidate); i++)
                    candidate = $"{baseName}_{i}";
                layer.Name = candidate;
            }
            if (!used.Add(layer.Name))
                throw new FoveaException($"model '{Name}' has two layers named '{layer.Name}'; give them distinct names");
            layer.Rng = Rng.Fork();
        }
        SampleShape = inputs[0].Shape;
        MarkBuilt(inputs[0].Example.Shape);
    }

    /// <summary>The symbolic inputs of a functional model (empty for Sequential).</summary>
    public IReadOnlyList<SymbolicTensor> Inputs => _graph?.Inputs ?? [];

    /// <summary>The symbolic outputs of a functional model (empty for Sequential).</summary>
    public IReadOnlyList<SymbolicTensor> Outputs => _graph?.Outputs ?? [];

    /// <summary>The layer calls of a functional model in execution order (empty for Sequential).</summary>
    public IReadOnlyList<LayerNode> Nodes => _graph?.Nodes ?? [];

    /// <summary>The layer named <paramref name="name"/> (Keras <c>get_layer</c>).</summary>
    public Layer GetLayer(string name) =>
        Layers.FirstOrDefault(l => l.Name == name)
        ?? throw new FoveaException($"model '{Name}' has no layer '{name}'; layers: {string.Join(", ", Layers.Select(l => l.Name))}");

    protected override Tensor Forward(Tensor x, bool training)
    {
        if (_graph is null)
            throw new FoveaException($"model '{Name}' has no layers");
        if (_graph.Inputs.Length != 1 || _graph.Outputs.Length != 1)
            throw new FoveaException($"model '{Name}' has {_graph.Inputs.Length} inputs and {_graph.Outputs.Length} outputs; call Run(inputs)");
        CheckInput(x, 0);
        return _graph.Run([x], training, FuseBatchNorm)[0];
    }

    /// <summary>Runs a functional model with several inputs; returns every output.</summary>
    public Tensor[] Run(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        if (_graph is null)
            return [Call(inputs.Single(), training)];
        if (inputs.Count != _graph.Inputs.Length)
            throw new FoveaException($"model '{Name}' takes {_graph.Inputs.Length} inputs, received {inputs.Count}");
        for (int i = 0; i < inputs.Count; i++)
            CheckInput(inputs[i], i);
        return _graph.Run(inputs, training, FuseBatchNorm);
    }

    private void CheckInput(Tensor x, int i)
    {
        var expected = _graph!.Inputs[i].Shape;
        if (x.Rank != expected.Rank + 1 || x.Shape.WithoutBatch() != expected)
            throw new FoveaException(
                $"model '{Name}': expected input {i} of shape [N, {string.Join(", ", expected)}], received {x.Shape}");
    }
}
