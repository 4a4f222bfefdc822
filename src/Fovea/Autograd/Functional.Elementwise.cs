using Fovea.Autograd.Functions;
using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd;

public static partial class Functional
{
    /// <summary>eˣ.</summary>
    public static Tensor Exp(Tensor x) => UnaryFunction.Apply(x, UnaryKind.Exp);

    /// <summary>Natural logarithm.</summary>
    public static Tensor Log(Tensor x) => UnaryFunction.Apply(x, UnaryKind.Log);

    /// <summary>√x.</summary>
    public static Tensor Sqrt(Tensor x) => UnaryFunction.Apply(x, UnaryKind.Sqrt);

    /// <summary>−x.</summary>
    public static Tensor Neg(Tensor x) => UnaryFunction.Apply(x, UnaryKind.Neg);

    /// <summary>|x|.</summary>
    public static Tensor Abs(Tensor x) => UnaryFunction.Apply(x, UnaryKind.Abs);

    /// <summary>1/x.</summary>
    public static Tensor Reciprocal(Tensor x) => UnaryFunction.Apply(x, UnaryKind.Reciprocal);

    /// <summary>Arctangent, elementwise (radians); derivative 1 / (1 + x²).</summary>
    public static Tensor Atan(Tensor x) => UnaryFunction.Apply(x, UnaryKind.Atan);

    /// <summary>The error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt.</summary>
    public static Tensor Erf(Tensor x) => UnaryFunction.Apply(x, UnaryKind.Erf);

    /// <summary>x^p for a constant exponent.</summary>
    public static Tensor Pow(Tensor x, float exponent) => UnaryFunction.Apply(x, UnaryKind.Pow, exponent);

    /// <summary>min(max(x, min), max); the gradient passes where min ≤ x ≤ max.</summary>
    public static Tensor Clip(Tensor x, float min, float max) => UnaryFunction.Apply(x, UnaryKind.Clip, min, max);

    /// <summary>
    /// One of the elementwise functions of ONNX by kind (Softplus, Elu, Selu, HardSigmoid, HardSwish, Gelu, ...);
    /// <paramref name="a"/> and <paramref name="b"/> are its parameters (see <see cref="UnaryKernels"/>).
    /// </summary>
    internal static Tensor Unary(Tensor x, UnaryKind kind, float a = 0f, float b = 0f) =>
        UnaryFunction.Apply(x, kind, a, b);

    /// <summary>a^b elementwise with broadcasting.</summary>
    public static Tensor Pow(Tensor a, Tensor b) => Binary(a, b, BinaryKind.Pow);

    /// <summary>Elementwise maximum with broadcasting.</summary>
    public static Tensor Maximum(Tensor a, Tensor b) => Binary(a, b, BinaryKind.Max);

    /// <summary>Elementwise minimum with broadcasting.</summary>
    public static Tensor Minimum(Tensor a, Tensor b) => Binary(a, b, BinaryKind.Min);

    /// <summary>condition ≠ 0 ? a : b elementwise, with broadcasting (no gradient to the condition).</summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b)
    {
        var shape = Broadcast.ResultShape(Broadcast.ResultShape(condition.Shape.Dims, a.Shape.Dims), b.Shape.Dims);
        return WhereFunction.Apply(Expand(condition, shape), Expand(a, shape), Expand(b, shape));
    }

    /// <summary>A two-input elementwise function with broadcasting.</summary>
    internal static Tensor Binary(Tensor a, Tensor b, BinaryKind kind)
    {
        var shape = Broadcast.ResultShape(a.Shape.Dims, b.Shape.Dims);
        return BinaryFunction.Apply(Expand(a, shape), Expand(b, shape), kind);
    }
}
