using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Models;

/// <summary>
/// The recorded layer calls between a model's inputs and outputs, sorted so that every call comes after the calls
/// producing its inputs. Every model runs on one: a functional model records it from its layer calls, a
/// <see cref="Sequential"/> builds it from its stack when it is built. Graph passes (<see cref="IGraphPass"/>)
/// rewrite the node list into the plan that runs; the recorded nodes stay as they were.
/// </summary>
public sealed class LayerGraph
{
    private readonly Dictionary<SymbolicTensor, int> _slots = new(ReferenceEqualityComparer.Instance);
    private readonly int[] _uses;

    internal LayerGraph(IReadOnlyList<SymbolicTensor> inputs, IReadOnlyList<SymbolicTensor> outputs)
    {
        if (inputs.Count == 0 || outputs.Count == 0)
            throw new FoveaException("a functional model needs at least one input and one output");
        Inputs = inputs.ToArray();
        Outputs = outputs.ToArray();
        var inputSet = new HashSet<SymbolicTensor>(inputs, ReferenceEqualityComparer.Instance);
        var order = new List<LayerNode>();
        var state = new Dictionary<LayerNode, bool>(ReferenceEqualityComparer.Instance); // false: visiting, true: done
        foreach (var output in outputs)
            Visit(output, inputSet, order, state);
        Nodes = order;
        var layers = new List<Layer>();
        var seen = new HashSet<Layer>(ReferenceEqualityComparer.Instance);
        foreach (var node in order)
        {
            if (seen.Add(node.Layer))
                layers.Add(node.Layer);
        }
        Layers = layers;
        foreach (var t in inputs)
            _slots.TryAdd(t, _slots.Count);
        foreach (var n in order)
            _slots[n.Output] = _slots.Count;
        _uses = new int[_slots.Count];
        foreach (var n in order)
        {
            foreach (var i in n.Inputs)
                _uses[_slots[i]]++;
        }
        foreach (var o in outputs)
            _uses[_slots[o]]++;
    }

    /// <summary>This graph with <paramref name="observed"/> counted as one more use each, so that passes keep them
    /// as node outputs (a fusion pass does not fuse a chain through a tensor that something else reads).</summary>
    private LayerGraph(LayerGraph graph, IEnumerable<SymbolicTensor> observed)
    {
        Inputs = graph.Inputs;
        Outputs = graph.Outputs;
        Nodes = graph.Nodes;
        Layers = graph.Layers;
        _slots = graph._slots;
        _uses = (int[])graph._uses.Clone();
        foreach (var t in observed)
            _uses[SlotOf(t)]++;
    }

    public IReadOnlyList<SymbolicTensor> Inputs { get; }

    public IReadOnlyList<SymbolicTensor> Outputs { get; }

    /// <summary>The layer calls in execution order.</summary>
    public IReadOnlyList<LayerNode> Nodes { get; }

    /// <summary>The distinct layers in order of first call.</summary>
    public IReadOnlyList<Layer> Layers { get; }

    /// <summary>How many node inputs and model outputs consume <paramref name="tensor"/>.</summary>
    public int UseCount(SymbolicTensor tensor) => _uses[SlotOf(tensor)];

    /// <summary>Position of a symbolic tensor's value during a run.</summary>
    internal int SlotOf(SymbolicTensor t) =>
        _slots.TryGetValue(t, out int slot) ? slot : throw new FoveaException($"{t} is not a tensor of this graph");

    /// <summary>
    /// The plan after <paramref name="passes"/> that still computes each tensor of <paramref name="observed"/> as a
    /// node output (or graph input): what a model runs when intermediate outputs are asked for.
    /// </summary>
    internal ExecutionPlan PlanObserving(IReadOnlyList<IGraphPass> passes, IReadOnlyCollection<SymbolicTensor> observed)
    {
        var plan = new LayerGraph(this, observed).Plan(passes);
        var produced = new HashSet<SymbolicTensor>(Inputs, ReferenceEqualityComparer.Instance);
        produced.UnionWith(plan.Nodes.Select(n => n.Output));
        foreach (var t in observed)
        {
            if (!produced.Contains(t))
                throw new FoveaException($"a graph pass removed {t}, which is read outside the model; a pass must keep " +
                    "every tensor with more than one use (LayerGraph.UseCount)");
        }
        return plan;
    }

    /// <summary>The nodes after applying <paramref name="passes"/> in order, with their value slots.</summary>
    internal ExecutionPlan Plan(IReadOnlyList<IGraphPass> passes)
    {
        IReadOnlyList<LayerNode> nodes = Nodes;
        foreach (var pass in passes)
            nodes = pass.Rewrite(this, nodes);
        return new ExecutionPlan(nodes.ToArray(), nodes.Select(n => n.Inputs.Select(SlotOf).ToArray()).ToArray(),
            nodes.Select(n => SlotOf(n.Output)).ToArray(), Outputs.Select(SlotOf).ToArray(), _slots.Count);
    }

    private static void Visit(SymbolicTensor t, HashSet<SymbolicTensor> inputs, List<LayerNode> order,
        Dictionary<LayerNode, bool> state)
    {
        if (inputs.Contains(t))
            return;
        var node = t.Producer ?? throw new FoveaException(
            $"the model's outputs depend on input '{t.Name}' {t.Shape}, which is not among the model's inputs");
        if (state.TryGetValue(node, out bool done))
        {
            if (!done)
                throw new FoveaException($"the layer graph has a cycle through {node.Layer.Describe()}");
            return;
        }
        state[node] = false;
        foreach (var input in node.Inputs)
            Visit(input, inputs, order, state);
        state[node] = true;
        order.Add(node);
    }
}
