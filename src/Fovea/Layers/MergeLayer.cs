using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>A layer that combines several inputs (Keras merge layers, attention).</summary>
public abstract class MergeLayer(string? name) : Layer(name)
{
    /// <summary>Combines <paramref name="inputs"/>; null <paramref name="training"/> follows the enclosing call.
    /// </summary>
    public Tensor Call(IReadOnlyList<Tensor> inputs, bool? training = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count < 1)
            throw new FoveaException($"{Describe()}: expected at least one input, received none");
        BuildFor(inputs.Select(i => i.Shape).ToArray());
        return RunCall(training, inputs[0].Shape, mode =>
        {
            try
            {
                return Merge(inputs, mode);
            }
            catch (ArgumentException e)
            {
                throw new FoveaException($"{Describe()}: {e.Message}", e);
            }
        });
    }

    /// <summary>Records the merge of symbolic tensors (functional API).</summary>
    public SymbolicTensor Call(IReadOnlyList<SymbolicTensor> inputs, bool? training = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return CallSymbolic(inputs.ToArray(), training, examples => Call(examples, training: false));
    }

    /// <summary>Creates weights for inputs of <paramref name="inputShapes"/> (batch axis included); runs once.
    /// </summary>
    protected virtual void Build(IReadOnlyList<Shape> inputShapes)
    {
    }

    /// <summary>The output shape for inputs of <paramref name="inputShapes"/>, or null when unknown without running.
    /// </summary>
    protected virtual Shape? ComputeOutputShape(IReadOnlyList<Shape> inputShapes) => null;

    private protected sealed override void BuildFor(IReadOnlyList<Shape> shapes) =>
        EnsureBuilt(shapes[0], () => Build(shapes));

    private protected sealed override Shape? InferOutputShape(IReadOnlyList<Shape> shapes) => ComputeOutputShape(shapes);

    protected abstract Tensor Merge(IReadOnlyList<Tensor> inputs);

    /// <summary>Combines the inputs in the given mode; layers whose merge depends on the mode (attention dropout)
    /// override this one.</summary>
    protected virtual Tensor Merge(IReadOnlyList<Tensor> inputs, bool training) => Merge(inputs);

    protected override Tensor Forward(Tensor x, bool training) => Merge([x], training);

    /// <summary>
    /// The NumPy broadcast of the inputs' shapes (aligned at the last axis; a size 1 or a missing axis stretches), or
    /// an error naming the first input that does not broadcast against the ones before it.
    /// </summary>
    protected Shape BroadcastShape(IReadOnlyList<Tensor> inputs) => BroadcastShape(inputs.Select(t => t.Shape).ToArray());

    /// <summary>The NumPy broadcast of <paramref name="shapes"/>, as <see cref="BroadcastShape(IReadOnlyList{Tensor})"/>.
    /// </summary>
    protected Shape BroadcastShape(IReadOnlyList<Shape> shapes)
    {
        var result = shapes[0].ToArray();
        for (int i = 1; i < shapes.Count; i++)
        {
            var s = shapes[i];
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
