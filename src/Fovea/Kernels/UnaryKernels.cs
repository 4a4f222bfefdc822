using System.Numerics.Tensors;

namespace Fovea.Kernels;

/// <summary>The elementwise functions of <see cref="UnaryKernels"/> (ONNX's unary ops that Fovea's activations
/// lack).</summary>
internal enum UnaryKind
{
    Exp,
    Log,
    Sqrt,
    Neg,
    Abs,
    Reciprocal,
    Erf,
    Softplus,
    Softsign,
    Elu,
    Selu,
    Celu,
    HardSigmoid,
    HardSwish,
    Clip,
    Pow,
    Gelu,
    GeluTanh,
    Sin,
    Cos,
    ThresholdedRelu,
    Mish,
    Floor,
    Ceil,
    Round,
    Sign,
    Atan,
}

/// <summary>
/// Elementwise functions y = f(x; a, b) and their backward dx = dy·f′(x), over equal-length spans. Parameters:
/// Elu α = a; Selu α = a, γ = b; Celu α = a; HardSigmoid max(0, min(1, a·x + b)); Clip [a, b]; Pow x^a;
/// ThresholdedRelu x·[x &gt; a]. Floor, Ceil, Round (half to even) and Sign have zero gradient.
/// Where TensorPrimitives has the function it is called; the rest are scalar loops, which are their own reference.
/// </summary>
internal static class UnaryKernels
{
    private const double TwoOverSqrtPi = 1.1283791670955126;
    private const double InvSqrt2 = 0.7071067811865476;
    private const double SqrtTwoOverPi = 0.7978845608028654;

    public static void Forward(UnaryKind kind, float a, float b, ReadOnlySpan<float> x, Span<float> y)
    {
        switch (kind)
        {
            case UnaryKind.Exp: TensorPrimitives.Exp(x, y); return;
            case UnaryKind.Log: TensorPrimitives.Log(x, y); return;
            case UnaryKind.Sqrt: TensorPrimitives.Sqrt(x, y); return;
            case UnaryKind.Neg: TensorPrimitives.Negate(x, y); return;
            case UnaryKind.Abs: TensorPrimitives.Abs(x, y); return;
            case UnaryKind.Reciprocal: TensorPrimitives.Reciprocal(x, y); return;
            case UnaryKind.Sin: TensorPrimitives.Sin(x, y); return;
            case UnaryKind.Cos: TensorPrimitives.Cos(x, y); return;
            case UnaryKind.Floor: TensorPrimitives.Floor(x, y); return;
            case UnaryKind.Ceil: TensorPrimitives.Ceiling(x, y); return;
            case UnaryKind.Round: TensorPrimitives.Round(x, y); return;
            case UnaryKind.Pow when a == 2f: TensorPrimitives.Multiply(x, x, y); return;
            case UnaryKind.Pow when a == 0.5f: TensorPrimitives.Sqrt(x, y); return;
            case UnaryKind.Pow when a == 1f: x.CopyTo(y); return;
            default:
                for (int i = 0; i < x.Length; i++)
                    y[i] = Value(kind, a, b, x[i]);
                return;
        }
    }

    /// <summary>dx = dy·f′(x); <paramref name="y"/> is the forward output.</summary>
    public static void Backward(UnaryKind kind, float a, float b, ReadOnlySpan<float> x, ReadOnlySpan<float> y,
        ReadOnlySpan<float> dy, Span<float> dx)
    {
        switch (kind)
        {
            case UnaryKind.Exp: TensorPrimitives.Multiply(dy, y, dx); return;
            case UnaryKind.Neg: TensorPrimitives.Negate(dy, dx); return;
            case UnaryKind.Floor or UnaryKind.Ceil or UnaryKind.Round or UnaryKind.Sign: dx.Clear(); return;
            default:
                for (int i = 0; i < x.Length; i++)
                    dx[i] = (float)(dy[i] * Derivative(kind, a, b, x[i], y[i]));
                return;
        }
    }

    public static float Value(UnaryKind kind, float a, float b, float x) => kind switch
    {
        UnaryKind.Exp => MathF.Exp(x),
        UnaryKind.Log => MathF.Log(x),
        UnaryKind.Sqrt => MathF.Sqrt(x),
        UnaryKind.Neg => -x,
        UnaryKind.Abs => MathF.Abs(x),
        UnaryKind.Reciprocal => 1f / x,
        UnaryKind.Erf => (float)Erf(x),
        UnaryKind.Softplus => (float)(Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs((double)x)))),
        UnaryKind.Softsign => x / (1 + MathF.Abs(x)),
        UnaryKind.Elu => x > 0 ? x : a * (float)Expm1(x),
        UnaryKind.Selu => b * (x > 0 ? x : a * (float)Expm1(x)),
        UnaryKind.Celu => Math.Max(0, x) + Math.Min(0, a * (float)Expm1(x / a)),
        UnaryKind.HardSigmoid => Math.Clamp(a * x + b, 0f, 1f),
        UnaryKind.HardSwish => x * Math.Clamp(x / 6f + 0.5f, 0f, 1f),
        UnaryKind.Clip => x < a ? a : x > b ? b : x,
        UnaryKind.Pow => MathF.Pow(x, a),
        UnaryKind.Gelu => (float)(0.5 * x * (1 + Erf(x * InvSqrt2))),
        UnaryKind.GeluTanh => (float)(0.5 * x * (1 + Math.Tanh(SqrtTwoOverPi * (x + 0.044715 * x * x * x)))),
        UnaryKind.Sin => MathF.Sin(x),
        UnaryKind.Cos => MathF.Cos(x),
        UnaryKind.ThresholdedRelu => x > a ? x : 0f,
        UnaryKind.Mish => (float)(x * Math.Tanh(Softplus(x))),
        UnaryKind.Floor => MathF.Floor(x),
        UnaryKind.Ceil => MathF.Ceiling(x),
        UnaryKind.Round => MathF.Round(x, MidpointRounding.ToEven),
        UnaryKind.Atan => MathF.Atan(x),
        _ => MathF.Sign(x),
    };

    private static double Derivative(UnaryKind kind, float a, float b, float x, float y) => kind switch
    {
        UnaryKind.Log => 1.0 / x,
        UnaryKind.Sqrt => 0.5 / y,
        UnaryKind.Abs => x > 0 ? 1 : x < 0 ? -1 : 0,
        UnaryKind.Reciprocal => -(double)y * y,
        UnaryKind.Erf => TwoOverSqrtPi * Math.Exp(-(double)x * x),
        UnaryKind.Softplus => 1 / (1 + Math.Exp(-(double)x)),
        UnaryKind.Softsign => 1 / ((1 + Math.Abs((double)x)) * (1 + Math.Abs((double)x))),
        UnaryKind.Elu => x > 0 ? 1 : y + a,
        UnaryKind.Selu => x > 0 ? b : b * a * Math.Exp(x),
        UnaryKind.Celu => x > 0 ? 1 : Math.Exp(x / a),
        UnaryKind.HardSigmoid => a * x + b > 0 && a * x + b < 1 ? a : 0,
        UnaryKind.HardSwish => x < -3 ? 0 : x > 3 ? 1 : (2.0 * x + 3) / 6,
        UnaryKind.Clip => x >= a && x <= b ? 1 : 0,
        UnaryKind.Pow => a == 0 ? 0 : a * Math.Pow(x, a - 1),
        UnaryKind.Gelu => 0.5 * (1 + Erf(x * InvSqrt2)) + x * Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI),
        UnaryKind.GeluTanh => GeluTanhDerivative(x),
        UnaryKind.Sin => Math.Cos(x),
        UnaryKind.Cos => -Math.Sin(x),
        UnaryKind.ThresholdedRelu => x > a ? 1 : 0,
        UnaryKind.Mish => MishDerivative(x),
        UnaryKind.Atan => 1 / (1 + (double)x * x),
        _ => 0,
    };

    private static double Softplus(double x) => Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x)));

    private static double GeluTanhDerivative(double x)
    {
        double u = SqrtTwoOverPi * (x + 0.044715 * x * x * x);
        double t = Math.Tanh(u);
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SqrtTwoOverPi * (1 + 3 * 0.044715 * x * x);
    }

    private static double MishDerivative(double x)
    {
        double t = Math.Tanh(Softplus(x));
        return t + x * (1 - t * t) / (1 + Math.Exp(-x));
    }

    /// <summary>
    /// The error function, by the Chebyshev-fitted complementary error function of Numerical Recipes (erfcc,
    /// fractional error below 1.2e−7 everywhere), evaluated in double.
    /// </summary>
    public static double Erf(double x)
    {
        double z = Math.Abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
            t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
            t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1 - r : r - 1;
    }

    /// <summary>e^x − 1, accurate near 0 (.NET has no expm1).</summary>
    private static double Expm1(double x) => Math.Abs(x) < 1e-5 ? x + 0.5 * x * x : Math.Exp(x) - 1;
}
