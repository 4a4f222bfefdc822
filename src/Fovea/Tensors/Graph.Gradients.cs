using System.Runtime.InteropServices;

namespace Fovea.Tensors;

internal static partial class Graph
{
    /// <summary>
    /// The gradients of Σₖ ⟨outputs[k], gradOutputs[k]⟩ with respect to each of <paramref name="inputs"/>, as new
    /// tensors, touching no <see cref="Tensor.Grad"/>: only the ops on a path from an output to an input run, leaves
    /// receive nothing, and the gradient of an intermediate input is taken when it is complete (when its op is
    /// visited). Entries of inputs no gradient reaches are null. Arguments are checked by
    /// <c>Fovea.Autograd.Gradients</c>.
    /// </summary>
    public static Tensor?[] Gradients(IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor> inputs, Tensor[] seeds)
    {
        var roots = new List<GradNode>(outputs.Count);
        foreach (var o in outputs)
        {
            if (o.GradFn is { } f)
                roots.Add(f);
        }
        var order = TopologicalOrder(CollectionsMarshal.AsSpan(roots), out bool borrowed);
        var results = new Tensor?[inputs.Count];
        var leafSums = new Tensor?[inputs.Count];
        t_depth++;
        try
        {
            int mark = MarkNeeded(order, inputs);
            for (int k = 0; k < outputs.Count; k++)
            {
                if (outputs[k].GradFn is { } f)
                    f.OutputGrad = Merge(f.OutputGrad, seeds[k]);
                else if (IndexOf(inputs, outputs[k]) is var i and >= 0)
                    leafSums[i] = Merge(leafSums[i], seeds[k]);
            }
            for (int i = order.Count - 1; i >= 0; i--)
            {
                var fn = order[i];
                var g = fn.OutputGrad;
                fn.OutputGrad = null;
                if (g is null)
                    continue;
                if (fn.Output.Hooks is { } hooks)
                    g = OnComplete(fn.Output, hooks, g, retain: false);
                if (IndexOf(inputs, fn.Output) is var k and >= 0)
                    results[k] = g.Clone();
                if (fn.NeededMark == mark)
                    PropagateTo(fn, g, inputs, leafSums, mark);
            }
        }
        catch
        {
            foreach (var fn in order)
                fn.OutputGrad = null;
            throw;
        }
        finally
        {
            t_depth--;
            if (!borrowed)
                order.Clear();
        }

        for (int k = 0; k < inputs.Count; k++)
        {
            int first = IndexOf(inputs, inputs[k]);
            if (first < k)
                results[k] = results[first]?.Clone();
            else if (leafSums[k] is { } sum)
                results[k] = (inputs[k].Hooks is { } h ? RunHooks(h, sum, inputs[k]) : sum).Clone();
        }
        return results;
    }

    /// <summary>Stamps the ops whose backward is needed: an input of theirs is wanted or made by such an op.</summary>
    private static int MarkNeeded(List<GradNode> order, IReadOnlyList<Tensor> wanted)
    {
        int mark = ++t_mark;
        foreach (var fn in order)
        {
            foreach (var input in fn.Inputs)
            {
                if (input is { RequiresGrad: true }
                    && (input.GradFn?.NeededMark == mark || IndexOf(wanted, input) >= 0))
                {
                    fn.NeededMark = mark;
                    break;
                }
            }
        }
        return mark;
    }

    /// <summary>Runs <paramref name="fn"/>'s backward; adds the results to inputs that lead to a wanted tensor.</summary>
    private static void PropagateTo(GradNode fn, Tensor g, IReadOnlyList<Tensor> wanted, Tensor?[] leafSums, int mark)
    {
        var (outerWanted, outerMark) = (t_wanted, t_wantedMark);
        (t_wanted, t_wantedMark) = (wanted, mark);
        Tensor?[] grads;
        try
        {
            grads = fn.Backward(g);
        }
        finally
        {
            (t_wanted, t_wantedMark) = (outerWanted, outerMark);
        }
        var inputs = fn.Inputs;
        for (int j = 0; j < inputs.Length; j++)
        {
            var input = inputs[j];
            var gj = j < grads.Length ? grads[j] : null;
            if (input is not { RequiresGrad: true } || gj is null)
                continue;
            CheckShape(input, gj, fn.Name);
            if (input.GradFn is { } producer)
            {
                if (producer.NeededMark == mark || IndexOf(wanted, input) >= 0)
                    producer.OutputGrad = Merge(producer.OutputGrad, gj);
            }
            else if (IndexOf(wanted, input) is var k and >= 0)
            {
                leafSums[k] = Merge(leafSums[k], gj);
            }
        }
    }

    /// <summary>The wanted tensors of the <see cref="Gradients"/> call whose op backward is running (null outside
    /// one) and its needed-op stamp.</summary>
    [ThreadStatic]
    private static IReadOnlyList<Tensor>? t_wanted;

    [ThreadStatic]
    private static int t_wantedMark;

    /// <summary>
    /// Whether an op's backward has to produce the gradient of its input <paramref name="input"/> (which requires
    /// one): always in <c>Backward()</c>; inside <see cref="Gradients"/> only when the input is wanted or made by an op
    /// on a path to a wanted tensor, so that e.g. a convolution skips its weight gradient when only the gradient with
    /// respect to the model input is asked for (PyTorch's <c>autograd.grad</c> does the same).
    /// </summary>
    internal static bool GradientWanted(Tensor input) =>
        t_wanted is not { } wanted
        || input.GradFn?.NeededMark == t_wantedMark
        || IndexOf(wanted, input) >= 0;

    private static int IndexOf(IReadOnlyList<Tensor> list, Tensor t)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (ReferenceEquals(list[i], t))
                return i;
        }
        return -1;
    }
}
