using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>A layer that combines several inputs of compatible shapes (Keras merge layers).</summary>
public abstract class MergeLayer(string? name) : Layer(name)
{
    /// <summary>Combines <paramref name="inputs"/>.</summary>
    public Tensor Call(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count < 1)
            throw new FoveaException($"{Describe()}: expected at least one input, received none");
        if (!Built)
            MarkBuilt(inputs[0].Shape);
        Tensor y;
        try
        {
            y = Merge(inputs);
        }
        catch (ArgumentException e)
        {
            throw new FoveaException($"{Describe()}: {e.Message}", e);
        }
        OutputShape = y.Shape;
        return y;
    }

    /// <summary>Records the merge of symbolic tensors (functional API).</summary>
    public SymbolicTensor Call(IReadOnlyList<SymbolicTensor> inputs, bool? training = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return CallSymbolic(inputs.ToArray(), training, examples => Call(examples, training: false));
    }

    protected abstract Tensor Merge(IReadOnlyList<Tensor> inputs);

    protected override Tensor Forward(Tensor x, bool training) => Merge([x]);
}
