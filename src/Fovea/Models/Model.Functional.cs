using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Models;

public partial class Model
{
    private LayerGraph? _graph;
    private ExecutionPlan? _plan;

    /// <summary>The model's graph of layer calls (null until a Sequential model is built).</summary>
    public LayerGraph? Graph => _graph;

    /// <summary>The layer calls of the model's graph in execution order (empty until a Sequential model is built).
    /// </summary>
    public IReadOnlyList<LayerNode> Nodes => _graph?.Nodes ?? [];

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
        _graph = new LayerGraph(inputs, outputs);
        IsFunctional = true;
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
        MarkBuilt(inputs[0].BatchShape);
    }

    /// <summary>True for a model made from symbolic inputs and outputs (its graph is its definition).</summary>
    private bool IsFunctional { get; }

    /// <summary>Sets the graph of a model that builds its own (Sequential).</summary>
    private protected void SetGraph(LayerGraph graph)
    {
        _graph = graph;
        _plan = null;
    }

    /// <summary>The symbolic inputs of the model's graph (empty until a Sequential model is built).</summary>
    public IReadOnlyList<SymbolicTensor> Inputs => _graph?.Inputs ?? [];

    /// <summary>The symbolic outputs of the model's graph (empty until a Sequential model is built).</summary>
    public IReadOnlyList<SymbolicTensor> Outputs => _graph?.Outputs ?? [];

    /// <summary>The layer named <paramref name="name"/> (Keras <c>get_layer</c>).</summary>
    public Layer GetLayer(string name) =>
        Layers.FirstOrDefault(l => l.Name == name)
        ?? throw new FoveaException($"model '{Name}' has no layer '{name}'; layers: {string.Join(", ", Layers.Select(l => l.Name))}");

    protected override Tensor Forward(Tensor x, bool training)
    {
        var graph = _graph ?? throw new FoveaException($"model '{Name}' has no layers");
        if (graph.Inputs.Count != 1 || graph.Outputs.Count != 1)
            throw new FoveaException($"model '{Name}' has {graph.Inputs.Count} inputs and {graph.Outputs.Count} outputs; call Run(inputs)");
        if (IsFunctional)
            CheckInput(x, 0);
        return CurrentPlan().Run([x], training)[0];
    }

    /// <summary>Runs the model on its inputs (in the order of <see cref="Inputs"/>); returns every output.</summary>
    public Tensor[] Run(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (!IsFunctional)
            return [Call(inputs.Count == 1 ? inputs[0] : throw new FoveaException(
                $"model '{Name}' takes 1 input, received {inputs.Count}"), training)];
        var graph = _graph!;
        if (inputs.Count != graph.Inputs.Count)
            throw new FoveaException($"model '{Name}' takes {graph.Inputs.Count} inputs, received {inputs.Count}");
        for (int i = 0; i < inputs.Count; i++)
            CheckInput(inputs[i], i);
        return CurrentPlan().Run(inputs, training);
    }

    /// <summary>The graph after <see cref="Passes"/>, planned on first use.</summary>
    internal ExecutionPlan CurrentPlan() =>
        _plan ??= (_graph ?? throw new FoveaException($"model '{Name}' is not built")).Plan(_passes);

    /// <summary>Output shape of a built graph for its own example input shape; other shapes are found by running.
    /// </summary>
    protected override Shape? ComputeOutputShape(Shape inputShape) =>
        _graph is { Inputs.Count: 1, Outputs.Count: 1 } g && g.Inputs[0].BatchShape == inputShape
            ? g.Outputs[0].BatchShape : (Shape?)null;

    private void CheckInput(Tensor x, int i)
    {
        var expected = _graph!.Inputs[i].Shape;
        if (x.Rank != expected.Rank + 1 || x.Shape.WithoutBatch() != expected)
            throw new FoveaException(
                $"model '{Name}': expected input {i} of shape [N, {string.Join(", ", expected)}], received {x.Shape}");
    }
}
