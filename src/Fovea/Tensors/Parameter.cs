namespace Fovea.Tensors;

/// <summary>
/// A tensor owned by a layer: weights, biases and statistics such as BatchNorm's moving mean. Its storage and
/// gradient are ordinary arrays that live as long as the layer, never pooled. Gradients accumulate into
/// <see cref="Tensor.Grad"/> until the optimizer clears them.
/// </summary>
public sealed class Parameter : Tensor
{
    public Parameter(string name, Shape shape, bool trainable = true)
        : base(shape, new float[shape.Length], 0, pooled: false)
    {
        Name = name;
        base.RequiresGrad = trainable;
        Trainable = trainable;
    }

    /// <summary>Whether an optimizer updates this parameter (false for statistics and frozen layers).</summary>
    public bool Trainable { get; private set; }

    /// <summary>Parameters receive gradients exactly when they are trainable and not frozen.</summary>
    public override bool RequiresGrad
    {
        get => base.RequiresGrad;
        set => base.RequiresGrad = value && Trainable;
    }

    /// <summary>
    /// The value a weights file or checkpoint written before this parameter existed stands for (BatchNormalization's
    /// batch count: statistics from such a file are warmed up); null when such a file must hold the parameter.
    /// </summary>
    internal float? ValueWhenMissing { get; set; }

    internal void SetTrainable(bool trainable)
    {
        Trainable = trainable;
        base.RequiresGrad = trainable;
    }

    /// <summary>Clears the accumulated gradient (keeps its storage for the next step).</summary>
    public void ZeroGrad() => Grad?.AsSpan().Clear();

    /// <summary>Copies <paramref name="values"/> into this parameter (shapes must match exactly).</summary>
    public void Assign(ReadOnlySpan<float> values)
    {
        if (values.Length != Length)
            throw new ArgumentException($"parameter '{Name}' {Shape} holds {Length} values, received {values.Length}");
        values.CopyTo(AsSpan());
    }
}
