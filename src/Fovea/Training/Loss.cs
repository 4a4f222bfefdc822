using Fovea.Tensors;

namespace Fovea.Training;

/// <summary>A training objective: the mean loss over a batch as a scalar tensor that supports Backward().</summary>
public abstract class Loss
{
    /// <summary>Config/display name ("categorical_crossentropy").</summary>
    public abstract string Name { get; }

    /// <summary>The mean loss of <paramref name="prediction"/> against <paramref name="target"/>.</summary>
    public abstract Tensor Compute(Tensor prediction, Tensor target);

    public override string ToString() => Name;
}
