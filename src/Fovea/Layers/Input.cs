using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>Creates the inputs of a functional model (Keras <c>keras.Input</c>).</summary>
/// <example><code>
/// var inputs = Input.Create([3, 224, 224]);
/// var x = new Conv2D(32, 3, padding: Padding.Same).Call(inputs);
/// var model = new Model(inputs, new Dense(10).Call(new GlobalAveragePooling2D().Call(x)));
/// </code></example>
public static class Input
{
    /// <summary>A symbolic input for samples of <paramref name="shape"/> (no batch axis).</summary>
    public static SymbolicTensor Create(int[] shape, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var sample = new Shape(shape);
        return new SymbolicTensor(Tensor.AllocateOwned(sample.WithBatch(1)), null, name ?? "input");
    }
}
