using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd.Functions;

/// <summary>Sum of several same-shaped tensors (Keras <c>Add</c> layer); every input receives dy.</summary>
internal sealed class AddNFunction : Function
{
    public static Tensor Apply(IReadOnlyList<Tensor> inputs)
    {
        if (inputs.Count == 0)
            throw new ArgumentException("Add needs at least one input");
        var shape = inputs[0].Shape;
        for (int i = 1; i < inputs.Count; i++)
        {
            if (inputs[i].Shape != shape)
                throw new ArgumentException($"Add: input {i} has shape {inputs[i].Shape}, input 0 has {shape}");
        }
        var y = Tensor.Empty(shape);
        inputs[0].AsReadOnlySpan().CopyTo(y.AsSpan());
        for (int i = 1; i < inputs.Count; i++)
            Elementwise.AddInPlace(y.AsSpan(), inputs[i].AsReadOnlySpan());
        var arr = inputs.ToArray<Tensor?>();
        if (ShouldRecord(arr))
            new AddNFunction().Record(y, arr);
        return y;
    }

    internal override Tensor?[] Backward(Tensor dy)
    {
        var grads = new Tensor?[Inputs.Length];
        for (int i = 0; i < grads.Length; i++)
            grads[i] = NeedsGrad(i) ? dy : null; // the graph copies a gradient it has already handed out
        return grads;
    }
}
