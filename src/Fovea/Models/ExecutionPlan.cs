using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Models;

/// <summary>
/// The nodes a model runs (its graph after the passes) with the value slot of each node input and output: the one
/// executor of every model.
/// </summary>
internal sealed class ExecutionPlan(LayerNode[] nodes, int[][] inputSlots, int[] outputSlots, int[] modelOutputs,
    int slotCount)
{
    public IReadOnlyList<LayerNode> Nodes => nodes;

    /// <summary>Runs the nodes on <paramref name="inputs"/> (the graph inputs in order); returns the model outputs.
    /// Each node runs in its fixed mode, or <paramref name="training"/>.</summary>
    public Tensor[] Run(IReadOnlyList<Tensor> inputs, bool training)
    {
        var values = Execute(inputs, training);
        var outputs = new Tensor[modelOutputs.Length];
        for (int i = 0; i < outputs.Length; i++)
            outputs[i] = values[modelOutputs[i]]!;
        return outputs;
    }

    /// <summary>Runs the nodes as <see cref="Run"/> does; returns the value of every slot (null for slots that no
    /// node of this plan produces, e.g. the inside of a fused chain).</summary>
    public Tensor?[] Execute(IReadOnlyList<Tensor> inputs, bool training)
    {
        var values = new Tensor[slotCount];
        for (int i = 0; i < inputs.Count; i++)
            values[i] = inputs[i];
        for (int k = 0; k < nodes.Length; k++)
        {
            var node = nodes[k];
            var slots = inputSlots[k];
            bool mode = node.Training ?? training;
            values[outputSlots[k]] = node.Layer is MergeLayer merge
                ? merge.Call(Gather(values, slots), mode)
                : node.Layer.Call(values[slots[0]], mode);
        }
        return values;
    }

    private static Tensor[] Gather(Tensor[] values, int[] slots)
    {
        var inputs = new Tensor[slots.Length];
        for (int i = 0; i < slots.Length; i++)
            inputs[i] = values[slots[i]];
        return inputs;
    }
}
