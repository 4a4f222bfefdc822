using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd.Functions;

/// <summary>Sum (or mean) of all elements → a scalar; backward fills dy (or dy/n) everywhere.</summary>
internal sealed class SumFunction(bool mean) : Function
{
    public override string Name => mean ? "Mean" : "Sum";

    public static Tensor Apply(Tensor x, bool mean)
    {
        double s = Elementwise.Sum(x.AsReadOnlySpan());
        var y = Tensor.Scalar((float)(mean ? s / Math.Max(1, x.Length) : s));
        if (ShouldRecord(x))
            new SumFunction(mean).Record(y, x);
        return y;
    }

    internal override Tensor?[] Backward(Tensor dy)
    {
        var x = Inputs[0]!;
        float g = dy.Item();
        if (mean)
            g /= Math.Max(1, x.Length);
        return [Tensor.Full(x.Shape, g)];
    }
}
