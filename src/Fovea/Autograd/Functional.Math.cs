using Fovea.Autograd.Functions;
using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd;

public static partial class Functional
{
    /// <summary>a + b with NumPy broadcasting.</summary>
    public static Tensor Add(Tensor a, Tensor b) => BroadcastBinaryFunction.Apply(a, b, Broadcast.Op.Add);

    /// <summary>a − b with NumPy broadcasting.</summary>
    public static Tensor Subtract(Tensor a, Tensor b) => BroadcastBinaryFunction.Apply(a, b, Broadcast.Op.Subtract);

    /// <summary>a · b elementwise, with NumPy broadcasting.</summary>
    public static Tensor Multiply(Tensor a, Tensor b) => BroadcastBinaryFunction.Apply(a, b, Broadcast.Op.Multiply);

    /// <summary>a / b elementwise, with NumPy broadcasting.</summary>
    public static Tensor Divide(Tensor a, Tensor b) => BroadcastBinaryFunction.Apply(a, b, Broadcast.Op.Divide);

    /// <summary>x · s.</summary>
    public static Tensor Multiply(Tensor x, float s) => Multiply(x, Tensor.Scalar(s));

    /// <summary>Sum of several tensors of one shape.</summary>
    public static Tensor AddN(IReadOnlyList<Tensor> inputs) => AddNFunction.Apply(inputs);

    /// <summary>Concatenation along <paramref name="axis"/> (negative counts from the end).</summary>
    public static Tensor Concat(IReadOnlyList<Tensor> inputs, int axis) => ConcatFunction.Apply(inputs, axis);

    /// <summary>
    /// The same elements in another shape (a view). One dimension may be −1 and is then inferred.
    /// </summary>
    public static Tensor Reshape(Tensor x, params int[] shape)
    {
        int infer = -1, known = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == -1)
            {
                if (infer >= 0)
                    throw new ArgumentException($"Reshape: only one dimension may be -1, received [{string.Join(", ", shape)}]");
                infer = i;
            }
            else if (shape[i] < 0)
            {
                throw new ArgumentException($"Reshape: invalid dimension {shape[i]} in [{string.Join(", ", shape)}]");
            }
            else
            {
                known *= shape[i];
            }
        }
        var dims = (int[])shape.Clone();
        if (infer >= 0)
        {
            if (known == 0 || x.Length % known != 0)
                throw new ArgumentException($"Reshape: cannot infer -1 in [{string.Join(", ", shape)}] for {x.Shape}");
            dims[infer] = x.Length / known;
        }
        var target = new Shape(dims);
        if (target.Length != x.Length)
            throw new ArgumentException($"Reshape: cannot reshape {x.Shape} ({x.Length} elements) to {target}");
        return ReshapeFunction.Apply(x, target);
    }

    /// <summary>[N, ...] → [N, product of the rest] (a view).</summary>
    public static Tensor Flatten(Tensor x) => x.Rank == 2 ? x : Reshape(x, x.Rank == 0 ? 1 : x.Shape[0], -1);

    /// <summary>Sum of all elements (a scalar).</summary>
    public static Tensor Sum(Tensor x) => SumFunction.Apply(x, mean: false);

    /// <summary>Mean of all elements (a scalar).</summary>
    public static Tensor Mean(Tensor x) => SumFunction.Apply(x, mean: true);
}
