using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Models;

/// <summary>
/// The recorded layer calls between a functional model's inputs and outputs, sorted so that every call comes after
/// the calls producing its inputs; <see cref="Run"/> executes them on real tensors.
/// </summary>
internal sealed class FunctionalGraph
{
    public FunctionalGraph(IReadOnlyList<SymbolicTensor> inputs, IReadOnlyList<SymbolicTensor> outputs)
    {
        if (inputs.Count == 0 || outputs.Count == 0)
            throw new FoveaException("a functional model needs at least one input and one output");
        Inputs = inputs.ToArray();
        Outputs = outputs.ToArray();
        var inputSet = new HashSet<SymbolicTensor>(Inputs, ReferenceEqualityComparer.Instance);
        var order = new List<LayerNode>();
        var state = new Dictionary<LayerNode, bool>(ReferenceEqualityComparer.Instance); // false: visiting, true: done
        foreach (var output in Outputs)
            Visit(output, inputSet, order, state);
        Nodes = order.ToArray();
        var layers = new List<Layer>();
        var seen = new HashSet<Layer>(ReferenceEqualityComparer.Instance);
        foreach (var node in Nodes)
        {
            if (seen.Add(node.Layer))
                layers.Add(node.Layer);
        }
        Layers = layers;
        var slots = new Dictionary<SymbolicTensor, int>(ReferenceEqualityComparer.Instance);
        foreach (var t in Inputs)
            slots[t] = slots.Count;
        foreach (var n in Nodes)
            slots[n.Output] = slots.Count;
        _slots = slots;
        _inputSlots = Nodes.Select(n => n.Inputs.Select(i => slots[i]).ToArray()).ToArray();
        _outputSlots = Outputs.Select(o => slots[o]).ToArray();
        _fuseWithNext = FusablePairs();
    }

    /// <summary>
    /// Node k is a BatchNormalization whose output feeds only node k + 1, a fusable activation (same training flag):
    /// the two run as one fused op.
    /// </summary>
    private bool[] FusablePairs()
    {
        var uses = new int[_slots.Count];
        foreach (var ins in _inputSlots)
        {
            foreach (int s in ins)
                uses[s]++;
        }
        foreach (int s in _outputSlots)
            uses[s]++;
        var fuse = new bool[Nodes.Length];
        _chained = new bool[Nodes.Length];
        for (int k = 0; k + 1 < Nodes.Length; k++)
        {
            int outSlot = Inputs.Length + k;
            _chained[k] = uses[outSlot] == 1 && _inputSlots[k + 1] is [var only] && only == outSlot &&
                Nodes[k].Training == Nodes[k + 1].Training && Nodes[k].Layer is not MergeLayer;
            fuse[k] = _chained[k] && Nodes[k].Layer is BatchNormalization &&
                BatchNormalization.CanFuse(Nodes[k + 1].Layer, out _, out _);
        }
        _nodeLayers = Nodes.Select(n => n.Layer).ToArray();
        return fuse;
    }

    /// <summary>Node k's output feeds only node k + 1, as its only input, with the same training flag.</summary>
    private bool[] _chained = [];

    private Layer[] _nodeLayers = [];

    /// <summary>The layers of nodes k + 1 and k + 2 when they continue node k's chain (for inference fusion).</summary>
    private (Layer? Second, Layer? Third) ChainAfter(int k)
    {
        if (k + 1 >= Nodes.Length || !_chained[k])
            return (null, null);
        return (Nodes[k + 1].Layer, k + 2 < Nodes.Length && _chained[k + 1] ? Nodes[k + 2].Layer : null);
    }

    private readonly bool[] _fuseWithNext;

    private readonly Dictionary<SymbolicTensor, int> _slots;
    private readonly int[][] _inputSlots;
    private readonly int[] _outputSlots;

    public SymbolicTensor[] Inputs { get; }

    public SymbolicTensor[] Outputs { get; }

    /// <summary>The layer calls in execution order.</summary>
    public LayerNode[] Nodes { get; }

    /// <summary>The distinct layers in order of first call.</summary>
    public IReadOnlyList<Layer> Layers { get; }

    /// <summary>Position of a symbolic tensor's value during <see cref="Run"/>.</summary>
    public int SlotOf(SymbolicTensor t) => _slots[t];

    public Tensor[] Run(IReadOnlyList<Tensor> inputs, bool training, bool fuse)
    {
        var values = new Tensor[_slots.Count];
        for (int i = 0; i < inputs.Count; i++)
            values[i] = inputs[i];
        for (int k = 0; k < Nodes.Length; k++)
        {
            var node = Nodes[k];
            var slots = _inputSlots[k];
            bool t = node.Training ?? training;
            if (fuse && node.Layer is BaseConv2D)
            {
                var (second, third) = ChainAfter(k);
                int count = InferenceFusion.Match(node.Layer, second, third, t);
                if (count > 0 && InferenceFusion.TryRun(values[slots[0]], t, _nodeLayers, k, count, out var fused))
                {
                    k += count - 1;
                    values[Inputs.Length + k] = fused;
                    continue;
                }
            }
            if (fuse && _fuseWithNext[k])
            {
                values[Inputs.Length + k + 1] = ((BatchNormalization)node.Layer).CallFused(values[slots[0]], t, Nodes[k + 1].Layer);
                k++;
                continue;
            }
            values[Inputs.Length + k] = node.Layer is MergeLayer merge
                ? merge.Call(slots.Select(s => values[s]).ToArray(), t)
                : node.Layer.Call(values[slots[0]], t);
        }
        return _outputSlots.Select(s => values[s]).ToArray();
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
