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
            y = Merge(inputs, training);
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

    /// <summary>
    /// Combines <paramref name="inputs"/> in training or inference mode; layers with a training behaviour (attention
    /// dropout) override this one. The default ignores <paramref name="training"/>.
    /// </summary>
    protected virtual Tensor Merge(IReadOnlyList<Tensor> inputs, bool training) => Merge(inputs);

    protected override Tensor Forward(Tensor x, bool training) => Merge([x], training);

    /// <summary>
    /// The NumPy broadcast of the inputs' shapes (aligned at the last axis; a size 1 or a missing axis stretches), or
    /// an error naming the first input that does not broadcast against the ones before it.
    /// </summary>
    protected Shape BroadcastShape(IReadOnlyList<Tensor> inputs)
    {
        var result = inputs[0].Shape.ToArray();
        for (int i = 1; i < inputs.Count; i++)
        {
            var s = inputs[i].Shape;
            int rank = Math.Max(result.Length, s.Rank);
            var r = new int[rank];
            for (int d = 0; d < rank; d++)
            {
                int a = d - (rank - result.Length) >= 0 ? result[d - (rank - result.Length)] : 1;
                int b = d - (rank - s.Rank) >= 0 ? s[d - (rank - s.Rank)] : 1;
                if (a != b && a != 1 && b != 1)
                    throw new FoveaException($"{Describe()}: input {i} has shape {s}, which does not broadcast " +
                        $"against {new Shape(result)} (inputs 0..{i - 1}); expected equal sizes or 1 on each axis");
                r[d] = a == 1 ? b : a;
            }
            result = r;
        }
        return result;
    }
}
