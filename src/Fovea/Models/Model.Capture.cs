using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Models;

public partial class Model
{
    /// <summary>
    /// Runs the model on <paramref name="x"/> and keeps the outputs of the layers named <paramref name="layerNames"/>
    /// (PyTorch's forward hooks, torchvision's <c>create_feature_extractor</c>, Keras'
    /// <c>Model(inputs, layer.output)</c>), in one forward pass. With <paramref name="gradients"/>, the run is
    /// recorded from a copy of the input that requires a gradient, and every kept output retains its gradient: after
    /// <c>Backward()</c> of anything computed from the outputs, <see cref="CapturedRun.Gradient"/> and
    /// <see cref="CapturedRun.InputGradient"/> give the gradients with respect to the layers' outputs and the input.
    /// Inference fusion still applies to the other layers; a kept layer's output is never fused away.
    /// </summary>
    /// <param name="x">The input [N, ...].</param>
    /// <param name="layerNames">Names of layers of this model (see <see cref="Layers"/>).</param>
    /// <param name="training">Run in training mode (batch statistics, dropout) rather than inference.</param>
    /// <param name="gradients">Record for backward and retain the gradients of the kept outputs and the input.</param>
    public CapturedRun Capture(Tensor x, IEnumerable<string> layerNames, bool training = false, bool gradients = true)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Capture([x], layerNames, training, gradients);
    }

    /// <summary>
    /// <see cref="Capture(Tensor, IEnumerable{string}, bool, bool)"/> for a model with several inputs, given in the
    /// order of <see cref="Inputs"/>.
    /// </summary>
    public CapturedRun Capture(IReadOnlyList<Tensor> inputs, IEnumerable<string> layerNames, bool training = false,
        bool gradients = true)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(layerNames);
        if (inputs.Count == 0)
            throw new FoveaException($"Capture: model '{Name}' needs its inputs, received none");
        if (!Built)
            EnsureBuilt(inputs[0].Shape);
        var graph = _graph ?? throw new FoveaException($"Capture: model '{Name}' has no layers");
        if (inputs.Count != graph.Inputs.Count)
            throw new FoveaException($"Capture: model '{Name}' takes {graph.Inputs.Count} inputs, received {inputs.Count}");
        if (IsFunctional)
        {
            for (int i = 0; i < inputs.Count; i++)
                CheckInput(inputs[i], i);
        }

        var names = layerNames.Distinct().ToList();
        var calls = new Dictionary<string, List<SymbolicTensor>>();
        foreach (string name in names)
        {
            var found = graph.Nodes.Where(n => n.Layer.Name == name).Select(n => n.Output).ToList();
            if (found.Count == 0)
                throw new FoveaException($"Capture: model '{Name}' has no layer '{name}'; layers: " +
                    string.Join(", ", graph.Layers.Select(l => l.Name)));
            calls[name] = found;
        }
        var plan = graph.PlanObserving(_passes, calls.Values.SelectMany(c => c).ToList());

        var leaves = inputs.Select(t =>
        {
            if (!gradients || t.RequiresGrad)
                return t;
            var leaf = t.Detach();
            leaf.RequiresGrad = true;
            return leaf;
        }).ToArray();
        var values = plan.Execute(leaves, training);
        var outputs = graph.Outputs.Select(o => values[graph.SlotOf(o)]!).ToArray();
        var kept = new Dictionary<string, IReadOnlyList<Tensor>>();
        foreach (var (name, tensors) in calls)
        {
            var list = tensors.Select(t => values[graph.SlotOf(t)]!).ToList();
            if (gradients)
            {
                foreach (var t in list.Where(t => t.RequiresGrad))
                    t.RetainGrad();
            }
            kept[name] = list;
        }
        return new CapturedRun(Name ?? "model", leaves, outputs, kept);
    }
}
