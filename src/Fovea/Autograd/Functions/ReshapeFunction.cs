using Fovea.Tensors;

namespace Fovea.Autograd.Functions;

/// <summary>A new shape over the same elements (a view: no copy); the gradient is reshaped back.</summary>
internal sealed class ReshapeFunction : Function
{
    public static Tensor Apply(Tensor x, Shape shape)
    {
        var y = x.View(shape);
        if (ShouldRecord(x))
            new ReshapeFunction().Record(y, x);
        return y;
    }

    internal override Tensor?[] Backward(Tensor dy) => [dy.View(Inputs[0]!.Shape)];
}
