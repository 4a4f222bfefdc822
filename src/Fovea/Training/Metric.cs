using Fovea.Tensors;

namespace Fovea.Training;

/// <summary>A quantity accumulated over batches and read at the end of an epoch (Keras metrics).</summary>
public abstract class Metric
{
    /// <summary>Key in logs and history ("accuracy"; validation adds the "val_" prefix).</summary>
    public abstract string Name { get; }

    public abstract void Reset();

    public abstract void Update(Tensor prediction, Tensor target);

    public abstract double Result { get; }

    public override string ToString() => Name;
}
